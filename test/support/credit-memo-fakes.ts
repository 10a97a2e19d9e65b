import type { ManualClock } from '#shared/clock.ts';
import type { ApprovalRecord } from '#shared/domain/approvals/approval.ts';
import type { AuditEvent } from '#shared/domain/audit.ts';
import type { CreditMemoRecord } from '#shared/domain/credit-memos/credit-memo.ts';
import type { ArchiveObject } from '#shared/use-cases/archive/ports.ts';
import type {
  ApprovalStore,
  CreditMemoDeps,
  CreditMemoStore,
  ReturnStatusStore,
  TaskCallbacks,
} from '#shared/use-cases/credit-memos/ports.ts';
import { makeOutbox } from '#shared/use-cases/outbox/outbox.ts';
import type { ArchiveDocument, SendRequest } from '#shared/use-cases/outbox/ports.ts';
import { RecordingPublisher } from './fakes.ts';
import { InMemoryNumberSeries } from './invoice-fakes.ts';
import { InMemoryOutboxStore } from './outbox-fakes.ts';

/** Memos in memory, conditional on revision like DynamoDbCreditMemoStore. */
export class InMemoryCreditMemoStore implements CreditMemoStore {
  readonly items = new Map<string, CreditMemoRecord>();
  readonly filingTokens = new Map<string, string>();
  async claim(record: CreditMemoRecord) {
    if (this.items.has(record.memoId)) return 'duplicate' as const;
    this.items.set(record.memoId, structuredClone(record));
    return 'claimed' as const;
  }
  async get(memoId: string) {
    const found = this.items.get(memoId);
    return found ? structuredClone(found) : undefined;
  }
  async update(next: CreditMemoRecord, revision: number) {
    if (this.items.get(next.memoId)?.revision !== revision) return false;
    this.items.set(next.memoId, structuredClone(next));
    return true;
  }
  async saveFilingToken(memoId: string, token: string) {
    this.filingTokens.set(memoId, token);
  }
  async filingToken(memoId: string) {
    return this.filingTokens.get(memoId);
  }
  async list() {
    return { items: [...this.items.values()] };
  }
}

/** Approvals in memory: the decision is conditional on `pending` (and the expiry), as in DynamoDB. */
export class InMemoryApprovalStore implements ApprovalStore {
  readonly items = new Map<string, ApprovalRecord>();
  async create(record: ApprovalRecord) {
    if (this.items.has(record.approvalId)) return false;
    this.items.set(record.approvalId, structuredClone(record));
    return true;
  }
  async get(id: string) {
    const found = this.items.get(id);
    return found ? structuredClone(found) : undefined;
  }
  async decide(
    id: string,
    decision: {
      state: 'approved' | 'rejected' | 'expired';
      decision: NonNullable<ApprovalRecord['decision']>;
    },
    now: string,
  ) {
    const current = this.items.get(id);
    if (current?.state !== 'pending' || (decision.state !== 'expired' && current.expiresAt <= now)) {
      return { ok: false as const, current: current ? structuredClone(current) : undefined };
    }
    const next = { ...current, state: decision.state, decision: decision.decision };
    this.items.set(id, next);
    return { ok: true as const, record: structuredClone(next) };
  }
  async replaceToken(id: string, taskToken: string) {
    const current = this.items.get(id);
    if (current?.state !== 'pending') return false;
    this.items.set(id, { ...current, taskToken });
    return true;
  }
  async markNotified(id: string, remindersSent: number, escalated: boolean, expected: number) {
    const current = this.items.get(id);
    if (current?.state !== 'pending' || current.remindersSent !== expected) return false;
    this.items.set(id, { ...current, remindersSent, escalated });
    return true;
  }
  async list(options: { state: ApprovalRecord['state'] }) {
    return {
      items: [...this.items.values()].filter((a) => a.state === options.state).map((a) => structuredClone(a)),
    };
  }
}

