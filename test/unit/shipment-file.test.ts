import { describe, expect, it } from 'vitest';
import {
  parseShipmentCsv,
  parseShipmentFile,
  parseShipmentJson,
  type ShipmentFileJsonBody,
} from '#shared/domain/shipments/shipment-file.ts';
import { makeSscc } from '#shared/domain/shipments/sscc.ts';

const sscc = (serial: number, extension = 0) =>
  makeSscc({ extensionDigit: extension, companyPrefix: '4012345', serialReference: serial });
const PALLET = sscc(900, 1);
const [C1, C2, C3] = [sscc(1), sscc(2), sscc(3)];
/** A check digit off by one. */
const misprint = (label: string) => `${label.slice(0, 17)}${(Number(label[17]) + 1) % 10}`;

const HEADER =
  'shipmentId,purchaseOrderNumber,shipDate,carrierScac,proNumber,palletSscc,cartonSscc,cartonWeightKg,ean,quantity,unitOfMeasure,lotNumber,expiryDate';
/** One pallet, three cartons: 2 × 12 eaches of line 1 and one case of line 2 (rows 2–4). */
const good = () => [
  HEADER,
  `WH-1130-07,4Z32PABC,2026-11-30T14:00:00Z,DHLF,PRO-99812733,${PALLET},${C1},5.7,4006381333931,12,Eaches,L2611-07,2028-11-30`,
  `WH-1130-07,4Z32PABC,,,,${PALLET},${C2},5.7,4006381333931,12,Eaches,L2611-07,2028-11-30`,
  `WH-1130-07,4Z32PABC,,,,${PALLET},${C3},3.0,4006381540308,1,Cases,,`,
];
/** Replaces one cell (by column name) of one row (1-based, header = 1). */
function withCell(lines: string[], row: number, column: string, value: string): string {
  const index = HEADER.split(',').indexOf(column);
  return lines
    .map((line, i) => {
      if (i !== row - 1) return line;
      const cells = line.split(',');
      cells[index] = value;
      return cells.join(',');
    })
    .join('\n');
}

