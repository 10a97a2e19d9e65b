import { createHash } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import type { RuntimeConfig } from '../../config/runtime.ts';
import type { AuditActor } from '../../domain/audit.ts';
import { creditRequestedDetailSchema } from '../../domain/credit-memos/credit-request.ts';
import { RemittanceKeyError } from '../../domain/payments/errors.ts';
import { creditRequestOf, disputeCandidateOf, isDisputable } from '../../domain/payments/follow-ups.ts';
import { decimalText, exportLocale } from '../../domain/payments/locale.ts';
import {
  applyLines,
  invoiceDiscrepancy,
  LineIdentities,
  lineDiscrepancy,
  type MatchedLine,
  matchLine,
  newReconciliation,
} from '../../domain/payments/reconciliation.ts';
import {
  parseRemittanceRows,
  type RowProblem,
  type SheetRow,
} from '../../domain/payments/remittance-file.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '../../events.ts';
import { csvRows } from '../../files/csv-rows.ts';
import { xlsxRows } from '../../files/xlsx-rows.ts';
import type { AuditTrail } from '../outbox/ports.ts';
import type { DomainEvent, EventPublisher } from '../ports.ts';
import { announceFindings, findingId, toEvent } from './findings.ts';
import type { EvidenceLookup, Finding, InvoiceLookup, PaymentsStore, StoredLine } from './ports.ts';

/** Where remittance exports land in the inbox: `remittance/<vendorCode>/<marketplace>/<name>.csv|xlsx`. */
export const REMITTANCE_INBOX_PREFIX = 'remittance/';

/** The actor of imports (audit trail). */
export const REMITTANCE_ACTOR: AuditActor = { type: 'system', id: 'remittance-import' };

/** What one import did. */
export interface RemittanceImportSummary {
  readonly file: string;
  readonly vendorCode: string;
  readonly marketplace: string;
  /** Set when the same bytes were imported before (nothing changed this time). */
  readonly duplicateOf?: { file: string; at: string };
  readonly lines: number;
  /** Lines applied for the first time (a re-import applies none). */
  readonly applied: number;
  readonly quarantined: number;
  readonly invoicesUpdated: number;
  readonly findings: {
    readonly discrepancies: number;
    readonly disputes: number;
    readonly creditRequests: number;
  };
  readonly problems: readonly RowProblem[];
  readonly totalProblems: number;
}

/** Dependencies of {@link makeImportRemittance}. */
export interface ImportRemittanceDeps {
  readonly clock: Clock;
  /** The file's bytes as a stream. */
  readonly read: (key: string) => Promise<AsyncIterable<Uint8Array>>;
  readonly invoices: InvoiceLookup;
  readonly store: PaymentsStore;
  readonly evidence: EvidenceLookup;
  readonly events: EventPublisher;
  readonly audit: AuditTrail;
  readonly vendors: RuntimeConfig['vendors'];
  /** Net days when an invoice carries no payment terms. */
  readonly defaultTermsDays: number;
  /** Lines per batch (one invoice lookup and one write round per batch). @default 500 */
  readonly batchSize?: number;
}

const KEY = /^remittance\/([^/]+)\/([A-Za-z]{2})\/[^/]+\.(csv|xlsx)$/i;
const MAX_REPORTED_PROBLEMS = 200;
const SAVE_ATTEMPTS = 8;

/** `remittance/<vendorCode>/<marketplace>/<name>.csv|xlsx` → whose file and its format. */
export function remittanceKey(key: string, vendors: RuntimeConfig['vendors']) {
  const m = KEY.exec(key);
  if (!m) {
    throw new RemittanceKeyError(
      `${key}: remittance exports go under remittance/<vendorCode>/<marketplace>/<name>.csv or .xlsx`,
      [{ path: 'key', message: 'expected remittance/<vendorCode>/<marketplace>/<name>.csv|xlsx' }],
    );
  }
  const vendorCode = m[1]!;
  const marketplace = m[2]!.toUpperCase();
  const vendor = vendors.find((v) => v.vendorCode === vendorCode);
  if (!vendor?.marketplaces.includes(marketplace)) {
    throw new RemittanceKeyError(`${key}: vendor code ${vendorCode} in ${marketplace} is not configured`, [
      { path: 'key', message: `no vendor ${vendorCode} selling in ${marketplace} in the configuration` },
    ]);
  }
  return { vendorCode, marketplace, format: m[3]!.toLowerCase() as 'csv' | 'xlsx' };
}

const CURRENCY_OF: Readonly<Record<string, string>> = {
  US: 'USD',
  CA: 'CAD',
  MX: 'MXN',
  BR: 'BRL',
  GB: 'GBP',
  DE: 'EUR',
  FR: 'EUR',
  IT: 'EUR',
  ES: 'EUR',
  NL: 'EUR',
  BE: 'EUR',
  IE: 'EUR',
  PL: 'PLN',
  SE: 'SEK',
  TR: 'TRY',
  AE: 'AED',
  SA: 'SAR',
  EG: 'EGP',
  IN: 'INR',
  JP: 'JPY',
  AU: 'AUD',
  SG: 'SGD',
  ZA: 'ZAR',
};

