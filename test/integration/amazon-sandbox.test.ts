import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AmazonSandbox,
  type AmazonSandboxOptions,
  startAmazonSandbox,
} from '#local/amazon-sandbox/index.ts';
import { ManualClock } from '#shared/clock.ts';
import {
  type CredentialRotationNotification,
  credentialRotationNotificationSchema,
  errorListSchema,
  getPurchaseOrderResponseSchema,
  getPurchaseOrdersResponseSchema,
  getPurchaseOrdersStatusResponseSchema,
  getTransactionResponseSchema,
  lwaErrorResponseSchema,
  lwaTokenResponseSchema,
  type PurchaseOrder,
  purchaseOrderSchema,
  type SubmitAcknowledgementRequest,
  submitAcknowledgementRequestSchema,
  submitInvoicesRequestSchema,
  submitShipmentConfirmationsRequestSchema,
  transactionIdResponseSchema,
} from '#shared/sp-api/schemas/index.ts';
import { spApiFixture } from '../support/fixtures.ts';
import { OFFICIAL_MODELS_DIR, officialModels } from '../support/official-models.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const START = '2026-11-30T08:00:00Z';
const CLIENT_ID = 'amzn1.application-oa2-client.acornlocal';
const CLIENT_SECRET = 'amzn1.oa2-cs.v1.acornlocalsecret';
const REFRESH_TOKEN = 'Atzr|acorn-local-refresh-token';

const running: AmazonSandbox[] = [];
const tempDirs: string[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function start(
  options: Partial<AmazonSandboxOptions> = {},
): Promise<{ sandbox: AmazonSandbox; clock: ManualClock }> {
  const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock(START);
  const sandbox = await startAmazonSandbox({
    port: 0,
    seed: 42,
    poGeneration: { backlog: 30, perHour: 4 },
    officialModelsDir: OFFICIAL_MODELS_DIR,
    ...options,
    clock,
  });
  running.push(sandbox);
  return { sandbox, clock };
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

async function call(sandbox: AmazonSandbox, path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(`${sandbox.url}${path}`, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Left as text: a malformed answer is what some tests look for.
  }
  return { status: response.status, headers: response.headers, body };
}

function tokenRequest(fields: Record<string, string>): RequestInit {
  return { method: 'POST', body: new URLSearchParams(fields) };
}

async function accessToken(sandbox: AmazonSandbox, secret = CLIENT_SECRET): Promise<string> {
  const answer = await call(
    sandbox,
    '/auth/o2/token',
    tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: REFRESH_TOKEN,
      client_id: CLIENT_ID,
      client_secret: secret,
    }),
  );
  return lwaTokenResponseSchema.parse(answer.body).access_token;
}