describe('the warehouse shipment file (CSV)', () => {
  it('reads a shipment: its departure, carrier, pallet, cartons and item rows', () => {
    // Act
    const result = parseShipmentCsv(good().join('\r\n'));

    // Assess
    expect(result.problems).toEqual([]);
    expect(result.shipments).toHaveLength(1);
    const shipment = result.shipments[0]!;
    expect(shipment).toMatchObject({
      shipmentId: 'WH-1130-07',
      shipDate: '2026-11-30T14:00:00.000Z',
      carrier: { scac: 'DHLF', proNumber: 'PRO-99812733' },
      firstRow: 2,
    });
    expect(shipment.pallets).toEqual([{ sscc: PALLET, row: 2 }]);
    expect(shipment.cartons.map((c) => [c.sscc, c.palletSscc, c.weightKg])).toEqual([
      [C1, PALLET, '5.7'],
      [C2, PALLET, '5.7'],
      [C3, PALLET, '3.0'],
    ]);
    expect(shipment.rows.map((r) => [r.row, r.product.ean, r.quantity, r.unitOfMeasure])).toEqual([
      [2, '4006381333931', 12, 'Eaches'],
      [3, '4006381333931', 12, 'Eaches'],
      [4, '4006381540308', 1, 'Cases'],
    ]);
    expect(shipment.rows[0]?.expiryDate).toBe('2028-11-30T00:00:00.000Z');
  });

  it.each([
    [
      'a carton SSCC with a wrong check digit',
      3,
      'cartonSscc',
      misprint(C2),
      /check digit \d is wrong: GS1 gives \d/,
    ],
    ['a pallet SSCC of 17 digits', 4, 'palletSscc', PALLET.slice(1), /18 digits/],
    ['an EAN with a wrong check digit', 3, 'ean', '4006381333932', /check digit/],
    ['a quantity that is not a number', 4, 'quantity', 'one', /whole number/],
    ['a quantity of zero', 4, 'quantity', '0', /at least 1/],
    ['a unit that is neither cases nor eaches', 2, 'unitOfMeasure', 'Pallets', /Cases or Eaches/],
    ['a ship date without a zone', 2, 'shipDate', '2026-11-30T14:00:00', /zone/],
    ['no ship date on the first row', 2, 'shipDate', '', /first row of a shipment needs its ship date/],
    ['a later row with another ship date', 4, 'shipDate', '2026-12-01T09:00:00Z', /differs from row 2/],
    ['an expiry date that does not exist', 2, 'expiryDate', '2028-02-30', /no such date/],
    ['a SCAC that is not one', 2, 'carrierScac', 'DHL-FREIGHT', /2–4 letters/],
    ['a PO number with a slash', 3, 'purchaseOrderNumber', '4Z32/ABC', /4–20 letters or digits/],
    ['a carton weight of nothing', 4, 'cartonWeightKg', '0', /above zero/],
  ])('refuses %s, naming the row and the field', (_name, row, field, value, message) => {
    // Act
    const result = parseShipmentCsv(withCell(good(), row, field, value));

    // Assess
    expect(result.problems).toEqual([
      expect.objectContaining({ row, field, message: expect.stringMatching(message) }),
    ]);
    expect(result.shipments).toEqual([]);
    expect(result.rejectedShipments).toEqual(['WH-1130-07']);
  });

  it('refuses a row that names no item, and one that names no carton or pallet', () => {
    // Prepare
    let text = withCell(good(), 3, 'ean', '');
    text = withCell(text.split('\n'), 4, 'cartonSscc', '');
    text = withCell(text.split('\n'), 4, 'palletSscc', '');
    text = withCell(text.split('\n'), 4, 'cartonWeightKg', '');

    // Act
    const result = parseShipmentCsv(text);

    // Assess
    expect(result.problems).toEqual([
      expect.objectContaining({ row: 3, field: 'ean', message: expect.stringMatching(/names no item/) }),
      expect.objectContaining({
        row: 4,
        field: 'cartonSscc',
        message: expect.stringMatching(/no carton or pallet/),
      }),
    ]);
  });

  it('refuses a carton on two pallets and a label used for a carton and a pallet', () => {
    // Prepare
    const other = sscc(901, 1);
    const lines = good();
    lines.push(`WH-1130-07,4Z32PABC,,,,${other},${C1},5.7,4006381333931,1,Eaches,,`);
    lines.push(`WH-1130-07,4Z32PABC,,,,${C3},${sscc(4)},,4006381333931,1,Eaches,,`);

    // Act
    const result = parseShipmentCsv(lines.join('\n'));

    // Assess
    expect(result.problems).toEqual([
      expect.objectContaining({
        row: 5,
        field: 'palletSscc',
        message: `carton ${C1} is on pallet ${PALLET} in row 2`,
      }),
      expect.objectContaining({ row: 6, field: 'palletSscc', message: `SSCC ${C3} is a carton in row 4` }),
    ]);
  });

  it('refuses a carton shipped in two shipments, but keeps the other shipments of the file', () => {
    // Prepare
    const lines = good();
    lines.push(`WH-1130-08,4Z32PABC,2026-11-30T15:00:00Z,UPSN,,,${sscc(10)},1.0,4006381333931,1,Eaches,,`);
    lines.push(`WH-1130-09,4Z32PABC,2026-11-30T16:00:00Z,UPSN,,,${C1},1.0,4006381333931,1,Eaches,,`);

    // Act
    const result = parseShipmentCsv(lines.join('\n'));

    // Assess
    expect(result.problems).toEqual([
      expect.objectContaining({
        row: 6,
        field: 'cartonSscc',
        message: `carton ${C1} already ships in shipment WH-1130-07 (row 2)`,
      }),
    ]);
    expect(result.shipments.map((s) => s.shipmentId)).toEqual(['WH-1130-07', 'WH-1130-08']);
    expect(result.rejectedShipments).toEqual(['WH-1130-09']);
  });

  it('names the missing columns of a header and reads nothing', () => {
    // Act
    const result = parseShipmentCsv('shipmentId,purchaseOrderNumber,quantity\nWH-1,4Z32PABC,1\n');

    // Assess
    expect(result.problems.map((p) => [p.row, p.field])).toEqual([
      [1, 'shipDate'],
      [1, 'ean'],
      [1, 'cartonSscc'],
    ]);
    expect(result.shipments).toEqual([]);
  });

  it('accepts the header in any order, case and spacing, and reads scanned labels with (00)', () => {
    // Prepare
    const text = [
      'Quantity;EAN;Carton SSCC;Ship Date;Purchase Order Number;Shipment ID',
      `24;4006381333931;(00)${C1};2026-11-30T15:00:00+01:00;4z32pabc;WH-1`,
    ].join('\n');

    // Act
    const result = parseShipmentCsv(text);

    // Assess
    expect(result.problems).toEqual([]);
    expect(result.shipments[0]).toMatchObject({
      shipDate: '2026-11-30T14:00:00.000Z',
      cartons: [{ sscc: C1 }],
      rows: [{ purchaseOrderNumber: '4Z32PABC', quantity: 24 }],
    });
  });
});