async function* hashing(
  chunks: AsyncIterable<Uint8Array>,
  hash: ReturnType<typeof createHash>,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    hash.update(chunk);
    yield chunk;
  }
}

/**
 * A remittance export from the inbox: streamed, every line matched to its invoice and PO and
 * classified, each invoice's paid / deducted / open amounts updated once per line (a line already
 * applied is skipped, so the same file twice changes nothing), each finding — discrepancy, dispute
 * candidate, credit request — stored and announced once. Bad rows are reported with their number
 * and column (InboxFileRejectedRows) and imported nowhere; an unknown layout imports nothing.
 */
export function makeImportRemittance(deps: ImportRemittanceDeps) {
  const batchSize = deps.batchSize ?? 500;

  return async function importRemittance(key: string): Promise<RemittanceImportSummary> {
    const { vendorCode, marketplace, format } = remittanceKey(key, deps.vendors);
    const now = deps.clock.now();
    const at = now.toISOString();
    const hash = createHash('sha256');
    const stream = hashing(await deps.read(key), hash);
    let rows: AsyncIterable<SheetRow>;
    if (format === 'xlsx') {
      const parts: Uint8Array[] = [];
      for await (const chunk of stream) parts.push(chunk);
      rows = xlsxRows(Buffer.concat(parts));
    } else rows = csvRows(stream);

    const ids = new LineIdentities();
    const problems: RowProblem[] = [];
    let totalProblems = 0;
    let lines = 0;
    let applied = 0;
    let quarantined = 0;
    const invoicesUpdated = new Set<string>();
    const counts = { discrepancies: 0, disputes: 0, creditRequests: 0 };
    let batch: { lineId: string; line: Parameters<typeof matchLine>[1] }[] = [];

    async function flush(): Promise<void> {
      if (batch.length === 0) return;
      const current = batch;
      batch = [];
      // Classify first to learn the invoice each line concerns, then look them up in one read.
      const unmatched = current.map(({ lineId, line }) => matchLine(lineId, line, new Map()));
      const numbers = [
        ...new Set(
          unmatched.flatMap((m) => (m.classification.invoiceNumber ? [m.classification.invoiceNumber] : [])),
        ),
      ];
      const invoices = await deps.invoices.get(numbers);
      const matched = current.map(({ lineId, line }) => matchLine(lineId, line, invoices));
      await deps.store.putLines(matched.map((m) => storedLine(m, vendorCode, marketplace, key, at)));

      const findings: Finding[] = [];
      // Ids are scoped to the vendor code: Amazon numbers debit notes and claims per vendor account.
      const finding = (id: string, type: Finding['type'], detail: Record<string, unknown>) =>
        findings.push({
          id: findingId(vendorCode, id),
          type,
          vendorCode,
          marketplace,
          detectedAt: at,
          detail,
        });
      const byInvoice = new Map<string, MatchedLine[]>();
      for (const m of matched) {
        const discrepancy = lineDiscrepancy(m);
        if (discrepancy) finding(discrepancy.id, 'discrepancy', { ...discrepancy, vendorCode, marketplace });
        if (!m.invoice) {
          if (m.classification.kind === 'invoice-payment' || m.classification.invoiceNumber) quarantined++;
          continue;
        }
        const list = byInvoice.get(m.invoice.invoiceNumber) ?? [];
        list.push(m);
        byInvoice.set(m.invoice.invoiceNumber, list);
      }

      // Each invoice's record: read, apply the lines it has not seen, write if still unchanged.
      for (let attempt = 0; byInvoice.size > 0; attempt++) {
        if (attempt >= SAVE_ATTEMPTS)
          throw new Error(`Reconciliation records kept changing under the import of ${key}`);
        const stored = await deps.store.getReconciliations([...byInvoice.keys()]);
        for (const [number, list] of byInvoice) {
          const existing = stored.get(number);
          const invoice = list[0]!.invoice!;
          const before =
            existing?.record ?? newReconciliation(number, invoice.currency, invoice, deps.defaultTermsDays);
          const after = applyLines(before, list);
          if (after !== before) {
            if (!(await deps.store.saveReconciliation(after, existing?.version ?? 0, at))) continue;
            applied += after.appliedLines.length - before.appliedLines.length;
            invoicesUpdated.add(number);
          }
          const discrepancy = invoiceDiscrepancy(after);
          if (discrepancy)
            finding(discrepancy.id, 'discrepancy', { ...discrepancy, vendorCode, marketplace });
          byInvoice.delete(number);
        }
      }

      for (const m of matched) {
        const credit = creditRequestOf(m, { vendorCode, marketplace, requestedAt: now });
        if (credit)
          finding(
            `credit:${credit.debitNoteNumber}`,
            'credit-request',
            creditRequestedDetailSchema.parse(credit),
          );
        if (isDisputable(m)) {
          const evidence = await deps.evidence.forPurchaseOrders(m.purchaseOrderNumbers);
          const candidate = disputeCandidateOf(m, evidence, { vendorCode, marketplace });
          if (candidate) finding(`dispute:${candidate.claimNumber}`, 'dispute', { ...candidate });
        }
      }
      const seen = new Set<string>();
      const unique = findings.filter((f) => !seen.has(f.id) && seen.add(f.id));
      counts.discrepancies += unique.filter((f) => f.type === 'discrepancy').length;
      counts.disputes += unique.filter((f) => f.type === 'dispute').length;
      counts.creditRequests += unique.filter((f) => f.type === 'credit-request').length;
      await announceFindings(deps, unique, toEvent);
      for (const f of unique.filter((x) => x.type === 'discrepancy')) {
        await deps.audit.record({
          id: `payments.${f.id}`.replace(/[^A-Za-z0-9._:#=+@-]/g, '-').slice(0, 300),
          at,
          actor: REMITTANCE_ACTOR,
          action: 'payments.discrepancyFound',
          entity: { type: 'PaymentDiscrepancy', id: f.id.slice(0, 200) },
          reason: String(f.detail.message ?? ''),
          after: { kind: f.detail.kind, amount: f.detail.amount, currency: f.detail.currency },
          module: 'payments',
        });
      }
    }

    const parse = parseRemittanceRows(rows, {
      locale: exportLocale(marketplace),
      currency: CURRENCY_OF[marketplace] ?? 'USD',
    });
    for await (const item of parse) {
      if (item.type === 'problem') {
        totalProblems++;
        if (problems.length < MAX_REPORTED_PROBLEMS) problems.push(item.problem);
        continue;
      }
      lines++;
      batch.push({ lineId: ids.next(item.line), line: item.line });
      if (batch.length >= batchSize) await flush();
    }
    await flush();

    const digest = hash.digest('hex');
    const previous = await deps.store.recordFile(digest, key, at);
    const summary: RemittanceImportSummary = {
      file: key,
      vendorCode,
      marketplace,
      ...(previous.first ? {} : { duplicateOf: { file: previous.file, at: previous.at } }),
      lines,
      applied,
      quarantined,
      invoicesUpdated: invoicesUpdated.size,
      findings: counts,
      problems,
      totalProblems,
    };
    const events: DomainEvent[] = [
      {
        source: EVENT_SOURCE.payments,
        detailType: DETAIL_TYPE.remittanceImported,
        detail: { ...summary, problems: undefined },
      },
    ];
    if (totalProblems > 0) {
      events.push({
        source: EVENT_SOURCE.payments,
        detailType: DETAIL_TYPE.inboxFileRejectedRows,
        detail: { kind: 'remittance', file: key, problems, totalProblems },
      });
    }
    await deps.events.publish(events);
    if (applied > 0) {
      await deps.audit.record({
        id: `payments.remittance.${digest.slice(0, 32)}.${at.replace(/[:.]/g, '')}`,
        at,
        actor: REMITTANCE_ACTOR,
        action: 'payments.remittanceImported',
        entity: { type: 'RemittanceFile', id: key.slice(0, 200) },
        reason: `${applied} lines applied to ${invoicesUpdated.size} invoices; ${quarantined} quarantined; ${totalProblems} bad rows`,
        after: { lines, applied, quarantined, invoicesUpdated: invoicesUpdated.size },
        module: 'payments',
      });
    }
    return summary;
  };
}

function storedLine(
  m: MatchedLine,
  vendorCode: string,
  marketplace: string,
  file: string,
  importedAt: string,
): StoredLine {
  const l = m.line;
  return {
    lineId: m.lineId,
    vendorCode,
    marketplace,
    file,
    row: l.row,
    paymentNumber: l.paymentNumber,
    paymentDate: l.paymentDate,
    number: l.invoiceNumber,
    kind: m.classification.kind,
    rule: m.classification.rule,
    ...(m.classification.invoiceNumber ? { invoiceNumber: m.classification.invoiceNumber } : {}),
    matched: m.invoice !== undefined,
    purchaseOrderNumbers: m.purchaseOrderNumbers,
    ...(l.transactionType ? { transactionType: l.transactionType } : {}),
    ...(l.description ? { description: l.description } : {}),
    currency: l.currency,
    invoiceAmount: decimalText(l.invoiceAmount),
    amountPaid: decimalText(l.amountPaid),
    withholdingAmount: decimalText(l.withholdingAmount),
    termsDiscount: decimalText(l.termsDiscount),
    importedAt,
  };
}