async function spApi(sandbox: AmazonSandbox, token: string, path: string, body?: unknown): Promise<Answer> {
  return call(sandbox, path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      'x-amz-access-token': token,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** A New PO published at `clock` time, created within the last `maxAgeMs`. */
function recentNewPo(sandbox: AmazonSandbox, clock: ManualClock, maxAgeMs = 20 * HOUR): PurchaseOrder {
  const found = sandbox
    .purchaseOrders()
    .filter((po) => po.purchaseOrderState === 'New')
    .filter((po) => clock.now().getTime() - Date.parse(po.orderDetails!.purchaseOrderDate) < maxAgeMs)
    .find((po) => po.orderDetails!.items.every((i) => (i.orderedQuantity.amount ?? 0) > 0));
  if (!found) throw new Error('no recent New PO in the sandbox');
  return found;
}

/** An acknowledgement accepting every line of `po` in full. */
function acceptAll(po: PurchaseOrder, at: Date): SubmitAcknowledgementRequest {
  const details = po.orderDetails!;
  return {
    acknowledgements: [
      {
        purchaseOrderNumber: po.purchaseOrderNumber,
        sellingParty: { partyId: details.sellingParty!.partyId },
        acknowledgementDate: at.toISOString(),
        items: details.items.map((item) => ({
          itemSequenceNumber: item.itemSequenceNumber,
          amazonProductIdentifier: item.amazonProductIdentifier,
          vendorProductIdentifier: item.vendorProductIdentifier,
          orderedQuantity: {
            amount: item.orderedQuantity.amount,
            unitOfMeasure: item.orderedQuantity.unitOfMeasure,
          },
          netCost: { amount: item.netCost!.amount, currencyCode: item.netCost!.currencyCode },
          itemAcknowledgements: [
            {
              acknowledgementCode: 'Accepted' as const,
              acknowledgedQuantity: {
                amount: item.orderedQuantity.amount,
                unitOfMeasure: item.orderedQuantity.unitOfMeasure,
              },
            },
          ],
        })),
      },
    ],
  };
}

/** Submits, reads the transaction at once and again after `waitMs` of clock time. */
async function submitAndDecide(
  sandbox: AmazonSandbox,
  clock: ManualClock,
  path: string,
  body: unknown,
  waitMs = 5 * MINUTE,
) {
  // A fresh token each time: tests move the clock by hours and days.
  const token = await accessToken(sandbox);
  const submitted = await spApi(sandbox, token, path, body);
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
  const { transactionId } = transactionIdResponseSchema.parse(submitted.body).payload;
  const before = getTransactionResponseSchema.parse(
    (await spApi(sandbox, token, `/vendor/transactions/v1/transactions/${transactionId}`)).body,
  );
  clock.advance(waitMs);
  const after = getTransactionResponseSchema.parse(
    (
      await spApi(
        sandbox,
        await accessToken(sandbox),
        `/vendor/transactions/v1/transactions/${transactionId}`,
      )
    ).body,
  );
  return { transactionId, before: before.payload.transactionStatus, after: after.payload.transactionStatus };
}

describe('Login with Amazon in the sandbox', () => {
  it('exchanges the refresh token for an access token that opens the vendor APIs', async () => {
    // Prepare
    const { sandbox } = await start();

    // Act
    const answer = await call(
      sandbox,
      '/auth/o2/token',
      tokenRequest({
        grant_type: 'refresh_token',
        refresh_token: REFRESH_TOKEN,
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      }),
    );
    const token = lwaTokenResponseSchema.parse(answer.body);
    const orders = await spApi(sandbox, token.access_token, '/vendor/orders/v1/purchaseOrders?limit=1');

    // Assess
    expect(answer.status).toBe(200);
    expect(token).toMatchObject({ token_type: 'bearer', expires_in: 3600, refresh_token: REFRESH_TOKEN });
    expect(token.access_token).toMatch(/^Atza\|/);
    expect(orders.status).toBe(200);
  });

  it('refuses a wrong client secret with invalid_client', async () => {
    // Prepare
    const { sandbox } = await start();

    // Act
    const answer = await call(
      sandbox,
      '/auth/o2/token',
      tokenRequest({
        grant_type: 'refresh_token',
        refresh_token: REFRESH_TOKEN,
        client_id: CLIENT_ID,
        client_secret: 'nope',
      }),
    );

    // Assess
    expect(answer.status).toBe(401);
    expect(lwaErrorResponseSchema.parse(answer.body).error).toBe('invalid_client');
  });

  it('refuses an unknown refresh token with invalid_grant', async () => {
    // Prepare
    const { sandbox } = await start();

    // Act
    const answer = await call(
      sandbox,
      '/auth/o2/token',
      tokenRequest({
        grant_type: 'refresh_token',
        refresh_token: 'Atzr|stolen',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      }),
    );

    // Assess
    expect(answer.status).toBe(400);
    expect(lwaErrorResponseSchema.parse(answer.body).error).toBe('invalid_grant');
  });

  it('denies a vendor call without an access token', async () => {
    // Prepare
    const { sandbox } = await start();

    // Act
    const answer = await call(sandbox, '/vendor/orders/v1/purchaseOrders');

    // Assess
    expect(answer.status).toBe(403);
    expect(errorListSchema.parse(answer.body).errors[0]).toMatchObject({
      code: 'Unauthorized',
      message: 'Access to requested resource is denied.',
    });
    expect(answer.headers.get('x-amzn-RequestId')).toBeTruthy();
  });

  it('treats an access token as expired after 3600 seconds of clock time', async () => {
    // Prepare
    const { sandbox, clock } = await start();
    const token = await accessToken(sandbox);
    clock.advance(3599 * 1000);
    const stillValid = await spApi(sandbox, token, '/vendor/orders/v1/purchaseOrders?limit=1');

    // Act
    clock.advance(2000);
    const expired = await spApi(sandbox, token, '/vendor/orders/v1/purchaseOrders?limit=1');

    // Assess
    expect(stillValid.status).toBe(200);
    expect(expired.status).toBe(403);
    expect(expired.body).toEqual({
      errors: [
        {
          code: 'Unauthorized',
          message: 'Access to requested resource is denied.',
          details: 'The access token you provided has expired.',
        },
      ],
    });
  });

  it('rotates the client secret with a grantless token, notifies the new one and keeps the old one for 7 days', async () => {
    // Prepare
    const notifications: CredentialRotationNotification[] = [];
    const { sandbox, clock } = await start({ onNotification: (n) => void notifications.push(n) });
    const grantless = lwaTokenResponseSchema.parse(
      (
        await call(
          sandbox,
          '/auth/o2/token',
          tokenRequest({
            grant_type: 'client_credentials',
            scope: 'sellingpartnerapi::client_credential:rotation',
            client_id: CLIENT_ID,
            client_secret: CLIENT_SECRET,
          }),
        )
      ).body,
    );

    // Act
    const rotated = await call(sandbox, '/applications/2023-11-30/clientSecret', {
      method: 'POST',
      headers: { 'x-amz-access-token': grantless.access_token },
    });

    // Assess
    expect(rotated.status).toBe(204);
    expect(notifications).toHaveLength(1);
    const notification = credentialRotationNotificationSchema.parse(notifications[0]);
    if (notification.notificationType !== 'APPLICATION_OAUTH_CLIENT_NEW_SECRET')
      throw new Error('wrong notification');
    const { newClientSecret, oldClientSecretExpiryTime } =
      notification.payload.applicationOAuthClientNewSecret;
    expect(Date.parse(oldClientSecretExpiryTime)).toBe(clock.now().getTime() + 7 * DAY);
    expect(sandbox.credentials().clientSecret).toBe(newClientSecret);
    expect(await accessToken(sandbox, CLIENT_SECRET)).toMatch(/^Atza\|/);
    expect(await accessToken(sandbox, newClientSecret)).toMatch(/^Atza\|/);
    clock.advance(7 * DAY + 1);
    const oldAfterGrace = await call(
      sandbox,
      '/auth/o2/token',
      tokenRequest({
        grant_type: 'refresh_token',
        refresh_token: REFRESH_TOKEN,
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      }),
    );
    expect(oldAfterGrace.status).toBe(401);
    expect(await accessToken(sandbox, newClientSecret)).toMatch(/^Atza\|/);
  });

  it('refuses a selling-partner token on the grantless rotation operation', async () => {
    // Prepare
    const { sandbox } = await start();
    const token = await accessToken(sandbox);

    // Act
    const answer = await call(sandbox, '/applications/2023-11-30/clientSecret', {
      method: 'POST',
      headers: { 'x-amz-access-token': token },
    });

    // Assess
    expect(answer.status).toBe(403);
  });
});

describe('purchase orders in the sandbox', () => {
  it('pages through a window deterministically with stable next tokens', async () => {
    // Prepare
    const { sandbox } = await start();
    const token = await accessToken(sandbox);
    const query = 'limit=7&createdAfter=2026-11-28T00:00:00Z&createdBefore=2026-11-30T08:00:00Z';

    // Act
    const pages: PurchaseOrder[][] = [];
    const tokens: string[] = [];
    let next: string | undefined;
    do {
      const answer = await spApi(
        sandbox,
        token,
        `/vendor/orders/v1/purchaseOrders?${next ? `nextToken=${encodeURIComponent(next)}` : query}`,
      );
      expect(answer.status).toBe(200);
      expect(officialModels().validateResponse('getPurchaseOrders', 200, answer.body)).toEqual([]);
      const page = getPurchaseOrdersResponseSchema.parse(answer.body).payload;
      pages.push(page.orders);
      next = page.pagination?.nextToken;
      if (next) tokens.push(next);
    } while (next);
    const again = getPurchaseOrdersResponseSchema.parse(
      (await spApi(sandbox, token, `/vendor/orders/v1/purchaseOrders?${query}`)).body,
    );

    // Assess
    const all = pages.flat();
    const expected = sandbox
      .purchaseOrders()
      .filter((po) => Date.parse(po.orderDetails!.purchaseOrderDate) >= Date.parse('2026-11-28T00:00:00Z'));
    expect(all.map((po) => po.purchaseOrderNumber)).toEqual(expected.map((po) => po.purchaseOrderNumber));
    expect(pages.slice(0, -1).every((p) => p.length === 7)).toBe(true);
    expect(new Set(all.map((po) => po.purchaseOrderNumber)).size).toBe(all.length);
    expect(again.payload.pagination?.nextToken).toBe(tokens[0]);
  });

  it('sorts newest first when asked', async () => {
    // Prepare
    const { sandbox } = await start();
    const token = await accessToken(sandbox);

    // Act
    const answer = await spApi(sandbox, token, '/vendor/orders/v1/purchaseOrders?sortOrder=DESC&limit=100');

    // Assess
    const dates = getPurchaseOrdersResponseSchema
      .parse(answer.body)
      .payload.orders.map((po) => Date.parse(po.orderDetails!.purchaseOrderDate));
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
  });

  it('refuses a search window longer than 7 days', async () => {
    // Prepare
    const { sandbox } = await start();
    const token = await accessToken(sandbox);

    // Act
    const answer = await spApi(
      sandbox,
      token,
      '/vendor/orders/v1/purchaseOrders?createdAfter=2026-11-20T00:00:00Z&createdBefore=2026-11-30T00:00:00Z',
    );

    // Assess
    expect(answer.status).toBe(400);
    expect(errorListSchema.parse(answer.body).errors[0]).toMatchObject({ code: 'InvalidInput' });
    expect(answer.headers.get('x-amzn-RateLimit-Limit')).toBe('10.0');
  });

  it('refuses a limit outside 1..100', async () => {
    // Prepare
    const { sandbox } = await start();
    const token = await accessToken(sandbox);

    // Act
    const answer = await spApi(sandbox, token, '/vendor/orders/v1/purchaseOrders?limit=0');

    // Assess
    expect(answer.status).toBe(400);
    expect(errorListSchema.parse(answer.body).errors[0]?.details).toBe('limit');
  });

  it('publishes new purchase orders as clock time passes', async () => {
    // Prepare
    const { sandbox, clock } = await start();
    const before = sandbox.purchaseOrders().length;

    // Act
    clock.advance(6 * HOUR);
    const token = await accessToken(sandbox);
    const answer = await spApi(
      sandbox,
      token,
      '/vendor/orders/v1/purchaseOrders?createdAfter=2026-11-30T08:00:00Z',
    );

    // Assess
    const fresh = getPurchaseOrdersResponseSchema.parse(answer.body).payload.orders;
    expect(before).toBe(30);
    expect(fresh.length).toBeGreaterThanOrEqual(23);
    expect(fresh.every((po) => Date.parse(po.orderDetails!.purchaseOrderDate) <= clock.now().getTime())).toBe(
      true,
    );
  });

  it('finds purchase orders Amazon changed with a changed-orders query', async () => {
    // Prepare
    const { sandbox, clock } = await start();
    clock.advance(2 * DAY);
    const token = await accessToken(sandbox);
    const after = new Date(clock.now().getTime() - 4 * DAY).toISOString();

    // Act
    const answer = await spApi(
      sandbox,
      token,
      `/vendor/orders/v1/purchaseOrders?changedAfter=${after}&isPOChanged=true`,
    );

    // Assess
    const changed = getPurchaseOrdersResponseSchema.parse(answer.body).payload.orders;
    expect(changed.length).toBeGreaterThan(0);
    for (const po of changed) {
      expect(Date.parse(po.orderDetails!.purchaseOrderChangedDate!)).toBeGreaterThan(
        Date.parse(po.orderDetails!.purchaseOrderDate),
      );
    }
  });

  it('lists only numbers and states without details', async () => {
    // Prepare
    const { sandbox } = await start();
    const token = await accessToken(sandbox);

    // Act
    const answer = await spApi(
      sandbox,
      token,
      '/vendor/orders/v1/purchaseOrders?includeDetails=false&limit=3',
    );

    // Assess
    const orders = getPurchaseOrdersResponseSchema.parse(answer.body).payload.orders;
    expect(orders).toHaveLength(3);
    for (const po of orders)
      expect(Object.keys(po).sort()).toEqual(['purchaseOrderNumber', 'purchaseOrderState']);
  });

  it('reads one purchase order and answers 404 for an unknown one', async () => {
    // Prepare
    const { sandbox } = await start();
    const token = await accessToken(sandbox);
    const known = sandbox.purchaseOrders()[0]!;

    // Act
    const found = await spApi(
      sandbox,
      token,
      `/vendor/orders/v1/purchaseOrders/${known.purchaseOrderNumber}`,
    );
    const missing = await spApi(sandbox, token, '/vendor/orders/v1/purchaseOrders/ZZZZZZZZ');

    // Assess
    expect(getPurchaseOrderResponseSchema.parse(found.body).payload).toEqual(known);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-amzn-RateLimit-Limit')).toBe('10.0');
  });

  it('serves an injected purchase order', async () => {
    // Prepare
    const { sandbox } = await start();
    const token = await accessToken(sandbox);
    const order = purchaseOrderSchema.parse(spApiFixture('purchase-order'));

    // Act
    const injected = await call(sandbox, '/_sandbox/purchase-orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(order),
    });
    const read = await spApi(sandbox, token, '/vendor/orders/v1/purchaseOrders/4Z32PABC');

    // Assess
    expect(injected.status).toBe(201);
    expect(getPurchaseOrderResponseSchema.parse(read.body).payload.orderDetails?.items).toHaveLength(3);
  });
});

describe('acknowledgements in the sandbox', () => {
  it('acknowledges a purchase order: 202, Processing for ever, then the PO is Acknowledged', async () => {
    // Prepare
    const { sandbox, clock } = await start();
    const po = recentNewPo(sandbox, clock);
    const submittedAt = clock.now().getTime();

    // Act
    const { before, after } = await submitAndDecide(
      sandbox,
      clock,
      '/vendor/orders/v1/acknowledgements',
      acceptAll(po, clock.now()),
    );
    clock.advance(DAY);
    const later = sandbox.transactions().at(-1);
    const freshToken = await accessToken(sandbox);

    // Assess
    expect(before.status).toBe('Processing');
    expect(after.status).toBe('Processing');
    expect(later?.status).toBe('Processing');
    const acknowledged = sandbox.purchaseOrder(po.purchaseOrderNumber)!;
    expect(acknowledged.purchaseOrderState).toBe('Acknowledged');
    expect(Date.parse(acknowledged.orderDetails!.purchaseOrderStateChangedDate)).toBe(
      submittedAt + 2 * MINUTE,
    );
    const status = getPurchaseOrdersStatusResponseSchema.parse(
      (
        await spApi(
          sandbox,
          freshToken,
          `/vendor/orders/v1/purchaseOrdersStatus?purchaseOrderNumber=${po.purchaseOrderNumber}`,
        )
      ).body,
    ).payload.ordersStatus[0]!;
    expect(status.itemStatus.map((i) => i.acknowledgementStatus?.confirmationStatus)).toEqual(
      po.orderDetails!.items.map(() => 'ACCEPTED'),
    );
    expect(sandbox.acknowledgements().at(-1)).toMatchObject({ accepted: true });
  });

  it('keeps the purchase order New while the acknowledgement is still processing', async () => {
    // Prepare
    const { sandbox, clock } = await start();
    const token = await accessToken(sandbox);
    const po = recentNewPo(sandbox, clock);

    // Act
    await spApi(sandbox, token, '/vendor/orders/v1/acknowledgements', acceptAll(po, clock.now()));
    clock.advance(MINUTE);

    // Assess
    expect(sandbox.purchaseOrder(po.purchaseOrderNumber)?.purchaseOrderState).toBe('New');
  });

  it('receives the accepted goods over the delivery window and then closes the purchase order', async () => {
    // Prepare
    const { sandbox, clock } = await start();
    const po = recentNewPo(sandbox, clock);
    await submitAndDecide(sandbox, clock, '/vendor/orders/v1/acknowledgements', acceptAll(po, clock.now()));

    // Act
    clock.advance(20 * DAY);
    const answer = await spApi(
      sandbox,
      await accessToken(sandbox),
      `/vendor/orders/v1/purchaseOrdersStatus?purchaseOrderNumber=${po.purchaseOrderNumber}`,
    );

    // Assess
    const status = getPurchaseOrdersStatusResponseSchema.parse(answer.body).payload.ordersStatus[0]!;
    expect(officialModels().validateResponse('getPurchaseOrdersStatus', 200, answer.body)).toEqual([]);
    expect(status.purchaseOrderStatus).toBe('CLOSED');
    expect(status.itemStatus.every((i) => i.receivingStatus?.receiveStatus === 'RECEIVED')).toBe(true);
    expect(sandbox.purchaseOrder(po.purchaseOrderNumber)?.purchaseOrderState).toBe('Closed');
  });

  it.each([
    {
      rule: 'an unknown purchase order',
      code: 'INVALID_ORDER_ID',
      change: (ack: SubmitAcknowledgementRequest) => {
        ack.acknowledgements[0]!.purchaseOrderNumber = 'ZZZZZZZZ';
      },
    },
    {
      rule: 'more than ordered',
      code: 'ACKNOWLEDGED_QUANTITY_EXCEEDS_ORDERED',
      change: (ack: SubmitAcknowledgementRequest) => {
        const part = ack.acknowledgements[0]!.items[0]!.itemAcknowledgements[0]!;
        part.acknowledgedQuantity = {
          ...part.acknowledgedQuantity,
          amount: (part.acknowledgedQuantity.amount ?? 0) + 1,
        };
      },
    },
    {
      rule: 'a product identifier that does not echo the PO',
      code: 'PRODUCT_IDENTIFIER_MISMATCH',
      change: (ack: SubmitAcknowledgementRequest) => {
        ack.acknowledgements[0]!.items[0]!.vendorProductIdentifier = '4000000000000';
      },
    },
    {
      rule: 'another vendor code',
      code: 'INVALID_SELLING_PARTY',
      change: (ack: SubmitAcknowledgementRequest) => {
        ack.acknowledgements[0]!.sellingParty = { partyId: 'SOMEONE' };
      },
    },
  ])('fails an acknowledgement of $rule after processing', async ({ code, change }) => {
    // Prepare
    const { sandbox, clock } = await start();
    const po = recentNewPo(sandbox, clock);
    const ack = acceptAll(po, clock.now());
    change(ack);

    // Act
    const { before, after } = await submitAndDecide(
      sandbox,
      clock,
      '/vendor/orders/v1/acknowledgements',
      ack,
    );

    // Assess
    expect(before.status).toBe('Processing');
    expect(after.status).toBe('Failure');
    expect(after.errors?.map((e) => e.code)).toContain(code);
    expect(sandbox.purchaseOrder(po.purchaseOrderNumber)?.purchaseOrderState).toBe('New');
  });

  it('fails accepting a line that was rejected before', async () => {
    // Prepare
    const { sandbox, clock } = await start();
    const po = recentNewPo(sandbox, clock);
    const reject = acceptAll(po, clock.now());
    reject.acknowledgements[0]!.items[0]!.itemAcknowledgements = [
      {
        acknowledgementCode: 'Rejected',
        acknowledgedQuantity: reject.acknowledgements[0]!.items[0]!.orderedQuantity,
        rejectionReason: 'TemporarilyUnavailable',
      },
    ];
    await submitAndDecide(sandbox, clock, '/vendor/orders/v1/acknowledgements', reject);

    // Act
    const { after } = await submitAndDecide(
      sandbox,
      clock,
      '/vendor/orders/v1/acknowledgements',
      acceptAll(po, clock.now()),
    );

    // Assess
    expect(after.errors?.map((e) => e.code)).toEqual(['REJECTED_ITEM_CANNOT_BE_ACCEPTED']);
  });

  it('fails a changed acknowledgement after the 48-hour correction window', async () => {
    // Prepare
    const { sandbox, clock } = await start();
    const po = recentNewPo(sandbox, clock);
    clock.set(Date.parse(po.orderDetails!.purchaseOrderDate) + 49 * HOUR);

    // Act
    const { after } = await submitAndDecide(
      sandbox,
      clock,
      '/vendor/orders/v1/acknowledgements',
      acceptAll(po, clock.now()),
    );

    // Assess
    expect(after.errors?.map((e) => e.code)).toEqual(['ACKNOWLEDGEMENT_WINDOW_CLOSED']);
  });

  it('answers 400 InvalidInput naming every bad field of an invalid body', async () => {
    // Prepare
    const { sandbox, clock } = await start();
    const token = await accessToken(sandbox);
    const body = JSON.parse(JSON.stringify(acceptAll(recentNewPo(sandbox, clock), clock.now())));
    delete body.acknowledgements[0].sellingParty;
    body.acknowledgements[0].items[0].itemAcknowledgements[0].acknowledgementCode = 'Accept';

    // Act
    const answer = await spApi(sandbox, token, '/vendor/orders/v1/acknowledgements', body);

    // Assess
    expect(answer.status).toBe(400);
    const details = errorListSchema.parse(answer.body).errors.map((e) => [e.code, e.details]);
    expect(details).toEqual([
      ['InvalidInput', 'acknowledgements[0].sellingParty'],
      ['InvalidInput', 'acknowledgements[0].items[0].itemAcknowledgements[0].acknowledgementCode'],
    ]);
    expect(sandbox.transactions()).toEqual([]);
  });

  it('refuses a body that is not JSON', async () => {
    // Prepare
    const { sandbox } = await start();
    const token = await accessToken(sandbox);

    // Act
    const notJson = await call(sandbox, '/vendor/orders/v1/acknowledgements', {
      method: 'POST',
      headers: { 'x-amz-access-token': token, 'content-type': 'application/json' },
      body: '{"acknowledgements": [',
    });
    const wrongType = await call(sandbox, '/vendor/orders/v1/acknowledgements', {
      method: 'POST',
      headers: { 'x-amz-access-token': token, 'content-type': 'text/plain' },
      body: '{}',
    });

    // Assess
    expect(notJson.status).toBe(400);
    expect(wrongType.status).toBe(415);
  });
});

describe('invoices, shipments and transactions in the sandbox', () => {
  async function withFixturePo() {
    const started = await start();
    started.sandbox.injectPurchaseOrder(purchaseOrderSchema.parse(spApiFixture('purchase-order')));
    return started;
  }

  it('accepts an invoice: it stays Processing', async () => {
    // Prepare
    const { sandbox, clock } = await withFixturePo();
    const invoice = submitInvoicesRequestSchema.parse(spApiFixture('invoice-request'));

    // Act
    const { after } = await submitAndDecide(sandbox, clock, '/vendor/payments/v1/invoices', invoice);

    // Assess
    expect(after).toEqual({ transactionId: expect.any(String), status: 'Processing' });
    expect(sandbox.invoices().at(-1)).toMatchObject({ accepted: true, country: 'DE' });
  });

  it('fails an invoice number that was already used', async () => {
    // Prepare
    const { sandbox, clock } = await withFixturePo();
    const invoice = submitInvoicesRequestSchema.parse(spApiFixture('invoice-request'));
    await submitAndDecide(sandbox, clock, '/vendor/payments/v1/invoices', invoice);

    // Act
    const { after } = await submitAndDecide(sandbox, clock, '/vendor/payments/v1/invoices', invoice);

    // Assess
    expect(after.status).toBe('Failure');
    expect(after.errors?.map((e) => e.code)).toEqual(['DUPLICATE_INVOICE_NUMBER']);
  });

  it('accepts a credit note in Germany', async () => {
    // Prepare
    const { sandbox, clock } = await withFixturePo();
    const creditNote = submitInvoicesRequestSchema.parse(spApiFixture('credit-note-request'));

    // Act
    const { after } = await submitAndDecide(sandbox, clock, '/vendor/payments/v1/invoices', creditNote);

    // Assess
    expect(after.status).toBe('Processing');
  });

  it('fails a credit note in the United States, where the API does not take them', async () => {
    // Prepare
    const { sandbox, clock } = await withFixturePo();
    const creditNote = submitInvoicesRequestSchema.parse(spApiFixture('credit-note-request'));
    const invoice = creditNote.invoices[0]!;
    invoice.billToParty = {
      partyId: 'AMAZON_US',
      address: { name: 'Amazon.com Services LLC', addressLine1: 'PO Box 80463', countryCode: 'US' },
    };
    invoice.invoiceTotal = { amount: '29.63', currencyCode: 'USD' };

    // Act
    const { after } = await submitAndDecide(sandbox, clock, '/vendor/payments/v1/invoices', creditNote);

    // Assess
    expect(after.status).toBe('Failure');
    expect(after.errors?.map((e) => e.code)).toEqual(['CREDIT_NOTE_NOT_SUPPORTED']);
  });

  it('confirms a shipment: Success after processing, and the PO is received from the ASN', async () => {
    // Prepare
    const { sandbox, clock } = await withFixturePo();
    clock.set('2026-11-24T10:00:00Z');
    const ack = submitAcknowledgementRequestSchema.parse(spApiFixture('acknowledgement-request'));
    await submitAndDecide(sandbox, clock, '/vendor/orders/v1/acknowledgements', ack);
    const asn = submitShipmentConfirmationsRequestSchema.parse(spApiFixture('shipment-confirmation-request'));
    clock.set('2026-11-27T11:30:00Z');

    // Act
    const { before, after } = await submitAndDecide(
      sandbox,
      clock,
      '/vendor/shipping/v1/shipmentConfirmations',
      asn,
    );
    clock.set('2026-11-29T12:00:00Z');

    // Assess
    expect(before.status).toBe('Processing');
    expect(after.status).toBe('Success');
    expect(sandbox.shipmentConfirmations()).toHaveLength(1);
    const status = sandbox.purchaseOrderStatus('4Z32PABC')!;
    expect(status.itemStatus.map((i) => [i.itemSequenceNumber, i.receivingStatus?.receiveStatus])).toEqual([
      ['1', 'RECEIVED'],
      ['2', 'RECEIVED'],
      ['3', 'NOT_RECEIVED'],
    ]);
  });

  it('answers 400 for a malformed transaction id and 404 for an unknown one', async () => {
    // Prepare
    const { sandbox } = await start();
    const token = await accessToken(sandbox);

    // Act
    const malformed = await spApi(sandbox, token, '/vendor/transactions/v1/transactions/Tran-1234');
    const unknown = await spApi(
      sandbox,
      token,
      '/vendor/transactions/v1/transactions/20261130080000-00000000-0000-4000-8000-000000000000',
    );

    // Assess
    expect(malformed.status).toBe(400);
    expect(unknown.status).toBe(404);
  });
});

describe('Direct Fulfillment inventory in the sandbox', () => {
  it('takes an update valid against our schema and the official model; refuses one that is not, naming the field', async () => {
    // Prepare
    const { sandbox } = await start();
    const token = await accessToken(sandbox);
    const path = '/vendor/directFulfillment/inventory/v1/warehouses/ACMEWH1/items';
    const update = {
      inventory: {
        sellingParty: { partyId: 'ACMEDF' },
        isFullUpdate: false,
        items: [
          {
            vendorProductIdentifier: 'ACME-PAN-28',
            availableQuantity: { amount: 12, unitOfMeasure: 'Each' },
          },
        ],
      },
    };

    // Act
    const accepted = await spApi(sandbox, token, path, update);
    const { isFullUpdate: _dropped, ...withoutFlag } = update.inventory;
    const refused = await spApi(sandbox, token, path, { inventory: withoutFlag });

    // Assess
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ payload: { transactionId: expect.any(String) } });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('isFullUpdate');
  });
});