describe('the warehouse shipment file (JSON)', () => {
  const json = (): ShipmentFileJsonBody => ({
    shipments: [
      {
        shipmentId: 'WH-1130-07',
        shipDate: '2026-11-30T14:00:00Z',
        carrier: { scac: 'DHLF', proNumber: 'PRO-99812733' },
        pallets: [
          {
            sscc: PALLET,
            cartons: [
              {
                sscc: C1,
                weightKg: '5.7',
                items: [
                  {
                    purchaseOrderNumber: '4Z32PABC',
                    ean: '4006381333931',
                    quantity: 12,
                    unitOfMeasure: 'Eaches',
                    lotNumber: 'L2611-07',
                    expiryDate: '2028-11-30',
                  },
                ],
              },
              {
                sscc: C2,
                weightKg: '5.7',
                items: [
                  {
                    purchaseOrderNumber: '4Z32PABC',
                    ean: '4006381333931',
                    quantity: 12,
                    unitOfMeasure: 'Eaches',
                    lotNumber: 'L2611-07',
                    expiryDate: '2028-11-30',
                  },
                ],
              },
              {
                sscc: C3,
                weightKg: '3.0',
                items: [
                  {
                    purchaseOrderNumber: '4Z32PABC',
                    ean: '4006381540308',
                    quantity: 1,
                    unitOfMeasure: 'Cases',
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
  });

  it('reads the same shipment as its CSV form', () => {
    // Act
    const fromJson = parseShipmentJson(JSON.stringify(json()));
    const fromCsv = parseShipmentCsv(good().join('\n'));

    // Assess
    // Rows are numbered per format (CSV lines, JSON items); everything else is the same.
    const strip = (r: typeof fromJson) =>
      r.shipments.map(({ paths: _p, firstRow: _f, rows, cartons, pallets, ...rest }) => ({
        ...rest,
        rows: rows.map(({ paths: _q, row: _r, ...row }) => row),
        cartons: cartons.map(({ row: _r, ...carton }) => carton),
        pallets: pallets.map(({ row: _r, ...pallet }) => pallet),
      }));
    expect(fromJson.problems).toEqual([]);
    expect(strip(fromJson)).toEqual(strip(fromCsv));
  });

  it('names the JSON path of a bad field, and the item it belongs to as its row', () => {
    // Prepare
    const body = json();
    body.shipments[0]!.pallets![0]!.cartons![1]!.sscc = misprint(C2);

    // Act
    const result = parseShipmentFile('push.json', JSON.stringify(body));

    // Assess
    expect(result.problems).toEqual([
      expect.objectContaining({
        row: 2,
        field: 'shipments[0].pallets[0].cartons[1].sscc',
        message: expect.stringMatching(/check digit/),
      }),
    ]);
  });

  it('names the path of a structural mistake', () => {
    // Act
    const result = parseShipmentJson({
      shipments: [
        { shipmentId: 'WH-1', shipDate: '2026-11-30T14:00:00Z', cartons: [{ sscc: C1, items: [] }] },
      ],
    });

    // Assess
    expect(result.problems).toEqual([
      expect.objectContaining({ row: 1, field: 'shipments[0].cartons[0].items' }),
    ]);
  });

  it('refuses a shipment with nothing in it', () => {
    // Act
    const result = parseShipmentJson({ shipmentId: 'WH-1', shipDate: '2026-11-30T14:00:00Z' });

    // Assess
    expect(result.problems).toEqual([
      expect.objectContaining({ field: 'cartons', message: 'the shipment has no pallets or cartons' }),
    ]);
    expect(result.rejectedShipments).toEqual(['WH-1']);
  });
});
