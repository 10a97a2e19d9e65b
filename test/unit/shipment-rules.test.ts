import { describe, expect, it } from 'vitest';
import { packShipment, type ShipmentToDescribe, toShipmentCsv } from '#local/warehouse/shipment-files.ts';
import { CatalogIndex } from '#shared/domain/purchase-orders/catalog.ts';
import { acceptedFromAcknowledgement, departureWindow } from '#shared/domain/shipments/fulfilment.ts';
import { parseShipmentCsv, type WarehouseShipment } from '#shared/domain/shipments/shipment-file.ts';
import { planShipment, type ShipmentPurchaseOrder } from '#shared/domain/shipments/shipment-rules.ts';
import type { PurchaseOrder } from '#shared/sp-api/schemas/orders.ts';
import { fixtureAcknowledgement, fixturePurchaseOrder } from '../support/shipment-fakes.ts';

const PO = '4Z32PABC';
/** Inside the fixture PO's departure window (its delivery window 30 Nov–4 Dec minus 2 transit days). */
const SHIP_DATE = '2026-11-30T14:00:00Z';

function context(
  order: PurchaseOrder = fixturePurchaseOrder(),
  overrides: Partial<ShipmentPurchaseOrder> = {},
) {
  return {
    order,
    vendorCode: order.orderDetails?.sellingParty?.partyId ?? 'ACMEDE',
    marketplace: 'DE',
    accepted: acceptedFromAcknowledgement(fixtureAcknowledgement().lines),
    claimed: new Map<string, number>(),
    window: departureWindow(order, 2),
    ...overrides,
  } satisfies ShipmentPurchaseOrder;
}

/** The warehouse's file for a shipment, read back: what the rules are given in production. */
function shipmentOf(
  description: Partial<ShipmentToDescribe> & Pick<ShipmentToDescribe, 'purchaseOrders'>,
): WarehouseShipment {
  const packed = packShipment(
    { shipmentId: 'WH-1', shipDate: SHIP_DATE, ...description },
    { firstSerial: 1 },
  );
  const parsed = parseShipmentCsv(toShipmentCsv(packed.rows));
  expect(parsed.problems).toEqual([]);
  return parsed.shipments[0]!;
}

/** The fixture PO's accepted quantities: 24 eaches of line 1, 10 cases of 6 of line 2. */
const fullFixture = (eaches = 24, cases = 10): ShipmentToDescribe['purchaseOrders'] => [
  {
    purchaseOrderNumber: PO,
    lines: [
      { ean: '4006381333931', unitOfMeasure: 'Eaches', unitSize: 1, quantity: eaches, lotNumber: 'L2611-07' },
      { ean: '4006381540308', unitOfMeasure: 'Cases', unitSize: 6, quantity: cases },
    ],
  },
];

const plan = (
  shipment: WarehouseShipment,
  contexts: Record<string, ShipmentPurchaseOrder | undefined> = { [PO]: context() },
  extra: { catalog?: CatalogIndex; shipFrom?: string[] } = {},
) =>
  planShipment({
    shipment,
    purchaseOrders: new Map(Object.entries(contexts)),
    shipFromPartyIds: extra.shipFrom ?? ['ACMEWH1'],
    ...(extra.catalog ? { catalog: extra.catalog } : {}),
  });