describe('usage plans and faults in the sandbox', () => {
  it('throttles a burst above the usage plan with 429 QuotaExceeded', async () => {
    // Prepare
    const { sandbox } = await start();
    const token = await accessToken(sandbox);
    const number = sandbox.purchaseOrders()[0]!.purchaseOrderNumber;

    // Act
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => spApi(sandbox, token, `/vendor/orders/v1/purchaseOrders/${number}`)),
    );

    // Assess
    const throttled = answers.filter((a) => a.status === 429);
    const served = answers.filter((a) => a.status === 200);
    expect(served.length).toBeGreaterThanOrEqual(10);
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled[0]!.body).toEqual({
      errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }],
    });
    expect(throttled[0]!.headers.get('x-amzn-RateLimit-Limit')).toBeNull();
    expect(served[0]!.headers.get('x-amzn-RateLimit-Limit')).toBe('10.0');
    expect(sandbox.stats().throttled).toBe(throttled.length);
  });

  it('lets the burst through when rate limits are off', async () => {
    // Prepare
    const { sandbox } = await start({ rateLimits: false });
    const token = await accessToken(sandbox);

    // Act
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => spApi(sandbox, token, '/vendor/orders/v1/purchaseOrders?limit=1')),
    );

    // Assess
    expect(answers.every((a) => a.status === 200)).toBe(true);
  });

  it('answers with server errors, throttling and malformed bodies on demand', async () => {
    // Prepare
    const { sandbox } = await start({ rateLimits: false });
    const token = await accessToken(sandbox);
    const path = `/vendor/orders/v1/purchaseOrders/${sandbox.purchaseOrders()[0]!.purchaseOrderNumber}`;
    const setFaults = (faults: object) =>
      call(sandbox, '/_sandbox/faults', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(faults),
      });

    // Act
    sandbox.setFaults({ errorRate: 1 });
    const failed = await spApi(sandbox, token, path);
    await setFaults({ throttleRate: 1 });
    const throttled = await spApi(sandbox, token, path);
    await setFaults({ malformedRate: 1 });
    const malformed = await Promise.all(Array.from({ length: 6 }, () => spApi(sandbox, token, path)));
    await setFaults({ latencyMs: 120 });
    const started = performance.now();
    const slow = await spApi(sandbox, token, path);
    const elapsed = performance.now() - started;
    await setFaults({});
    const healthy = await spApi(sandbox, token, path);

    // Assess
    expect([500, 503]).toContain(failed.status);
    expect(errorListSchema.parse(failed.body).errors[0]?.code).toMatch(/InternalFailure|ServiceUnavailable/);
    expect(throttled.status).toBe(429);
    for (const answer of malformed) {
      expect(answer.status).toBe(200);
      expect(getPurchaseOrderResponseSchema.safeParse(answer.body).success).toBe(false);
    }
    expect(slow.status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(110);
    expect(getPurchaseOrderResponseSchema.safeParse(healthy.body).success).toBe(true);
    expect(sandbox.faults()).toEqual({});
  });

  it('refuses fault rates outside 0..1', async () => {
    // Prepare
    const { sandbox } = await start();

    // Act
    const answer = await call(sandbox, '/_sandbox/faults', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRate: 2 }),
    });

    // Assess
    expect(answer.status).toBe(400);
  });

  it('reports requests and counts over HTTP', async () => {
    // Prepare
    const { sandbox } = await start();
    const token = await accessToken(sandbox);
    await spApi(sandbox, token, '/vendor/orders/v1/purchaseOrders?limit=2');
    await call(sandbox, '/vendor/orders/v1/purchaseOrders');

    // Act
    const requests = await call(sandbox, '/_sandbox/requests');
    const stats = await call(sandbox, '/_sandbox/stats');

    // Assess
    expect(requests.body).toMatchObject({
      requests: [
        {
          method: 'POST',
          path: '/auth/o2/token',
          operation: 'lwaToken',
          status: 200,
          time: '2026-11-30T08:00:00.000Z',
        },
        { method: 'GET', operation: 'getPurchaseOrders', status: 200, query: { limit: '2' } },
        { method: 'GET', operation: 'getPurchaseOrders', status: 403 },
      ],
    });
    expect(stats.body).toEqual({
      total: 3,
      byOperation: { lwaToken: 1, getPurchaseOrders: 2 },
      byStatus: { '200': 2, '403': 1 },
      throttled: 0,
    });
  });
});

