import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeReturnsExports } from '#local/amazon-sandbox/returns.ts';
import type { ShipmentRecord } from '#local/amazon-sandbox/state.ts';
import { ManualClock } from '#shared/clock.ts';
import { parseReturnsRecords } from '#shared/domain/credit-memos/returns-file.ts';
import { readCsv } from '#shared/domain/purchase-orders/catalog-file.ts';
import { purchaseOrderSchema } from '#shared/sp-api/schemas/orders.ts';
import { submitShipmentConfirmationsRequestSchema } from '#shared/sp-api/schemas/shipments.ts';
import { spApiFixture } from '../support/fixtures.ts';

describe("the sandbox's returns exports", () => {
  const dir = mkdtempSync(join(tmpdir(), 'acorn-returns-'));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('returns goods it received, first in transit, then delivered, in a file the import reads', () => {
    const confirmation = submitShipmentConfirmationsRequestSchema.parse(
      spApiFixture('shipment-confirmation-request'),
    ).shipmentConfirmations[0]!;
    const order = purchaseOrderSchema.parse(spApiFixture('purchase-order'));
    const po = confirmation.shippedItems[0]!.itemDetails!.purchaseOrderNumber!;
    const shipments: ShipmentRecord[] = [
      { transactionId: 't', receivedAt: 0, decidedAt: 0, accepted: true, confirmation },
    ];
    const clock = new ManualClock('2026-12-01T08:00:00.000Z');
    const exports = makeReturnsExports({
      shipments: () => shipments,
      purchaseOrder: () => ({ ...order, purchaseOrderNumber: po }),
      clock,
      stateFile: join(dir, 'returns.json'),
      perRound: 1,
    });
    const first = exports.round();
    expect(first?.key).toMatch(/^returns\/vc-returns-.*\.csv$/);
    const parsed = parseReturnsRecords(readCsv(first!.body).records);
    expect(parsed.problems).toEqual([]);
    expect(parsed.returns).toEqual([
      expect.objectContaining({ returnReference: 'RN-0000001', status: 'In Transit', vendorCode: 'ACMEDE' }),
    ]);
    clock.advance(90 * 60_000);
    const second = parseReturnsRecords(readCsv(exports.round()!.body).records);
    expect(second.returns.find((r) => r.returnReference === 'RN-0000001')?.status).toBe(
      'Delivered to Warehouse',
    );
  });
});