describe('the shipment rules', () => {
  it('plan what ships per PO line, in the line’s unit, from the default ship-from site', () => {
    // Act
    const { plan: planned, problems } = plan(shipmentOf({ purchaseOrders: fullFixture() }));

    // Assess
    expect(problems).toEqual([]);
    expect(planned).toMatchObject({
      vendorCode: 'ACMEDE',
      shipToPartyId: 'DUS2',
      shipFromPartyId: 'ACMEWH1',
      shipmentType: 'LessThanTruckLoad',
      shipmentStructure: 'PalletizedStandardCase',
      purchaseOrders: [
        {
          purchaseOrderNumber: PO,
          lines: [
            { itemSequenceNumber: '1', amount: 24, unitOfMeasure: 'Eaches', unitSize: 1 },
            { itemSequenceNumber: '2', amount: 10, unitOfMeasure: 'Cases', unitSize: 6 },
          ],
        },
      ],
    });
    expect(planned?.cartons).toHaveLength(12);
    expect(planned?.pallets).toHaveLength(1);
  });

  it('refuse a carton with more units than Amazon accepted, at the row that goes over', () => {
    // Prepare: 30 eaches of line 1 (accepted 24), packed 12, 12 and 6 to a carton: rows 2, 3 and 5.
    const shipment = shipmentOf({ purchaseOrders: fullFixture(30, 1) });

    // Act
    const { plan: planned, problems } = plan(shipment);

    // Assess
    expect(planned).toBeUndefined();
    expect(problems).toEqual([
      {
        row: 5,
        field: 'quantity',
        message: `line 1 of PO ${PO} (4006381333931): this shipment ships 30 eaches up to this row, Amazon accepted 24`,
        value: '6',
      },
    ]);
  });

  it('count what other shipments already claim of a line', () => {
    // Prepare: another shipment claims 8 of the 10 accepted cases.
    const shipment = shipmentOf({ purchaseOrders: fullFixture(0, 3) });

    // Act
    const { problems } = plan(shipment, { [PO]: context(undefined, { claimed: new Map([['2', 8]]) }) });

    // Assess
    expect(problems).toEqual([
      expect.objectContaining({
        field: 'quantity',
        message: `line 2 of PO ${PO} (4006381540308): this shipment ships 3 cases of 6 up to this row, other shipments 8, Amazon accepted 10`,
      }),
    ]);
  });

  it('refuse a line Amazon did not accept', () => {
    // Prepare
    const shipment = shipmentOf({
      purchaseOrders: [
        {
          purchaseOrderNumber: PO,
          lines: [{ asin: 'B0B8HQ3LWN', unitOfMeasure: 'Eaches', unitSize: 1, quantity: 2 }],
        },
      ],
    });

    // Act
    const { problems } = plan(shipment);

    // Assess
    expect(problems).toEqual([
      expect.objectContaining({
        row: 2,
        field: 'quantity',
        message: expect.stringMatching(/was not accepted by Amazon/),
      }),
    ]);
  });

  it.each([
    ['unknown', undefined, /unknown: Amazon has not sent it/],
    ['not acknowledged to Amazon', context(undefined, { accepted: undefined }), /not acknowledged to Amazon/],
    ['closed', context({ ...fixturePurchaseOrder(), purchaseOrderState: 'Closed' }), /closed at Amazon/],
  ])('refuse a file for a PO that is %s, at its first row', (_name, ctx, message) => {
    // Act
    const { problems } = plan(shipmentOf({ purchaseOrders: fullFixture(1, 1) }), { [PO]: ctx });

    // Assess
    expect(problems).toEqual([
      expect.objectContaining({
        row: 2,
        field: 'purchaseOrderNumber',
        message: expect.stringMatching(message),
      }),
    ]);
  });

  it('refuse a departure outside the PO’s window, naming the ship date', () => {
    // Act
    const { problems } = plan(
      shipmentOf({ shipDate: '2026-12-03T09:00:00Z', purchaseOrders: fullFixture(1, 1) }),
    );

    // Assess
    expect(problems).toEqual([
      {
        row: 2,
        field: 'shipDate',
        message: `ships 2026-12-03 09:00 UTC, outside the time PO ${PO} must leave to arrive in its delivery window 2026-11-28 07:00 UTC → 2026-12-02 07:00 UTC`,
        value: '2026-12-03T09:00:00.000Z',
      },
    ]);
  });

  it('refuse an item the PO does not order', () => {
    // Prepare
    const shipment = shipmentOf({
      purchaseOrders: [
        {
          purchaseOrderNumber: PO,
          lines: [{ ean: '4006381333948', unitOfMeasure: 'Eaches', unitSize: 1, quantity: 1 }],
        },
      ],
    });

    // Act
    const { problems } = plan(shipment);

    // Assess
    expect(problems).toEqual([
      expect.objectContaining({
        row: 2,
        field: 'ean',
        message: `PO ${PO} has no line for EAN 4006381333948`,
      }),
    ]);
  });

  it('convert eaches of a line ordered in cases, and refuse eaches that are not whole cases', () => {
    // Prepare
    const line = (quantity: number) =>
      shipmentOf({
        purchaseOrders: [
          {
            purchaseOrderNumber: PO,
            lines: [{ ean: '4006381540308', unitOfMeasure: 'Eaches', unitSize: 1, quantity }],
          },
        ],
      });

    // Act
    const whole = plan(line(12));
    const broken = plan(line(7));

    // Assess
    expect(whole.plan?.purchaseOrders[0]?.lines).toEqual([
      expect.objectContaining({ itemSequenceNumber: '2', amount: 2, unitOfMeasure: 'Cases', unitSize: 6 }),
    ]);
    expect(broken.problems).toEqual([
      expect.objectContaining({
        field: 'quantity',
        message: expect.stringMatching(/7 eaches is not a whole number of cases of 6/),
      }),
    ]);
  });

  it('refuse two destinations in one shipment', () => {
    // Prepare
    const other = structuredClone(fixturePurchaseOrder());
    other.purchaseOrderNumber = '5A11BBBB';
    other.orderDetails!.shipToParty = { partyId: 'CGN1' };
    const shipment = shipmentOf({
      purchaseOrders: [
        ...fullFixture(1, 1),
        {
          purchaseOrderNumber: '5A11BBBB',
          lines: [{ ean: '4006381333931', unitOfMeasure: 'Eaches', unitSize: 1, quantity: 1 }],
        },
      ],
    });

    // Act
    const { problems } = plan(shipment, { [PO]: context(), '5A11BBBB': context(other) });

    // Assess
    expect(problems).toEqual([
      expect.objectContaining({
        field: 'purchaseOrderNumber',
        value: '5A11BBBB',
        message: `PO 5A11BBBB ships to CGN1, PO ${PO} to DUS2: one shipment goes to one Amazon site`,
      }),
    ]);
  });

  it('refuse a small parcel carton without its tracking number, and an unknown ship-from site', () => {
    // Prepare
    const text = [
      'shipmentId,purchaseOrderNumber,shipDate,shipmentType,shipFromPartyId,cartonSscc,trackingNumber,ean,quantity',
      `WH-1,${PO},${SHIP_DATE},SmallParcel,ACMEWH9,340123450000000017,1Z001,4006381333931,1`,
      `WH-1,${PO},,,,340123450000000024,,4006381333931,1`,
    ].join('\n');

    // Act
    const { problems } = plan(parseShipmentCsv(text).shipments[0]!);

    // Assess
    expect(problems).toEqual([
      expect.objectContaining({
        row: 2,
        field: 'shipFromPartyId',
        message: expect.stringMatching(/ACMEWH9 is not configured/),
      }),
      expect.objectContaining({
        row: 3,
        field: 'trackingNumber',
        message: expect.stringMatching(/needs its tracking number/),
      }),
    ]);
  });

  it('find the line of a row that names only the SKU through the catalogue', () => {
    // Prepare
    const catalog = CatalogIndex.build([
      {
        sku: 'ACME-PAN-28',
        ean: '4006381333931',
        marketplace: 'DE',
        expectedNetCost: '12.45',
        currency: 'EUR',
        status: 'active',
        leadTimeDays: 6,
      },
    ]);
    const shipment = shipmentOf({
      purchaseOrders: [
        {
          purchaseOrderNumber: PO,
          lines: [{ sku: 'ACME-PAN-28', unitOfMeasure: 'Eaches', unitSize: 1, quantity: 5 }],
        },
      ],
    });

    // Act
    const found = plan(shipment, undefined, { catalog });
    const lost = plan(shipment);

    // Assess
    expect(found.plan?.purchaseOrders[0]?.lines).toEqual([
      expect.objectContaining({ itemSequenceNumber: '1', amount: 5 }),
    ]);
    expect(lost.problems).toEqual([
      expect.objectContaining({
        field: 'sku',
        message: `PO ${PO} has no line for SKU ACME-PAN-28 (and the catalogue is not loaded)`,
      }),
    ]);
  });
});
