import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '#local/runtime/event-bus.ts';
import { DynamoDbAcknowledgementStore } from '#shared/aws/dynamodb-acknowledgements.ts';
import { DynamoDbAuditLog } from '#shared/aws/dynamodb-audit.ts';
import { DynamoDbCatalog, DynamoDbPurchaseOrderReader } from '#shared/aws/dynamodb-catalog.ts';
import { DynamoDbInventoryStore } from '#shared/aws/dynamodb-inventory.ts';
import { DynamoDbOutboxStore } from '#shared/aws/dynamodb-outbox.ts';
import type { AuditActor } from '#shared/domain/audit.ts';
import { DEFAULT_ALLOCATION_RULES } from '#shared/domain/inventory/allocation.ts';
import { DEFAULT_REMINDER_PLAN } from '#shared/domain/purchase-orders/deadlines.ts';
import { DEFAULT_ACKNOWLEDGEMENT_RULES } from '#shared/domain/purchase-orders/rules-config.ts';
import { DETAIL_TYPE } from '#shared/events.ts';
import type { OrderItemAcknowledgement, PurchaseOrder } from '#shared/sp-api/schemas/orders.ts';
import { makeAmazonStock } from '#shared/use-cases/inventory/stock-positions.ts';
import { makeOutbox } from '#shared/use-cases/outbox/outbox.ts';
import { makeDecideLines } from '#shared/use-cases/purchase-orders/decide-lines.ts';
import { RecordingPublisher } from '../support/fakes.ts';
import { startTestSystem } from '../support/local-system.ts';
import { sandboxAccessToken } from '../support/sp-api-sandbox.ts';

type TestSystem = Awaited<ReturnType<typeof startTestSystem>>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const OPERATOR: AuditActor = { type: 'person', id: 'local-operator', name: 'Local operator' };
/** In no catalogue: a line with it goes to review. */
const UNKNOWN_EAN = '4000000000017';

/** Polls `probe` until it returns something other than undefined/false. */
async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  intervalMs = 100,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** ISO-8601 at whole seconds, as Amazon prints PO dates. */
const isoSeconds = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** A New PO of ACMEDE in DE with one line of an unknown product (so the rules send it to a person). */
function reviewPurchaseOrder(number: string, createdAt: number, quantity: number): PurchaseOrder {
  const date = isoSeconds(createdAt);
  return {
    purchaseOrderNumber: number,
    purchaseOrderState: 'New',
    orderDetails: {
      purchaseOrderDate: date,
      purchaseOrderStateChangedDate: date,
      purchaseOrderType: 'RegularOrder',
      paymentMethod: 'Invoice',
      buyingParty: { partyId: 'AMAZONDE' },
      sellingParty: { partyId: 'ACMEDE' },
      shipToParty: { partyId: 'DUS2' },
      billToParty: { partyId: 'AMAZONDE' },
      shipWindow: `${isoSeconds(createdAt + 48 * HOUR)}--${isoSeconds(createdAt + 144 * HOUR)}`,
      items: [
        {
          itemSequenceNumber: '1',
          vendorProductIdentifier: UNKNOWN_EAN,
          orderedQuantity: { amount: quantity, unitOfMeasure: 'Eaches', unitSize: 1 },
          isBackOrderAllowed: false,
          netCost: { amount: '5.00', currencyCode: 'EUR' },
        },
      ],
    },
  };
}

const accept = (amount: number, shipAt: number): OrderItemAcknowledgement => ({
  acknowledgementCode: 'Accepted',
  acknowledgedQuantity: { amount, unitOfMeasure: 'Eaches', unitSize: 1 },
  scheduledShipDate: isoSeconds(shipAt),
});