/** Records SendTaskSuccess / SendTaskFailure, with the approval's state at the moment of the call. */
export class RecordingCallbacks implements TaskCallbacks {
  readonly calls: {
    kind: 'success' | 'failure';
    token: string;
    error?: string;
    approvalStateAtCall?: string | undefined;
  }[] = [];
  constructor(private readonly approvals?: InMemoryApprovalStore) {}
  #stateOf(token: string) {
    return [...(this.approvals?.items.values() ?? [])].find((a) => a.taskToken === token)?.state;
  }
  async succeed(token: string) {
    this.calls.push({ kind: 'success', token, approvalStateAtCall: this.#stateOf(token) });
    return 'sent' as const;
  }
  async fail(token: string, error: string) {
    this.calls.push({ kind: 'failure', token, error, approvalStateAtCall: this.#stateOf(token) });
    return 'sent' as const;
  }
}

export const LINK_KEYS = { current: 'k'.repeat(48), previous: 'p'.repeat(48) };

/** Every credit-memo port in memory; senders record what they would send. */
export function fakeCreditMemoDeps(clock: ManualClock) {
  const memos = new InMemoryCreditMemoStore();
  const approvals = new InMemoryApprovalStore();
  const callbacks = new RecordingCallbacks(approvals);
  const audit: AuditEvent[] = [];
  const archived: ArchiveDocument[] = [];
  const sent: SendRequest[] = [];
  const events = new RecordingPublisher();
  const statuses = new Map<string, string>();
  const returnStatuses: ReturnStatusStore = {
    async record(v, r, status) {
      statuses.set(`${v}#${r}`, status);
    },
    async get(v, r) {
      const status = statuses.get(`${v}#${r}`);
      return status ? { status, reportedAt: clock.now().toISOString() } : undefined;
    },
  };
  const objects: ArchiveObject[] = [];
  const archive = {
    async putDocument(d: ArchiveDocument) {
      archived.push(d);
    },
    async putObject(o: ArchiveObject) {
      objects.push(o);
    },
  };
  const numbers = new InMemoryNumberSeries();
  const auditTrail = {
    async record(e: AuditEvent) {
      audit.push(e);
    },
  };
  const recorder = {
    async send(r: SendRequest) {
      sent.push(r);
      return { ok: true };
    },
  };
  const outbox = makeOutbox({
    store: new InMemoryOutboxStore(),
    archive,
    audit: auditTrail,
    clock,
    modeOf: () => 'live',
    senders: {
      sendEmail: recorder,
      postSlackMessage: recorder,
      submitInvoices: {
        async send(r) {
          sent.push(r);
          return { transactionId: 'tx-1' };
        },
      },
    },
    resolvers: {},
    leaseMs: 60_000,
  });
  let ids = 0;
  const deps: CreditMemoDeps = {
    clock,
    memos,
    approvals,
    returnStatuses,
    orders: {
      async get() {
        return undefined;
      },
    },
    invoices: {
      async byNumber() {
        return undefined;
      },
      async forPurchaseOrder() {
        return undefined;
      },
    },
    numbers,
    creditNoteSeries: { legalEntity: 'ACMEREMIT', prefix: 'ACME' },
    outbox,
    audit: auditTrail,
    archive,
    events,
    callbacks,
    transactions: {
      async status() {
        return { status: 'Processing' as const, errors: [] };
      },
    },
    linkKeys: async () => LINK_KEYS,
    settings: {
      autoApproveBelow: { EUR: '100' },
      receivedStatuses: ['Delivered to Warehouse'],
      recheckReceiptMinutes: 60,
      approvalHours: 24,
      reminders: [0.5, 0.75],
      reviewBaseUrl: 'https://acorn.test/approvals',
      slackChannel: '#credit-memos',
    },
    approvers: [
      { name: 'Dana Approver', email: 'dana@example.com', slackUserId: 'U0DANA' },
      { name: 'Eli Approver', email: 'eli@example.com', slackUserId: 'U0ELI' },
    ],
    accountOf: () => 'example-eu',
    remitTo: { partyId: 'ACMEREMIT' },
    randomId: () => `approval-id-${String(++ids).padStart(8, '0')}`,
  };
  return { deps, memos, approvals, callbacks, audit, archived, objects, numbers, sent, events, statuses };
}