describe('sandbox persistence', () => {
  it('keeps acknowledgements, transactions, tokens and the purchase-order stream across a restart', async () => {
    // Prepare
    const stateDir = mkdtempSync(join(tmpdir(), 'acorn-amazon-sandbox-'));
    tempDirs.push(stateDir);
    const clock = new ManualClock(START);
    const first = await start({ clock, stateDir });
    const token = await accessToken(first.sandbox);
    const po = recentNewPo(first.sandbox, clock);
    const { transactionId } = await submitAndDecide(
      first.sandbox,
      clock,
      '/vendor/orders/v1/acknowledgements',
      acceptAll(po, clock.now()),
    );
    const numbersBefore = first.sandbox.purchaseOrders().map((p) => p.purchaseOrderNumber);
    await first.sandbox.close();

    // Act
    clock.advance(30 * MINUTE);
    const second = await start({ clock, stateDir });
    const transaction = await spApi(
      second.sandbox,
      token,
      `/vendor/transactions/v1/transactions/${transactionId}`,
    );

    // Assess
    expect(transaction.status).toBe(200);
    expect(getTransactionResponseSchema.parse(transaction.body).payload.transactionStatus.status).toBe(
      'Processing',
    );
    expect(second.sandbox.purchaseOrder(po.purchaseOrderNumber)?.purchaseOrderState).toBe('Acknowledged');
    const numbersAfter = second.sandbox.purchaseOrders().map((p) => p.purchaseOrderNumber);
    expect(numbersAfter.slice(0, numbersBefore.length)).toEqual(numbersBefore);
    expect(numbersAfter.length).toBeGreaterThan(numbersBefore.length);
  });

  it('keeps a rotated client secret across a restart', async () => {
    // Prepare
    const stateDir = mkdtempSync(join(tmpdir(), 'acorn-amazon-sandbox-'));
    tempDirs.push(stateDir);
    const clock = new ManualClock(START);
    const first = await start({ clock, stateDir });
    const grantless = lwaTokenResponseSchema.parse(
      (
        await call(
          first.sandbox,
          '/auth/o2/token',
          tokenRequest({
            grant_type: 'client_credentials',
            scope: 'sellingpartnerapi::client_credential:rotation',
            client_id: CLIENT_ID,
            client_secret: CLIENT_SECRET,
          }),
        )
      ).body,
    );
    await call(first.sandbox, '/applications/2023-11-30/clientSecret', {
      method: 'POST',
      headers: { 'x-amz-access-token': grantless.access_token },
    });
    const rotated = first.sandbox.credentials().clientSecret;
    await first.sandbox.close();

    // Act
    const second = await start({ clock, stateDir });

    // Assess
    expect(second.sandbox.credentials().clientSecret).toBe(rotated);
    expect(await accessToken(second.sandbox, rotated)).toMatch(/^Atza\|/);
  });
});

describe('sandbox notifications', () => {
  it('announces an expiring client secret on request', async () => {
    // Prepare
    const notifications: unknown[] = [];
    const { sandbox } = await start({ onNotification: (n) => void notifications.push(n) });

    // Act
    const answer = await call(sandbox, '/_sandbox/notifications/client-secret-expiry', { method: 'POST' });

    // Assess
    expect(answer.status).toBe(200);
    const notification = credentialRotationNotificationSchema.parse(notifications[0]);
    expect(notification.notificationType).toBe('APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY');
  });
});