/** The emulated AWS the functions use, from the test process: the same adapters they use. */
function adapters(system: TestSystem) {
  const client = new DynamoDBClient({
    endpoint: system.runtime.endpoints.dynamodb,
    region: system.runtime.env.AWS_REGION ?? 'us-east-1',
    credentials: {
      accessKeyId: system.runtime.env.AWS_ACCESS_KEY_ID ?? 'local',
      secretAccessKey: system.runtime.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    },
  });
  const tableName = system.runtime.physicalName('Table');
  return {
    client,
    tableName,
    acknowledgements: new DynamoDbAcknowledgementStore({ client, tableName }),
    outbox: new DynamoDbOutboxStore({ client, tableName }),
    audit: new DynamoDbAuditLog({ client, tableName }),
    close: () => client.destroy(),
  };
}

/** The actions of the audit events about a PO, oldest first. */
async function auditActions(audit: DynamoDbAuditLog, po: string): Promise<string[]> {
  const { items } = await audit.byEntity(
    { type: 'PurchaseOrder', id: po },
    { limit: 100, order: 'oldest-first' },
  );
  return items.map((e) => e.action);
}

/** A console API call on the stack's HTTP routes. */
async function api(
  system: TestSystem,
  method: 'GET' | 'POST',
  path: string,
  opts: { query?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await system.runtime.handleHttp(
    method,
    path,
    opts.query,
    opts.body === undefined ? undefined : JSON.stringify(opts.body),
    {
      'content-type': 'application/json',
      authorization: `Bearer ${system.signIn({ username: 'test-operator', groups: ['operator'] })}`,
    },
  );
  return { status: res.statusCode, body: JSON.parse(res.body.toString()) as Record<string, unknown> };
}

const acknowledgementsOf = (system: TestSystem, po: string) =>
  system.sandbox.acknowledgements().filter((a) => a.acknowledgement.purchaseOrderNumber === po);
const acknowledgementCalls = (system: TestSystem) =>
  system.sandbox.requestLog().filter((r) => r.operation === 'submitAcknowledgement').length;

describe('acknowledgements when a worker dies or Amazon refuses', () => {
  const CRASHED = 'CRASHED1';
  const REFUSED = 'REFUSED1';
  let system: TestSystem;
  let aws: ReturnType<typeof adapters>;
  let injectedAt: number;

  beforeAll(async () => {
    system = await startTestSystem({ speed: 60, poGeneration: { backlog: 0, perHour: 0 } });
    aws = adapters(system);
    await waitFor(
      'the catalogue and stock files to be imported',
      () =>
        system.runtime.invocations().filter((i) => i.functionId === 'ImportInboxFile' && i.ok).length >= 2,
      30_000,
    );
    // Two POs Amazon published ten minutes ago, each with a line a person must decide.
    injectedAt = system.runtime.clock.now().getTime() - 10 * MINUTE;
    system.sandbox.injectPurchaseOrder(reviewPurchaseOrder(CRASHED, injectedAt, 5), { marketplace: 'DE' });
    system.sandbox.injectPurchaseOrder(reviewPurchaseOrder(REFUSED, injectedAt, 10), { marketplace: 'DE' });
    await system.runtime.invoke('PullPurchaseOrders', {});
    for (const po of [CRASHED, REFUSED]) {
      await waitFor(
        `${po} in review`,
        // Announced too: the record's last write after the decision (an operator deciding before
        // it would meet a revision conflict, as a real one would, and be asked to reload).
        async () => {
          const record = await aws.acknowledgements.get(po);
          return record?.state === 'review' && record.announced === true;
        },
        20_000,
      );
    }
  });
  afterAll(async () => {
    aws?.close();
    await system?.dispose();
  });

  it('a worker killed after the sandbox accepted an acknowledgement and before it was recorded sends nothing again on restart', async () => {
    // Prepare: the operator's decision runs through the real use case and outbox on the system's
    // table; the send reaches the sandbox, then the worker dies before it can record the answer.
    const token = await sandboxAccessToken(system.sandbox);
    const dyingOutbox = makeOutbox({
      store: aws.outbox,
      archive: { putDocument: async () => {} },
      audit: { record: async (event) => void (await aws.audit.record(event)) },
      clock: system.runtime.clock,
      modeOf: () => 'live',
      senders: {
        submitAcknowledgement: {
          async send(request) {
            const res = await fetch(`${system.sandbox.url}/vendor/orders/v1/acknowledgements`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-amz-access-token': token },
              body: request.payload,
            });
            expect(res.status).toBe(202);
            return new Promise(() => {}); // killed: the answer is never recorded
          },
        },
      },
      resolvers: {},
      leaseMs: 120_000,
    });
    const decide = makeDecideLines({
      clock: system.runtime.clock,
      orders: new DynamoDbPurchaseOrderReader({ client: aws.client, tableName: aws.tableName }),
      acknowledgements: aws.acknowledgements,
      catalog: new DynamoDbCatalog({ client: aws.client, tableName: aws.tableName }),
      stock: makeAmazonStock({
        store: new DynamoDbInventoryStore({ client: aws.client, tableName: aws.tableName }),
        rules: DEFAULT_ALLOCATION_RULES,
        clock: system.runtime.clock,
      }),
      outbox: dyingOutbox,
      audit: { record: async (event) => void (await aws.audit.record(event)) },
      events: new RecordingPublisher(),
      rules: DEFAULT_ACKNOWLEDGEMENT_RULES,
      reminders: DEFAULT_REMINDER_PLAN,
      vendors: system.config.vendors,
    });
    void decide(
      CRASHED,
      [{ itemSequenceNumber: '1', itemAcknowledgements: [accept(5, injectedAt + 48 * HOUR)] }],
      OPERATOR,
    );
    await waitFor(
      'the sandbox to have the acknowledgement',
      () => acknowledgementsOf(system, CRASHED).length === 1,
      10_000,
    );
    const leaseUntil = await waitFor(
      'the message to be in flight',
      async () => (await aws.outbox.get(`ack#${CRASHED}`))?.leaseUntil,
      10_000,
    );
    expect(await aws.outbox.get(`ack#${CRASHED}`)).toMatchObject({ state: 'sending', attempts: 1 });
    expect(await aws.acknowledgements.get(CRASHED)).toMatchObject({
      state: 'queued',
      messageKey: `ack#${CRASHED}`,
    });
    const callsBefore = acknowledgementCalls(system);
    // The lease runs out and Amazon finishes processing (2 clock minutes) while nobody looks.
    await waitFor(
      'the lease to expire and Amazon to show the PO acknowledged',
      () =>
        system.runtime.clock.now().getTime() > Date.parse(leaseUntil) &&
        system.sandbox.purchaseOrder(CRASHED)?.purchaseOrderState === 'Acknowledged',
      20_000,
    );

    // Act: the scheduled follow-up, twice
    const first = await system.runtime.schedules.fireNow('FollowUpAcknowledgements/Schedule');
    const second = await system.runtime.schedules.fireNow('FollowUpAcknowledgements/Schedule');

    // Assess: nothing reached Amazon again; the message is sent, with how it was resolved
    expect(first.ok, JSON.stringify(first.error)).toBe(true);
    expect(second.ok, JSON.stringify(second.error)).toBe(true);
    expect(acknowledgementsOf(system, CRASHED)).toHaveLength(1);
    expect(acknowledgementCalls(system)).toBe(callsBefore);
    expect(await aws.outbox.get(`ack#${CRASHED}`)).toMatchObject({
      state: 'sent',
      attempts: 1,
      resolution: `applied: Amazon shows PO ${CRASHED} Acknowledged`,
    });
    expect(await aws.acknowledgements.get(CRASHED)).toMatchObject({ state: 'accepted' });
    expect(await auditActions(aws.audit, CRASHED)).toEqual(
      expect.arrayContaining([
        'purchaseOrder.linesDecided',
        'outbox.claimed',
        'outbox.unknown',
        'outbox.resolved',
        'acknowledgement.accepted',
      ]),
    );
  });

  it('a sandbox Failure leaves the PO flagged with Amazon’s error and an alert event; the correction goes out as a new message', async () => {
    // Prepare: Amazon cuts the PO to 4 while it waits for a person; Acorn has not pulled the change
    system.sandbox.injectPurchaseOrder(
      (() => {
        const changed = reviewPurchaseOrder(REFUSED, injectedAt, 4);
        changed.orderDetails!.purchaseOrderChangedDate = isoSeconds(system.runtime.clock.now().getTime());
        return changed;
      })(),
      { marketplace: 'DE' },
    );
    const alerts: BusEvent[] = [];
    const stop = system.runtime.onEvent((p) => {
      if (p.event['detail-type'] === DETAIL_TYPE.acknowledgementFailed) alerts.push(p.event);
    });
    // The operator accepts the 10 the PO showed when it was pulled
    const decided = await api(system, 'POST', `/api/purchase-orders/${REFUSED}/decisions`, {
      body: {
        lines: [{ itemSequenceNumber: '1', itemAcknowledgements: [accept(10, injectedAt + 48 * HOUR)] }],
      },
    });
    expect(decided).toMatchObject({
      status: 200,
      body: { state: 'submitted', messageKey: `ack#${REFUSED}` },
    });
    const transactionId = (await aws.acknowledgements.get(REFUSED))?.transactionId;
    await waitFor(
      'Amazon to report the Failure',
      () =>
        system.sandbox.transactions().find((t) => t.transactionId === transactionId)?.status === 'Failure',
      20_000,
    );

    // Act
    const run = await system.runtime.schedules.fireNow('FollowUpAcknowledgements/Schedule');
    stop();

    // Assess: flagged with Amazon's own error, announced, audited, visible to the operator
    expect(run.ok, JSON.stringify(run.error)).toBe(true);
    const errors = [
      {
        code: 'ACKNOWLEDGED_QUANTITY_EXCEEDS_ORDERED',
        message: `Acknowledged 10 for ${REFUSED}/1, ordered 4.`,
        details: `${REFUSED}/1`,
      },
    ];
    expect(await aws.acknowledgements.get(REFUSED)).toMatchObject({ state: 'rejected', errors });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      source: 'acorn.purchase-orders',
      detail: { purchaseOrderNumber: REFUSED, vendorCode: 'ACMEDE', transactionId, errors },
    });
    expect(await auditActions(aws.audit, REFUSED)).toContain('acknowledgement.rejected');
    const detail = await api(system, 'GET', `/api/purchase-orders/${REFUSED}`);
    expect(detail.body.acknowledgement).toMatchObject({ state: 'rejected', errors });
    const listed = await api(system, 'GET', '/api/acknowledgements', { query: { state: 'rejected' } });
    expect(listed.body.items).toEqual([expect.objectContaining({ purchaseOrderNumber: REFUSED, errors })]);

    // Act: the operator corrects it to the 4 Amazon now orders
    const refusedMessage = await aws.outbox.get(`ack#${REFUSED}`);
    const corrected = await api(system, 'POST', `/api/purchase-orders/${REFUSED}/decisions`, {
      body: {
        lines: [{ itemSequenceNumber: '1', itemAcknowledgements: [accept(4, injectedAt + 48 * HOUR)] }],
      },
    });

    // Assess: a new message with its own key; the refused one untouched and not resent
    expect(corrected.status).toBe(200);
    expect(corrected.body.messageKey).toMatch(new RegExp(`^ack#${REFUSED}#correction-\\d+$`));
    expect(await aws.outbox.get(`ack#${REFUSED}`)).toEqual(refusedMessage);
    const received = acknowledgementsOf(system, REFUSED);
    expect(
      received.map((a) => [
        a.accepted,
        a.acknowledgement.items[0]?.itemAcknowledgements[0]?.acknowledgedQuantity.amount,
      ]),
    ).toEqual([
      [false, 10],
      [true, 4],
    ]);
    expect(await auditActions(aws.audit, REFUSED)).toContain('purchaseOrder.corrected');
  });
});

