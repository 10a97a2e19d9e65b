import { afterEach, describe, expect, it } from 'vitest';
import { type AmazonSandbox, startAmazonSandbox } from '#local/amazon-sandbox/index.ts';
import { ManualClock } from '#shared/clock.ts';
import { getTransactionResponseSchema, transactionIdResponseSchema } from '#shared/sp-api/schemas/index.ts';
import { purchaseOrderSchema, submitAcknowledgementRequestSchema } from '#shared/sp-api/schemas/orders.ts';
import {
  getShipmentDetailsResponseSchema,
  type SubmitShipmentConfirmationsRequest,
  submitShipmentConfirmationsRequestSchema,
} from '#shared/sp-api/schemas/shipments.ts';
import { spApiFixture } from '../support/fixtures.ts';
import { OFFICIAL_MODELS_DIR, officialModels } from '../support/official-models.ts';
import { sandboxAccessToken } from '../support/sp-api-sandbox.ts';

const MINUTE = 60_000;
const running: AmazonSandbox[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

/** A sandbox with the fixture PO `4Z32PABC`, acknowledged (24 eaches; 6 + 4 backordered cases; line 3 rejected). */
async function acknowledgedFixture() {
  const clock = new ManualClock('2026-11-24T10:00:00Z');
  const sandbox = await startAmazonSandbox({
    port: 0,
    seed: 42,
    poGeneration: { backlog: 0, perHour: 0 },
    officialModelsDir: OFFICIAL_MODELS_DIR,
    clock,
  });
  running.push(sandbox);
  sandbox.injectPurchaseOrder(purchaseOrderSchema.parse(spApiFixture('purchase-order')));
  await submit(
    sandbox,
    clock,
    '/vendor/orders/v1/acknowledgements',
    submitAcknowledgementRequestSchema.parse(spApiFixture('acknowledgement-request')),
  );
  clock.set('2026-11-27T11:30:00Z');
  return { sandbox, clock };
}

async function spApi(
  sandbox: AmazonSandbox,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sandbox.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'x-amz-access-token': await sandboxAccessToken(sandbox), 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

/** Submits, lets Amazon process for five minutes, and answers the transaction's status. */
async function submit(sandbox: AmazonSandbox, clock: ManualClock, path: string, body: unknown) {
  const submitted = await spApi(sandbox, path, body);
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
  const { transactionId } = transactionIdResponseSchema.parse(submitted.body).payload;
  clock.advance(5 * MINUTE);
  const status = await spApi(sandbox, `/vendor/transactions/v1/transactions/${transactionId}`);
  return getTransactionResponseSchema.parse(status.body).payload.transactionStatus;
}

const asn = (): SubmitShipmentConfirmationsRequest =>
  submitShipmentConfirmationsRequestSchema.parse(spApiFixture('shipment-confirmation-request'));

describe('shipment confirmations in the sandbox', () => {
  it('fails a confirmation that ships more than was accepted, counting earlier confirmations of the PO', async () => {
    // Prepare: the first ASN ships 24 eaches and 6 cases; 4 backordered cases remain.
    const { sandbox, clock } = await acknowledgedFixture();
    expect((await submit(sandbox, clock, '/vendor/shipping/v1/shipmentConfirmations', asn())).status).toBe(
      'Success',
    );
    const second = asn();
    const confirmation = second.shipmentConfirmations[0]!;
    confirmation.shipmentIdentifier = 'ACME-ASN-2026-11-0043';
    confirmation.shippedItems = [
      {
        ...confirmation.shippedItems[1]!,
        shippedQuantity: { amount: 5, unitOfMeasure: 'Cases', unitSize: 6 },
      },
    ];
    confirmation.cartons = [];
    confirmation.pallets = [];

    // Act
    const status = await submit(sandbox, clock, '/vendor/shipping/v1/shipmentConfirmations', second);

    // Assess
    expect(status.status).toBe('Failure');
    expect(status.errors).toEqual([
      expect.objectContaining({
        code: 'SHIPPED_QUANTITY_EXCEEDS_ACCEPTED',
        message: 'Shipped 66 eaches of line 2 of PO 4Z32PABC, accepted 60.',
      }),
    ]);
  });

  it('fails a confirmation of an item the PO does not order', async () => {
    // Prepare
    const { sandbox, clock } = await acknowledgedFixture();
    const body = asn();
    body.shipmentConfirmations[0]!.shippedItems[0]!.vendorProductIdentifier = '4006381333948';

    // Act
    const status = await submit(sandbox, clock, '/vendor/shipping/v1/shipmentConfirmations', body);

    // Assess
    expect(status.status).toBe('Failure');
    expect(status.errors?.map((e) => e.code)).toEqual(['INVALID_ITEM']);
  });

  it('lists a confirmed shipment in GetShipmentDetails once Amazon processed it, as the official model describes', async () => {
    // Prepare
    const { sandbox, clock } = await acknowledgedFixture();
    const submitted = await spApi(sandbox, '/vendor/shipping/v1/shipmentConfirmations', asn());
    expect(submitted.status).toBe(202);

    // Act
    const whileProcessing = await spApi(
      sandbox,
      '/vendor/shipping/v1/shipments?vendorShipmentIdentifier=ACME-ASN-2026-11-0042',
    );
    clock.advance(5 * MINUTE);
    const afterwards = await spApi(
      sandbox,
      '/vendor/shipping/v1/shipments?vendorShipmentIdentifier=ACME-ASN-2026-11-0042',
    );
    const other = await spApi(sandbox, '/vendor/shipping/v1/shipments?vendorShipmentIdentifier=NOPE');

    // Assess
    expect(getShipmentDetailsResponseSchema.parse(whileProcessing.body).payload?.shipments).toEqual([]);
    expect(
      officialModels().validate('vendorShipments', 'GetShipmentDetailsResponse', afterwards.body),
    ).toEqual([]);
    expect(getShipmentDetailsResponseSchema.parse(afterwards.body).payload?.shipments).toEqual([
      expect.objectContaining({
        vendorShipmentIdentifier: 'ACME-ASN-2026-11-0042',
        transactionType: 'New',
        currentShipmentStatus: 'Shipped',
        sellingParty: { partyId: 'ACMEDE' },
        shipToParty: { partyId: 'DUS2' },
      }),
    ]);
    expect(getShipmentDetailsResponseSchema.parse(other.body).payload?.shipments).toEqual([]);
  });
});
