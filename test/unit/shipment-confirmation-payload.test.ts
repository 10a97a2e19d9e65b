import { describe, expect, it } from 'vitest';
import { Rng } from '#local/amazon-sandbox/prng.ts';
import {
  type LineToShip,
  packShipment,
  type ShipmentToDescribe,
  shipmentFile,
  toShipmentCsv,
} from '#local/warehouse/shipment-files.ts';
import {
  buildShipmentConfirmation,
  buildShipmentConfirmationsRequest,
} from '#shared/domain/shipments/confirmation-payload.ts';
import { InvalidShipmentConfirmationError } from '#shared/domain/shipments/errors.ts';
import { departureWindow } from '#shared/domain/shipments/fulfilment.ts';
import { parseShipmentCsv } from '#shared/domain/shipments/shipment-file.ts';
import { planShipment, type ShipmentPlan } from '#shared/domain/shipments/shipment-rules.ts';
import { gs1CheckDigit, isValidSscc } from '#shared/domain/shipments/sscc.ts';
import type { OrderItem, PurchaseOrder } from '#shared/sp-api/schemas/orders.ts';
import { submitShipmentConfirmationsRequestSchema } from '#shared/sp-api/schemas/shipments.ts';
import { officialModels } from '../support/official-models.ts';
import { SETTINGS } from '../support/shipment-fakes.ts';

const SHIP_DATE = '2026-12-01T10:00:00.000Z';
const RECEIVED = new Date('2026-12-01T10:05:00Z');

/** A PO shaped like the sandbox's: EANs and ASINs, cases and eaches, a ship or delivery window. */
function syntheticOrder(n: number): PurchaseOrder {
  const rng = new Rng(7, 'po', n);
  const items: OrderItem[] = Array.from({ length: rng.int(1, 8) }, (_, i) => {
    const body = `40${String(n * 100 + i).padStart(10, '0')}`;
    const cases = rng.chance(0.4);
    return {
      itemSequenceNumber: String(i + 1),
      amazonProductIdentifier: `B0${String(n * 100 + i).padStart(8, '0')}`,
      vendorProductIdentifier: `${body}${gs1CheckDigit(body)}`,
      orderedQuantity: cases
        ? { amount: rng.int(1, 30), unitOfMeasure: 'Cases', unitSize: rng.pick([6, 12, 24]) }
        : { amount: rng.int(1, 80), unitOfMeasure: 'Eaches', unitSize: 1 },
      isBackOrderAllowed: false,
      netCost: { amount: '9.99', currencyCode: 'EUR' },
    };
  });
  const collect = rng.chance(0.5);
  return {
    purchaseOrderNumber: `${(1_000_000 + n).toString(36).toUpperCase()}PO`.slice(0, 8),
    purchaseOrderState: 'Acknowledged',
    orderDetails: {
      purchaseOrderDate: '2026-11-28T08:00:00Z',
      purchaseOrderStateChangedDate: '2026-11-28T09:00:00Z',
      sellingParty: { partyId: 'ACMEDE' },
      shipToParty: { partyId: 'DUS2' },
      ...(collect
        ? { shipWindow: '2026-11-30T07:00:00Z--2026-12-04T07:00:00Z' }
        : { deliveryWindow: '2026-12-02T07:00:00Z--2026-12-06T07:00:00Z' }),
      items,
    },
  };
}

/** The warehouse's shipment of POs, every accepted unit, with lots and expiry on some lines. */
function describeShipment(id: string, orders: readonly PurchaseOrder[], rng: Rng): ShipmentToDescribe {
  return {
    shipmentId: id,
    shipDate: SHIP_DATE,
    purchaseOrders: orders.map((order) => ({
      purchaseOrderNumber: order.purchaseOrderNumber,
      lines: order.orderDetails!.items.map(
        (item): LineToShip => ({
          ean: item.vendorProductIdentifier!,
          ...(rng.chance(0.5) ? { asin: item.amazonProductIdentifier! } : {}),
          unitOfMeasure: item.orderedQuantity.unitOfMeasure === 'Cases' ? 'Cases' : 'Eaches',
          unitSize: item.orderedQuantity.unitSize ?? 1,
          quantity: item.orderedQuantity.amount ?? 0,
          ...(rng.chance(0.5) ? { lotNumber: `L${rng.int(1000, 9999)}` } : {}),
          ...(rng.chance(0.3) ? { expiryDate: '2028-06-30' } : {}),
          ...(rng.chance(0.5) ? { countryOfOrigin: rng.pick(['DE', 'PL', 'CN']) } : {}),
        }),
      ),
    })),
  };
}