describe('deadline reminders in the real system', () => {
  // One clock hour per real second: the 24 hours to a deadline pass in seconds.
  const SPEED = 3600;
  const OPEN = 'REMIND01';
  const DECIDED = 'REMIND02';
  let system: TestSystem;
  let aws: ReturnType<typeof adapters>;

  beforeAll(async () => {
    system = await startTestSystem({ speed: SPEED, poGeneration: { backlog: 0, perHour: 0 } });
    aws = adapters(system);
    await waitFor(
      'the catalogue and stock files to be imported',
      () =>
        system.runtime.invocations().filter((i) => i.functionId === 'ImportInboxFile' && i.ok).length >= 2,
      30_000,
    );
  });
  afterAll(async () => {
    aws?.close();
    await system?.dispose();
  });

  it('announces the reminders then the escalation for a PO in review, once each, before its deadline, and nothing once it is decided', async () => {
    // Prepare: two POs in review, six clock hours old: six real seconds before the first reminder
    // is due, room for the pull, the review and the alert routing's first (cold) worker on a busy machine
    const createdAt = system.runtime.clock.now().getTime() - 6 * HOUR;
    for (const po of [OPEN, DECIDED]) {
      system.sandbox.injectPurchaseOrder(reviewPurchaseOrder(po, createdAt, 5), { marketplace: 'DE' });
    }
    const announced: BusEvent[] = [];
    const stop = system.runtime.onEvent((p) => {
      const type = p.event['detail-type'];
      if (
        type === DETAIL_TYPE.acknowledgementDeadlineReminder ||
        type === DETAIL_TYPE.acknowledgementDeadlineEscalation
      ) {
        announced.push(p.event);
      }
    });
    await system.runtime.invoke('PullPurchaseOrders', {});
    for (const po of [OPEN, DECIDED]) {
      await waitFor(
        `${po} in review`,
        // Announced too: the record's last write after the decision (an operator deciding before
        // it would meet a revision conflict, as a real one would, and be asked to reload).
        async () => {
          const record = await aws.acknowledgements.get(po);
          return record?.state === 'review' && record.announced === true;
        },
        10_000,
      );
    }
    const deadline = createdAt - (createdAt % 1000) + 24 * HOUR;

    // Act: the check runs every few clock minutes until two hours past the deadline; DECIDED is
    // decided by the operator right after its first reminder
    let runs = 0;
    while (system.runtime.clock.now().getTime() < deadline + 2 * HOUR) {
      const run = await system.runtime.schedules.fireNow('RemindDeadlines/Schedule');
      expect(run.ok, JSON.stringify(run.error)).toBe(true);
      runs++;
      if (announced.some((e) => e.detail.purchaseOrderNumber === DECIDED)) {
        const record = await aws.acknowledgements.get(DECIDED);
        if (record?.state === 'review') {
          const res = await api(system, 'POST', `/api/purchase-orders/${DECIDED}/decisions`, {
            body: {
              lines: [
                {
                  itemSequenceNumber: '1',
                  itemAcknowledgements: [
                    {
                      acknowledgementCode: 'Rejected',
                      acknowledgedQuantity: { amount: 5, unitOfMeasure: 'Eaches', unitSize: 1 },
                      rejectionReason: 'InvalidProductIdentifier',
                    },
                  ],
                },
              ],
            },
          });
          expect(res.status).toBe(200);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    stop();

    // Assess
    const about = (po: string) =>
      announced
        .filter((e) => e.detail.purchaseOrderNumber === po)
        .map((e) => ({ type: e['detail-type'], notice: e.detail.notice, at: e.time, state: e.detail.state }));
    const open = about(OPEN);
    expect(open.map((e) => [e.type, e.notice, e.state])).toEqual([
      [DETAIL_TYPE.acknowledgementDeadlineReminder, 'reminder@0.5', 'review'],
      [DETAIL_TYPE.acknowledgementDeadlineReminder, 'reminder@0.75', 'review'],
      [DETAIL_TYPE.acknowledgementDeadlineEscalation, 'escalation', 'review'],
    ]);
    expect(Date.parse(open[1]!.at)).toBeGreaterThanOrEqual(createdAt + 18 * HOUR - 1000);
    expect(Date.parse(open[2]!.at)).toBeGreaterThanOrEqual(createdAt + 21.6 * HOUR - 1000);
    expect(Date.parse(open[2]!.at)).toBeLessThan(deadline);
    expect(about(DECIDED).map((e) => e.notice)).toEqual(['reminder@0.5']);
    expect((await aws.acknowledgements.get(DECIDED))?.state).not.toBe('review');
    expect((await aws.acknowledgements.get(OPEN))?.remindersSent).toEqual([
      'reminder@0.5',
      'reminder@0.75',
      'escalation',
    ]);
    console.log(
      `deadline check ran ${runs} times over ${((deadline + 2 * HOUR - createdAt) / HOUR).toFixed(1)} clock hours`,
    );
  }, 60_000);
});

describe('local end-to-end time', () => {
  const SPEED = 120;
  let system: TestSystem;

  beforeAll(async () => {
    // The schedules as configured: pull every 15 minutes, follow-up every 2, on a clock 120× fast.
    system = await startTestSystem({
      speed: SPEED,
      schedules: true,
      poGeneration: { backlog: 0, perHour: 30 },
    });
  });
  afterAll(async () => {
    await system?.dispose();
  });

  it('measures the time from a PO appearing in the sandbox to its acknowledgement counting as accepted (printed, not asserted)', async () => {
    // Prepare
    const received = new Map<string, number>();
    const acceptedAt = new Map<string, number>();
    const stop = system.runtime.onEvent((p) => {
      const po = String(p.event.detail.purchaseOrderNumber);
      if (p.event['detail-type'] === DETAIL_TYPE.purchaseOrderReceived)
        received.set(po, Date.parse(p.event.time));
      if (p.event['detail-type'] === DETAIL_TYPE.purchaseOrderAcknowledged)
        acceptedAt.set(po, Date.parse(p.event.time));
    });
    // Act: let the system run on its own
    await waitFor('six POs acknowledged and accepted', () => acceptedAt.size >= 6, 110_000, 500).catch(
      () => undefined,
    );
    stop();
    // Assess (report)
    const rows = [...acceptedAt].map(([po, accepted]) => {
      const created = Date.parse(system.sandbox.purchaseOrder(po)?.orderDetails?.purchaseOrderDate ?? '');
      const sent = acknowledgementsOf(system, po)[0]?.receivedAt ?? Number.NaN;
      return {
        po,
        'appeared→pulled (clock min)': ((received.get(po)! - created) / MINUTE).toFixed(1),
        'pulled→ack at Amazon (clock s)': ((sent - received.get(po)!) / 1000).toFixed(0),
        'ack→accepted (clock min)': ((accepted - sent) / MINUTE).toFixed(1),
        'total (clock min)': ((accepted - created) / MINUTE).toFixed(1),
        'total (real s)': ((accepted - created) / MINUTE / (SPEED / 60)).toFixed(1),
      };
    });
    console.table(rows);
    const totals = rows.map((r) => Number(r['total (clock min)'])).sort((a, b) => a - b);
    console.log(
      `e2e PO appears → acknowledgement accepted: median ${totals[Math.floor(totals.length / 2)]} clock min, ` +
        `min ${totals[0]}, max ${totals.at(-1)} (n=${totals.length}; pull every 15 min, follow-up every 2 min)`,
    );
    expect(rows.length).toBeGreaterThan(0);
  }, 150_000);
});