/** Plans a shipment read back from its CSV, with every ordered unit accepted. */
function planned(description: ShipmentToDescribe, orders: readonly PurchaseOrder[]): ShipmentPlan {
  const parsed = parseShipmentCsv(toShipmentCsv(packShipment(description, { firstSerial: 1 }).rows));
  expect(parsed.problems).toEqual([]);
  const { plan, problems } = planShipment({
    shipment: parsed.shipments[0]!,
    purchaseOrders: new Map(
      orders.map((order) => [
        order.purchaseOrderNumber,
        {
          order,
          vendorCode: 'ACMEDE',
          accepted: new Map(
            order.orderDetails!.items.map((i) => [i.itemSequenceNumber, i.orderedQuantity.amount ?? 0]),
          ),
          claimed: new Map(),
          window: departureWindow(order, SETTINGS.transitDays)!,
        },
      ]),
    ),
    shipFromPartyIds: ['ACMEWH1'],
  });
  expect(problems).toEqual([]);
  return plan!;
}

const confirm = (plan: ShipmentPlan) =>
  buildShipmentConfirmation({ plan, shipFrom: SETTINGS.shipFrom[0]!, confirmationDate: RECEIVED });

describe('the shipment confirmation payload', () => {
  it('validates against our schema and Amazon’s official model for every generated warehouse file', () => {
    // Prepare: 60 shipments of 1–3 POs each: parcels, single and multi-pallet trucks, cases and eaches.
    const rng = new Rng(7, 'shipments');
    const orders = Array.from({ length: 120 }, (_, n) => syntheticOrder(n));
    const shipments: { description: ShipmentToDescribe; orders: PurchaseOrder[] }[] = [];
    for (let i = 0; i < orders.length; ) {
      const size = rng.int(1, 3);
      const group = orders.slice(i, i + size);
      i += size;
      shipments.push({
        description: describeShipment(`WH-${shipments.length + 1}`, group, rng),
        orders: group,
      });
    }

    // Act
    const requests = shipments.map(({ description, orders: group }) =>
      buildShipmentConfirmationsRequest([confirm(planned(description, group))]),
    );

    // Assess
    const types = new Set(requests.map((r) => r.shipmentConfirmations[0]!.shipmentType));
    const structures = new Set(requests.map((r) => r.shipmentConfirmations[0]!.shipmentStructure));
    expect(types).toEqual(new Set(['SmallParcel', 'LessThanTruckLoad']));
    expect(structures.size).toBeGreaterThanOrEqual(3);
    for (const request of requests) {
      expect(submitShipmentConfirmationsRequestSchema.safeParse(request).success).toBe(true);
      expect(
        officialModels().validate('vendorShipments', 'SubmitShipmentConfirmationsRequest', request),
      ).toEqual([]);
    }
  });

  it('puts every unit in exactly one carton or pallet, cartons on their pallets, labels with valid check digits', () => {
    // Prepare: one truck of three POs, more than a pallet of cartons.
    const rng = new Rng(11, 'truck');
    const orders = [syntheticOrder(500), syntheticOrder(501), syntheticOrder(502)];
    const description = describeShipment('WH-TRUCK', orders, rng);

    // Act
    const confirmation = confirm(planned(description, orders));

    // Assess
    const cartons = confirmation.cartons ?? [];
    const pallets = confirmation.pallets ?? [];
    const packed = new Map<string, number>();
    for (const item of [...cartons.flatMap((c) => c.items), ...pallets.flatMap((p) => p.items ?? [])]) {
      packed.set(item.itemReference, (packed.get(item.itemReference) ?? 0) + item.shippedQuantity.amount);
    }
    for (const item of confirmation.shippedItems) {
      expect(packed.get(item.itemSequenceNumber)).toBe(item.shippedQuantity.amount);
      expect(item.itemDetails?.purchaseOrderNumber).toMatch(/PO$/);
    }
    const onPallets = pallets.flatMap((p) => p.cartonReferenceDetails?.cartonReferenceNumbers ?? []);
    expect(onPallets.sort()).toEqual(cartons.map((c) => c.cartonSequenceNumber).sort());
    const labels = [
      ...cartons.flatMap((c) => c.cartonIdentifiers ?? []),
      ...pallets.flatMap((p) => p.palletIdentifiers),
    ];
    expect(
      labels.every(
        (l) => l.containerIdentificationType === 'SSCC' && isValidSscc(l.containerIdentificationNumber),
      ),
    ).toBe(true);
    expect(confirmation.shipmentMeasurements).toMatchObject({
      cartonCount: cartons.length,
      palletCount: pallets.length,
    });
    expect(confirmation).toMatchObject({
      shipmentConfirmationType: 'Original',
      shipmentConfirmationDate: '2026-12-01T10:05:00Z',
      shippedDate: '2026-12-01T10:00:00Z',
      sellingParty: { partyId: 'ACMEDE' },
      shipFromParty: { partyId: 'ACMEWH1', address: { city: 'Koeln' } },
      shipToParty: { partyId: 'DUS2' },
      transportationDetails: { carrierScac: 'DHLF', transportationMode: 'Road' },
    });
  });

  it('adds the gross weight exactly, in grams, from the pallets', () => {
    // Prepare
    const orders = [syntheticOrder(600)];
    const rows = packShipment(describeShipment('WH-W', orders, new Rng(1)), { firstSerial: 1 }).rows;
    const palletWeights = new Map(
      rows.filter((r) => r.palletSscc).map((r) => [r.palletSscc, r.palletWeightKg]),
    );
    const cartonWeights = new Map(rows.map((r) => [r.cartonSscc, r.cartonWeightKg]));
    const expected =
      palletWeights.size > 0
        ? [...palletWeights.values()].reduce((sum, w) => sum + Math.round(Number(w) * 1000), 0)
        : [...cartonWeights.values()].reduce((sum, w) => sum + Math.round(Number(w) * 1000), 0);

    // Act
    const confirmation = confirm(planned(describeShipment('WH-W', orders, new Rng(1)), orders));

    // Assess
    expect(Math.round(Number(confirmation.shipmentMeasurements?.grossShipmentWeight?.value) * 1000)).toBe(
      expected,
    );
  });

  it('makes the same bytes from the same shipment every time', () => {
    // Prepare
    const orders = [syntheticOrder(700), syntheticOrder(701)];
    const file = shipmentFile([describeShipment('WH-D', orders, new Rng(3))], { firstSerial: 40 });

    // Act
    const first = JSON.stringify(
      buildShipmentConfirmationsRequest([
        confirm(planned(describeShipment('WH-D', orders, new Rng(3)), orders)),
      ]),
    );
    const second = JSON.stringify(
      buildShipmentConfirmationsRequest([
        confirm(planned(describeShipment('WH-D', orders, new Rng(3)), orders)),
      ]),
    );

    // Assess
    expect(file.rows).toBeGreaterThan(0);
    expect(second).toBe(first);
  });

  it('refuses a batch that confirms the same shipment twice', () => {
    // Prepare
    const orders = [syntheticOrder(800)];
    const confirmation = confirm(planned(describeShipment('WH-2X', orders, new Rng(5)), orders));

    // Act / Assess
    expect(() => buildShipmentConfirmationsRequest([confirmation, confirmation])).toThrow(
      InvalidShipmentConfirmationError,
    );
    expect(() => buildShipmentConfirmationsRequest([])).toThrow(/nothing to submit/);
  });
});
