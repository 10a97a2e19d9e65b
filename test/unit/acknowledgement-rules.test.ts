import { describe, expect, it } from 'vitest';
import { BACKLOG_SPAN_MS, PurchaseOrderGenerator } from '#local/amazon-sandbox/generator.ts';
import {
  checkLineAcknowledgement,
  type DecidedLine,
  decidePurchaseOrder,
  decidePurchaseOrders,
  type LineDecision,
  type PurchaseOrderDecision,
  type ReviewLine,
  validateManualDecision,
} from '#shared/domain/purchase-orders/acknowledgement-rules.ts';
import { type CatalogEntry, CatalogIndex } from '#shared/domain/purchase-orders/catalog.ts';
import { PurchaseOrderNotDecidableError } from '#shared/domain/purchase-orders/errors.ts';
import {
  type AcknowledgementRulesInput,
  acknowledgementRulesSchema,
  DEFAULT_ACKNOWLEDGEMENT_RULES,
  validateRules,
} from '#shared/domain/purchase-orders/rules-config.ts';
import { ValidationError } from '#shared/errors.ts';
import {
  type OrderItem,
  type OrderItemAcknowledgement,
  type PurchaseOrder,
  purchaseOrderSchema,
} from '#shared/sp-api/schemas/orders.ts';

const NOW = new Date('2026-12-01T09:00:00Z');
const SHIP_WINDOW = '2026-12-03T07:00:00Z--2026-12-08T07:00:00Z';

const PAN = '4006381333931';
const LID = '4006381540308';
const OLD = '4311501664205';
const BIG = '4006381333948';

const catalogEntries: CatalogEntry[] = [
  {
    sku: 'PAN',
    asin: 'B0C4K7XQ2M',
    ean: PAN,
    marketplace: 'DE',
    expectedNetCost: '11.90',
    currency: 'EUR',
    status: 'active',
    leadTimeDays: 6,
  },
  {
    sku: 'LID',
    asin: 'B0D1Z9RT5P',
    ean: LID,
    marketplace: 'DE',
    expectedNetCost: '3.80',
    currency: 'EUR',
    status: 'active',
    leadTimeDays: 20,
  },
  {
    sku: 'OLD',
    ean: OLD,
    marketplace: 'DE',
    expectedNetCost: '41.10',
    currency: 'EUR',
    status: 'discontinued',
    leadTimeDays: 0,
  },
  {
    sku: 'BIG',
    ean: BIG,
    marketplace: 'DE',
    expectedNetCost: '11.90',
    currency: 'EUR',
    status: 'active',
    leadTimeDays: 2,
    maxOrderQuantity: 100,
  },
  {
    sku: 'PAN',
    asin: 'B0C4K7XQ2M',
    ean: PAN,
    marketplace: 'FR',
    expectedNetCost: '12.90',
    currency: 'EUR',
    status: 'active',
    leadTimeDays: 6,
  },
];
const catalog = CatalogIndex.build(catalogEntries);

const lid = (seq: string, amount: number, overrides: Partial<OrderItem> = {}) =>
  line(seq, LID, amount, { netCost: { amount: '3.80', currencyCode: 'EUR' }, ...overrides });

function line(seq: string, ean: string, amount: number, overrides: Partial<OrderItem> = {}): OrderItem {
  return {
    itemSequenceNumber: seq,
    vendorProductIdentifier: ean,
    orderedQuantity: { amount, unitOfMeasure: 'Eaches', unitSize: 1 },
    isBackOrderAllowed: true,
    netCost: { amount: '11.90', currencyCode: 'EUR' },
    ...overrides,
  };
}

function purchaseOrder(
  items: OrderItem[],
  details: Record<string, unknown> = { shipWindow: SHIP_WINDOW },
  state: PurchaseOrder['purchaseOrderState'] = 'New',
): PurchaseOrder {
  return purchaseOrderSchema.parse({
    purchaseOrderNumber: 'PO000001',
    purchaseOrderState: state,
    orderDetails: {
      purchaseOrderDate: '2026-12-01T08:00:00Z',
      purchaseOrderStateChangedDate: '2026-12-01T08:00:00Z',
      sellingParty: { partyId: 'ACMEDE' },
      ...details,
      items,
    },
  });
}

function decide(
  items: OrderItem[],
  opts: {
    stock?: Record<string, number>;
    rules?: AcknowledgementRulesInput;
    details?: Record<string, unknown>;
  } = {},
): PurchaseOrderDecision {
  return decidePurchaseOrder({
    order: purchaseOrder(items, opts.details),
    marketplace: 'DE',
    vendorCode: 'ACMEDE',
    catalog,
    stock: new Map(Object.entries(opts.stock ?? { PAN: 120, LID: 100, BIG: 1000 })),
    rules: validateRules(opts.rules ?? {}),
    now: NOW,
  });
}

const only = (decision: PurchaseOrderDecision): LineDecision => {
  expect(decision.lines).toHaveLength(1);
  return decision.lines[0]!;
};
const decidedLine = (decision: PurchaseOrderDecision, i = 0): DecidedLine => {
  const l = decision.lines[i]!;
  expect(l.outcome, l.reason).toBe('decided');
  return l as DecidedLine;
};
const reviewLine = (decision: PurchaseOrderDecision, i = 0): ReviewLine => {
  const l = decision.lines[i]!;
  expect(l.outcome, l.reason).toBe('review');
  return l as ReviewLine;
};
const eaches = (amount: number) => ({ amount, unitOfMeasure: 'Eaches' as const, unitSize: 1 });
const codes = (l: DecidedLine) =>
  l.itemAcknowledgements.map((p) => [p.acknowledgementCode, p.acknowledgedQuantity.amount]);

describe('the acknowledgement rules configuration', () => {
  it('fills every default from an empty object', () => {
    // Act
    const rules = validateRules({});

    // Assess
    expect(rules).toEqual({
      costTolerance: { absolute: {} },
      onCostMismatch: 'review',
      onUnknownItem: 'review',
      onDiscontinued: 'reject',
      onMissingStock: 'review',
      shortage: {
        backorder: true,
        maxBackorderLeadTimeDays: 14,
        partialAcceptance: true,
        otherwise: 'reject',
      },
      transitDays: 2,
      defaultSafetyStock: 0,
      reviewHoldsStock: true,
      skus: {},
    });
    expect(DEFAULT_ACKNOWLEDGEMENT_RULES).toEqual(rules);
  });

  it('keeps tolerances written as numbers or strings as decimal strings', () => {
    // Act
    const rules = validateRules({ costTolerance: { absolute: { EUR: 0.05, JPY: '5' }, percent: 2.5 } });

    // Assess
    expect(rules.costTolerance).toEqual({ absolute: { EUR: '0.05', JPY: '5' }, percent: '2.5' });
  });

  it.each([
    [
      { costTolerance: { percent: 150 } },
      'costTolerance.percent',
      '150 % is more than 100 %: every cost would match',
    ],
    [{ costTolerance: { percent: -1 } }, 'costTolerance.percent', 'a tolerance cannot be below zero'],
    [
      { costTolerance: { absolute: { EUR: '-0.05' } } },
      'costTolerance.absolute.EUR',
      'a tolerance cannot be below zero',
    ],
    [
      { costTolerance: { absolute: { EUR: '5 cents' } } },
      'costTolerance.absolute.EUR',
      '"5 cents" is not a decimal number',
    ],
    [
      { costTolerance: { absolute: { euro: '1' } } },
      'costTolerance.absolute.euro',
      'is not a currency code such as "EUR"',
    ],
    [
      { shortage: { maxBackorderLeadTimeDays: -1 } },
      'shortage.maxBackorderLeadTimeDays',
      'the backorder lead time cannot be below zero',
    ],
    [{ reviewAboveQuantity: -5 }, 'reviewAboveQuantity', 'the review threshold cannot be below zero'],
    [{ defaultSafetyStock: -2 }, 'defaultSafetyStock', 'a safety stock cannot be below zero'],
    [{ transitDays: 1.5 }, 'transitDays', 'a whole number'],
    [
      { skus: { PAN: { alwaysAccept: true, neverAccept: true } } },
      'skus.PAN.neverAccept',
      'SKU PAN cannot be both alwaysAccept and neverAccept: choose one',
    ],
    [
      { skus: { PAN: { neverAccept: true, alwaysReview: true } } },
      'skus.PAN.alwaysReview',
      'SKU PAN cannot be both neverAccept and alwaysReview: choose one',
    ],
    [{ skus: { PAN: { safetyStock: -1 } } }, 'skus.PAN.safetyStock', 'a safety stock cannot be below zero'],
    [{ skus: { PAN: { leadTimeDays: -1 } } }, 'skus.PAN.leadTimeDays', 'a lead time cannot be below zero'],
    [{ skus: { PAN: { maxOrderQuantity: 0 } } }, 'skus.PAN.maxOrderQuantity', 'use alwaysReview'],
    [{ onCostMismatch: 'ignore' }, 'onCostMismatch', 'Invalid option'],
    [{ costTolerence: {} }, '(root)', 'Unrecognized key'],
  ])('refuses %j with the path of the field', (input, path, message) => {
    // Act
    let error: unknown;
    try {
      validateRules(input);
    } catch (e) {
      error = e;
    }

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).issues;
    expect(issues.map((i) => i.path)).toContain(path);
    expect(issues.find((i) => i.path === path)?.message).toContain(message);
  });

  it('reports contradictions through the schema too, so acorn.config.json fails at synth with the path', () => {
    // Act
    const result = acknowledgementRulesSchema.safeParse({
      skus: { PAN: { alwaysAccept: true, neverAccept: true } },
    });

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['skus', 'PAN', 'neverAccept']);
  });
});

describe('deciding lines from stock', () => {
  it('accepts a line in full when enough is available, shipping at the window start', () => {
    // Act
    const decision = decide([line('1', PAN, 40)]);

    // Assess
    const l = decidedLine(decision);
    expect(l).toMatchObject({ sku: 'PAN', ruleId: 'stock.available', allocated: 40 });
    expect(l.reason).toBe('Accepted 40 of 40: 120 available to promise');
    expect(l.itemAcknowledgements).toEqual([
      {
        acknowledgementCode: 'Accepted',
        acknowledgedQuantity: eaches(40),
        scheduledShipDate: '2026-12-03T07:00:00Z',
      },
    ]);
    expect(decision.complete).toBe(true);
    expect(decision.remainingStock.get('PAN')).toBe(80);
  });

  it('accepts what is available and backorders the rest when the line allows it, dated by the lead time', () => {
    // Act
    const l = decidedLine(decide([line('1', PAN, 40)], { stock: { PAN: 25 } }));

    // Assess
    expect(l.ruleId).toBe('stock.backorder');
    expect(l.reason).toBe(
      'Accepted 25, backordered 15 of 40: only 25 available to promise; lead time 6 days → ships 2026-12-07',
    );
    expect(l.itemAcknowledgements).toEqual([
      {
        acknowledgementCode: 'Accepted',
        acknowledgedQuantity: eaches(25),
        scheduledShipDate: '2026-12-03T07:00:00Z',
      },
      {
        acknowledgementCode: 'Backordered',
        acknowledgedQuantity: eaches(15),
        scheduledShipDate: '2026-12-07T09:00:00Z',
      },
    ]);
    expect(l.allocated).toBe(25);
  });

  it('dates accepted and backordered parts by delivery when the PO has a delivery window', () => {
    // Act
    const l = decidedLine(
      decide([line('1', PAN, 40)], {
        stock: { PAN: 25 },
        details: { deliveryWindow: '2026-12-04T07:00:00Z--2026-12-10T07:00:00Z' },
      }),
    );

    // Assess
    expect(l.itemAcknowledgements).toEqual([
      {
        acknowledgementCode: 'Accepted',
        acknowledgedQuantity: eaches(25),
        scheduledDeliveryDate: '2026-12-04T07:00:00Z',
      },
      // ready 2026-12-07 09:00 + 2 transit days
      {
        acknowledgementCode: 'Backordered',
        acknowledgedQuantity: eaches(15),
        scheduledDeliveryDate: '2026-12-09T09:00:00Z',
      },
    ]);
    expect(l.reason).toContain('lead time 6 days → arrives 2026-12-09');
  });

  it('accepts what is available and rejects the rest when the line does not allow backorders', () => {
    // Act
    const l = decidedLine(
      decide([line('1', PAN, 40, { isBackOrderAllowed: false })], { stock: { PAN: 25 } }),
    );

    // Assess
    expect(l.ruleId).toBe('stock.partial');
    expect(codes(l)).toEqual([
      ['Accepted', 25],
      ['Rejected', 15],
    ]);
    expect(l.itemAcknowledgements[1]?.rejectionReason).toBe('TemporarilyUnavailable');
    expect(l.reason).toBe(
      'Accepted 25, rejected 15 of 40 (TemporarilyUnavailable): only 25 available to promise; the PO line does not allow backorders',
    );
  });

  it('backorders the whole line when partial acceptance is off', () => {
    // Act
    const l = decidedLine(
      decide([line('1', PAN, 40)], { stock: { PAN: 25 }, rules: { shortage: { partialAcceptance: false } } }),
    );

    // Assess
    expect(codes(l)).toEqual([['Backordered', 40]]);
    expect(l.reason).toBe(
      'Backordered 40 of 40: only 25 available to promise and partial acceptance is off; lead time 6 days → ships 2026-12-07',
    );
    expect(l.allocated).toBe(25);
  });

  it('rejects the whole line when neither a backorder nor a partial acceptance applies', () => {
    // Act
    const l = decidedLine(
      decide([line('1', PAN, 40, { isBackOrderAllowed: false })], {
        stock: { PAN: 25 },
        rules: { shortage: { partialAcceptance: false } },
      }),
    );

    // Assess
    expect(l.ruleId).toBe('stock.unavailable');
    expect(l.itemAcknowledgements).toEqual([
      {
        acknowledgementCode: 'Rejected',
        acknowledgedQuantity: eaches(40),
        rejectionReason: 'TemporarilyUnavailable',
      },
    ]);
    expect(l.allocated).toBe(0);
    expect(l.reason).toBe(
      'Rejected 40 (TemporarilyUnavailable): only 25 available to promise, partial acceptance is off; the PO line does not allow backorders',
    );
  });

  it('rejects a line with nothing available when backorders are switched off', () => {
    // Act
    const l = decidedLine(
      decide([line('1', PAN, 40)], { stock: { PAN: 0 }, rules: { shortage: { backorder: false } } }),
    );

    // Assess
    expect(codes(l)).toEqual([['Rejected', 40]]);
    expect(l.reason).toContain('nothing available to promise; backorders are switched off');
  });

  it('does not backorder when the lead time is above the limit', () => {
    // Act
    const l = decidedLine(decide([lid('1', 40)], { stock: { LID: 10 } }));

    // Assess
    expect(codes(l)).toEqual([
      ['Accepted', 10],
      ['Rejected', 30],
    ]);
    expect(l.reason).toContain('lead time 20 days is above the 14-day backorder limit');
  });

  it('sends a shortage to review when told to, holding what is available', () => {
    // Act
    const decision = decide([line('1', PAN, 40, { isBackOrderAllowed: false })], {
      stock: { PAN: 25 },
      rules: { shortage: { partialAcceptance: false, otherwise: 'review' } },
    });

    // Assess
    const l = reviewLine(decision);
    expect(l.ruleId).toBe('stock.unavailable');
    expect(l.allocated).toBe(25);
    expect(decision.remainingStock.get('PAN')).toBe(0);
    expect(decision.complete).toBe(false);
  });

  it('counts cases in eaches: accepts whole cases only and acknowledges in the line’s unit', () => {
    // Prepare
    const cases = line('1', PAN, 10, {
      orderedQuantity: { amount: 10, unitOfMeasure: 'Cases', unitSize: 6 },
    });

    // Act
    const decision = decide([cases], { stock: { PAN: 25 } });

    // Assess
    const l = decidedLine(decision);
    expect(l.itemAcknowledgements.map((p) => p.acknowledgedQuantity)).toEqual([
      { amount: 4, unitOfMeasure: 'Cases', unitSize: 6 },
      { amount: 6, unitOfMeasure: 'Cases', unitSize: 6 },
    ]);
    expect(l.reason).toBe(
      'Accepted 4, backordered 6 of 10 cases of 6: only 25 eaches available to promise; lead time 6 days → ships 2026-12-07',
    );
    expect(l.allocated).toBe(24);
    expect(decision.remainingStock.get('PAN')).toBe(1);
  });

  it('keeps the safety stock back from Amazon', () => {
    // Act
    const decision = decide([line('1', PAN, 40)], {
      stock: { PAN: 45 },
      rules: { skus: { PAN: { safetyStock: 10 } } },
    });

    // Assess
    const l = decidedLine(decision);
    expect(codes(l)).toEqual([
      ['Accepted', 35],
      ['Backordered', 5],
    ]);
    expect(l.reason).toContain('only 35 available to promise after 10 safety stock');
    expect(decision.remainingStock.get('PAN')).toBe(10);
  });

  it('allocates stock line by line so two lines never share the same eaches', () => {
    // Act
    const decision = decide([line('1', PAN, 80), line('2', PAN, 80, { isBackOrderAllowed: false })]);

    // Assess
    expect(codes(decidedLine(decision, 0))).toEqual([['Accepted', 80]]);
    expect(codes(decidedLine(decision, 1))).toEqual([
      ['Accepted', 40],
      ['Rejected', 40],
    ]);
    expect(decision.allocations).toEqual(new Map([['PAN', 120]]));
    expect(decision.remainingStock.get('PAN')).toBe(0);
  });

  it('carries what is left to the next PO through remainingStock, without touching the caller’s map', () => {
    // Prepare
    const stock = new Map([['PAN', 50]]);
    const input = {
      marketplace: 'DE',
      vendorCode: 'ACMEDE',
      catalog,
      rules: DEFAULT_ACKNOWLEDGEMENT_RULES,
      now: NOW,
    };

    // Act
    const first = decidePurchaseOrder({ ...input, order: purchaseOrder([line('1', PAN, 30)]), stock });
    const second = decidePurchaseOrder({
      ...input,
      order: purchaseOrder([line('1', PAN, 30, { isBackOrderAllowed: false })]),
      stock: first.remainingStock,
    });

    // Assess
    expect(codes(decidedLine(second))).toEqual([
      ['Accepted', 20],
      ['Rejected', 10],
    ]);
    expect(second.remainingStock.get('PAN')).toBe(0);
    expect(stock.get('PAN')).toBe(50);
  });

  it('keeps every remainingStock as it was when later POs take more, over many chained POs', () => {
    // Prepare
    const input = {
      marketplace: 'DE',
      vendorCode: 'ACMEDE',
      catalog,
      rules: DEFAULT_ACKNOWLEDGEMENT_RULES,
      now: NOW,
    };
    const start = new Map([
      ['PAN', 1000],
      ['LID', 7],
    ]);
    const snapshots: ReadonlyMap<string, number>[] = [];

    // Act
    let stock: ReadonlyMap<string, number> = start;
    for (let k = 0; k < 40; k++) {
      stock = decidePurchaseOrder({
        ...input,
        order: purchaseOrder([line('1', PAN, 10)]),
        stock,
      }).remainingStock;
      snapshots.push(stock);
    }

    // Assess
    snapshots.forEach((snapshot, k) => {
      expect(snapshot.get('PAN')).toBe(1000 - 10 * (k + 1));
      expect(new Map(snapshot)).toEqual(
        new Map([
          ['PAN', 1000 - 10 * (k + 1)],
          ['LID', 7],
        ]),
      );
      expect([snapshot.size, snapshot.has('LID'), snapshot.has('NOPE')]).toEqual([2, true, false]);
    });
    expect(start.get('PAN')).toBe(1000);
  });

  it('treats a negative (oversold) stock position as nothing available', () => {
    // Act
    const decision = decide([line('1', PAN, 5, { isBackOrderAllowed: false })], { stock: { PAN: -3 } });

    // Assess
    expect(codes(decidedLine(decision))).toEqual([['Rejected', 5]]);
    expect(decision.remainingStock.get('PAN')).toBe(-3);
  });

  it('sends a SKU without a stock position to review, or counts it as zero when told to', () => {
    // Act
    const reviewed = decide([line('1', PAN, 5)], { stock: {} });
    const zero = decide([line('1', PAN, 5, { isBackOrderAllowed: false })], {
      stock: {},
      rules: { onMissingStock: 'zero' },
    });

    // Assess
    expect(reviewLine(reviewed)).toMatchObject({
      ruleId: 'stock.missing',
      reason: 'Review: there is no stock position for SKU PAN',
    });
    expect(codes(decidedLine(zero))).toEqual([['Rejected', 5]]);
    expect(zero.remainingStock.has('PAN')).toBe(false);
  });

  it('acknowledges a line Amazon cancelled (ordered 0) as a zero rejection', () => {
    // Act
    const l = decidedLine(decide([line('1', PAN, 0)]));

    // Assess
    expect(l.ruleId).toBe('line.cancelled');
    expect(l.itemAcknowledgements).toEqual([
      {
        acknowledgementCode: 'Rejected',
        acknowledgedQuantity: eaches(0),
        rejectionReason: 'TemporarilyUnavailable',
      },
    ]);
  });

  it('sends a line whose quantity cannot be read to review', () => {
    // Act
    const noAmount = decide([line('1', PAN, 1, { orderedQuantity: { unitOfMeasure: 'Eaches' } })]);
    const noCaseSize = decide([
      line('1', PAN, 1, { orderedQuantity: { amount: 1, unitOfMeasure: 'Cases' } }),
    ]);

    // Assess
    expect(reviewLine(noAmount).ruleId).toBe('line.unreadable-quantity');
    expect(reviewLine(noCaseSize).reason).toBe('Review: the line is ordered in cases but has no case size');
  });
});

describe('deciding lines from the catalogue', () => {
  it('sends an unknown product to review by default, naming its identifiers', () => {
    // Act
    const l = only(decide([line('1', '4000000000000', 5, { amazonProductIdentifier: 'B0UNKNOWN1' })]));

    // Assess
    expect(l).toMatchObject({
      outcome: 'review',
      ruleId: 'item.unknown',
      reason: 'Review: product 4000000000000 / ASIN B0UNKNOWN1 is not in the catalogue',
    });
  });

  it('rejects an unknown product as InvalidProductIdentifier when told to', () => {
    // Act
    const l = decidedLine(decide([line('1', '4000000000000', 5)], { rules: { onUnknownItem: 'reject' } }));

    // Assess
    expect(l.itemAcknowledgements).toEqual([
      {
        acknowledgementCode: 'Rejected',
        acknowledgedQuantity: eaches(5),
        rejectionReason: 'InvalidProductIdentifier',
      },
    ]);
  });

  it('sends a line whose EAN and ASIN name different SKUs, or a SKU not sold in the marketplace, to review', () => {
    // Act
    const ambiguous = decide([line('1', PAN, 5, { amazonProductIdentifier: 'B0D1Z9RT5P' })]);
    const elsewhere = decidePurchaseOrder({
      order: purchaseOrder([lid('1', 5)]),
      marketplace: 'FR',
      vendorCode: 'ACMEDE',
      catalog,
      stock: new Map(),
      rules: DEFAULT_ACKNOWLEDGEMENT_RULES,
      now: NOW,
    });

    // Assess
    expect(reviewLine(ambiguous)).toMatchObject({
      ruleId: 'item.ambiguous',
      reason: expect.stringContaining('matches SKUs PAN, LID'),
    });
    expect(reviewLine(elsewhere)).toMatchObject({
      ruleId: 'item.not-in-marketplace',
      reason: 'Review: SKU LID is not listed for FR (only DE)',
    });
  });

  it('rejects a discontinued product as ObsoleteProduct, or sends it to review when told to', () => {
    // Act
    const rejected = decidedLine(
      decide([line('1', OLD, 5, { netCost: { amount: '41.10', currencyCode: 'EUR' } })]),
    );
    const reviewed = reviewLine(decide([line('1', OLD, 5)], { rules: { onDiscontinued: 'review' } }));

    // Assess
    expect(rejected).toMatchObject({
      ruleId: 'item.discontinued',
      reason: 'Rejected 5 (ObsoleteProduct): SKU OLD is discontinued',
    });
    expect(rejected.itemAcknowledgements[0]?.rejectionReason).toBe('ObsoleteProduct');
    expect(reviewed.ruleId).toBe('item.discontinued');
  });

  it('rejects every line of a SKU set to never accept, whatever the stock', () => {
    // Act
    const l = decidedLine(decide([line('1', PAN, 5)], { rules: { skus: { PAN: { neverAccept: true } } } }));

    // Assess
    expect(l).toMatchObject({ ruleId: 'sku.never-accept', allocated: 0 });
    expect(l.itemAcknowledgements[0]).toMatchObject({
      acknowledgementCode: 'Rejected',
      rejectionReason: 'TemporarilyUnavailable',
    });
  });

  it('sends every line of a SKU set to always review to a person, with a proposal and the stock held', () => {
    // Act
    const decision = decide([line('1', PAN, 40)], { rules: { skus: { PAN: { alwaysReview: true } } } });

    // Assess
    const l = reviewLine(decision);
    expect(l.ruleId).toBe('sku.always-review');
    expect(l.reason).toBe(
      'Review: SKU PAN is set to always review. If approved: Accepted 40 of 40: 120 available to promise',
    );
    expect(l.proposal?.map((p) => [p.acknowledgementCode, p.acknowledgedQuantity.amount])).toEqual([
      ['Accepted', 40],
    ]);
    expect(l.allocated).toBe(40);
    expect(decision.remainingStock.get('PAN')).toBe(80);
  });

  it('does not hold stock for a review when reviewHoldsStock is off', () => {
    // Act
    const decision = decide([line('1', PAN, 40)], {
      rules: { reviewHoldsStock: false, skus: { PAN: { alwaysReview: true } } },
    });

    // Assess
    expect(reviewLine(decision).allocated).toBe(0);
    expect(decision.remainingStock.get('PAN')).toBe(120);
  });

  it('accepts every line of a SKU set to always accept without a stock check', () => {
    // Act
    const decision = decide([line('1', PAN, 40)], {
      stock: { PAN: 10 },
      rules: { skus: { PAN: { alwaysAccept: true } } },
    });

    // Assess
    const l = decidedLine(decision);
    expect(codes(l)).toEqual([['Accepted', 40]]);
    expect(l.reason).toBe('Accepted 40 of 40: SKU PAN is always accepted (stock not checked)');
    expect(decision.remainingStock.get('PAN')).toBe(0);
  });

  it('sends a quantity above the SKU’s maximum or the global threshold to review', () => {
    // Act
    const aboveCatalogMax = reviewLine(decide([line('1', BIG, 101)]));
    const aboveSkuOverride = reviewLine(
      decide([line('1', PAN, 31)], { rules: { skus: { PAN: { maxOrderQuantity: 30 } } } }),
    );
    const aboveThreshold = reviewLine(decide([line('1', PAN, 60)], { rules: { reviewAboveQuantity: 50 } }));
    const atMax = decidedLine(decide([line('1', BIG, 100)]));

    // Assess
    expect(aboveCatalogMax).toMatchObject({ ruleId: 'quantity.above-sku-max' });
    expect(aboveCatalogMax.reason).toContain('101 eaches ordered, above the maximum of 100 for SKU BIG');
    expect(aboveSkuOverride.ruleId).toBe('quantity.above-sku-max');
    expect(aboveThreshold.reason).toContain('60 eaches ordered, above the review threshold of 50');
    expect(atMax.ruleId).toBe('stock.available');
  });
});

describe('checking the net cost', () => {
  const at = (amount: string, currencyCode = 'EUR') => ({ netCost: { amount, currencyCode } });

  it('accepts a cost within the tolerance', () => {
    // Act
    const l = decidedLine(
      decide([line('1', PAN, 40, at('12.10'))], { rules: { costTolerance: { percent: 2 } } }),
    );

    // Assess
    expect(l.ruleId).toBe('stock.available');
  });

  it('sends a cost outside the tolerance to review, saying by how much', () => {
    // Act
    const l = reviewLine(
      decide([line('1', PAN, 40, at('12.40'))], { rules: { costTolerance: { percent: 2 } } }),
    );

    // Assess
    expect(l.ruleId).toBe('cost.mismatch');
    expect(l.reason).toBe(
      'Review: net cost 12.40 EUR differs from expected 11.90 EUR by 4.2 % (tolerance 2 %). If approved: Accepted 40 of 40: 120 available to promise',
    );
  });

  it('names both tolerances, or none, in the reason', () => {
    // Act
    const both = reviewLine(
      decide([line('1', PAN, 1, at('12.40'))], {
        rules: { costTolerance: { absolute: { EUR: '0.05' }, percent: 2 } },
      }),
    );
    const none = reviewLine(decide([line('1', PAN, 1, at('11.91'))]));

    // Assess
    expect(both.reason).toContain('(tolerance 0.05 EUR or 2 %)');
    expect(none.reason).toContain('by 0.1 % (no tolerance)');
  });

  it('rejects a cost mismatch when told to, but still reviews a line another rule flags', () => {
    // Act
    const rejected = decidedLine(
      decide([line('1', PAN, 40, at('12.40'))], { rules: { onCostMismatch: 'reject' } }),
    );
    const reviewed = reviewLine(
      decide([line('1', PAN, 40, at('12.40'))], {
        rules: { onCostMismatch: 'reject', reviewAboveQuantity: 10 },
      }),
    );

    // Assess
    expect(rejected).toMatchObject({ ruleId: 'cost.mismatch', allocated: 0 });
    expect(rejected.itemAcknowledgements[0]).toMatchObject({
      acknowledgementCode: 'Rejected',
      rejectionReason: 'TemporarilyUnavailable',
    });
    expect(reviewed.ruleId).toBe('quantity.above-threshold');
  });

  it('lists every reason to review, the first naming the rule', () => {
    // Act
    const l = reviewLine(decide([line('1', PAN, 60, at('12.40'))], { rules: { reviewAboveQuantity: 50 } }));

    // Assess
    expect(l.ruleId).toBe('quantity.above-threshold');
    expect(l.reason).toMatch(
      /^Review: 60 eaches ordered, above the review threshold of 50; net cost 12.40 EUR differs/,
    );
  });

  it.each([
    ['no net cost', { netCost: undefined }, 'cost.missing', 'the PO line has no net cost'],
    ['a zero net cost', at('0.00'), 'cost.missing', 'the net cost 0.00 EUR is not above zero'],
    [
      'another currency',
      at('12.40', 'USD'),
      'cost.currency',
      'the net cost is in USD, the catalogue expects EUR',
    ],
    [
      'a price by weight',
      { netCost: { amount: '11.90', currencyCode: 'EUR', unitOfMeasure: 'KILOGRAMS' as const } },
      'cost.by-weight',
      'the line is priced per KILOGRAMS',
    ],
  ])('sends a line with %s to review', (_name, overrides, ruleId, reason) => {
    // Act
    const l = reviewLine(decide([line('1', PAN, 5, overrides as Partial<OrderItem>)]));

    // Assess
    expect(l.ruleId).toBe(ruleId);
    expect(l.reason).toContain(reason);
  });
});

describe('deciding a PO the schema did not check', () => {
  it('sends a line whose net cost cannot be read to review instead of failing the PO', () => {
    // Prepare: the PO schema refuses such an amount; the rules do not rely on it.
    const order: PurchaseOrder = {
      ...purchaseOrder([line('1', PAN, 5)]),
    };
    order.orderDetails!.items[0]!.netCost = { amount: '12,40', currencyCode: 'EUR' };

    // Act
    const decision = decidePurchaseOrder({
      order,
      marketplace: 'DE',
      vendorCode: 'ACMEDE',
      catalog,
      stock: new Map([['PAN', 10]]),
      rules: DEFAULT_ACKNOWLEDGEMENT_RULES,
      now: NOW,
    });

    // Assess
    expect(reviewLine(decision)).toMatchObject({
      ruleId: 'cost.missing',
      reason: expect.stringContaining('the net cost "12,40" cannot be read'),
    });
  });
});

describe('deciding a whole PO', () => {
  it('refuses a closed PO, a PO without details and a PO for another vendor code', () => {
    // Prepare
    const base = {
      marketplace: 'DE',
      catalog,
      stock: new Map(),
      rules: DEFAULT_ACKNOWLEDGEMENT_RULES,
      now: NOW,
    };

    // Act / Assess
    expect(() =>
      decidePurchaseOrder({
        ...base,
        vendorCode: 'ACMEDE',
        order: purchaseOrder([line('1', PAN, 1)], {}, 'Closed'),
      }),
    ).toThrow(PurchaseOrderNotDecidableError);
    expect(() =>
      decidePurchaseOrder({
        ...base,
        vendorCode: 'ACMEDE',
        order: { purchaseOrderNumber: 'PO000001', purchaseOrderState: 'New' },
      }),
    ).toThrow('has no details');
    expect(() =>
      decidePurchaseOrder({ ...base, vendorCode: 'ACMEUK', order: purchaseOrder([line('1', PAN, 1)]) }),
    ).toThrow('PO PO000001 is for vendor code ACMEDE, not ACMEUK');
  });

  it('keeps the PO’s line order and reports whether every line is decided', () => {
    // Act
    const decision = decide([line('3', PAN, 1), line('1', '4000000000000', 1), lid('2', 1)]);

    // Assess
    expect(decision.lines.map((l) => [l.itemSequenceNumber, l.outcome])).toEqual([
      ['3', 'decided'],
      ['1', 'review'],
      ['2', 'decided'],
    ]);
    expect(decision.complete).toBe(false);
    expect(decision.decidedAt).toBe('2026-12-01T09:00:00.000Z');
  });
});

describe('invariants over generated purchase orders', () => {
  const anchor = Date.parse('2026-11-30T08:00:00Z');
  const generator = new PurchaseOrderGenerator({
    seed: 11,
    anchor,
    backlog: 300,
    perHour: 0,
    vendors: [{ vendorCode: 'ACMEDE', marketplaces: ['DE', 'FR'] }],
  });
  const generated = generator.createdBetween(anchor - BACKLOG_SPAN_MS, anchor);
  // The catalogue knows most products at the PO's cost; some are discontinued, some unknown, some cost more.
  const entries = new Map<string, CatalogEntry>();
  let n = 0;
  for (const po of generated) {
    for (const item of po.order.orderDetails!.items) {
      const key = `${item.vendorProductIdentifier}|${po.marketplace}`;
      // Products whose EAN ends in a multiple of 13 are unknown to the catalogue.
      if (entries.has(key) || Number(item.vendorProductIdentifier!.slice(-2)) % 13 === 0) continue;
      n++;
      entries.set(key, {
        sku: `SKU-${item.vendorProductIdentifier}`,
        asin: item.amazonProductIdentifier!,
        ean: item.vendorProductIdentifier!,
        marketplace: po.marketplace,
        expectedNetCost: n % 23 === 0 ? '0.01' : item.netCost!.amount!,
        currency: item.netCost!.currencyCode!,
        status: n % 29 === 0 ? 'discontinued' : 'active',
        leadTimeDays: n % 20,
      });
    }
  }
  const bigCatalog = CatalogIndex.build(entries.values());
  const initial = new Map<string, number>();
  let i = 0;
  for (const e of entries.values()) initial.set(e.sku, (i++ * 37) % 90);
  const rules = validateRules({
    costTolerance: { percent: 1 },
    defaultSafetyStock: 2,
    onMissingStock: 'zero',
  });
  const orders = generated.map((g) => ({ order: g.order, marketplace: g.marketplace, vendorCode: 'ACMEDE' }));
  const batch = decidePurchaseOrders({
    orders,
    catalog: bigCatalog,
    stock: initial,
    rules,
    now: new Date(anchor),
  });

  it('decides every line of every PO, in order, with acknowledgements Amazon accepts', () => {
    // Act
    const problems: string[] = [];
    batch.decisions.forEach((decision, k) => {
      const items = orders[k]!.order.orderDetails!.items;
      expect(decision.lines.map((l) => l.itemSequenceNumber)).toEqual(
        items.map((it) => it.itemSequenceNumber),
      );
      decision.lines.forEach((l, j) => {
        if (l.outcome !== 'decided') return;
        for (const p of checkLineAcknowledgement(items[j]!, l.itemAcknowledgements)) problems.push(p.message);
      });
    });

    // Assess
    expect(batch.decisions.flatMap((d) => d.lines).length).toBeGreaterThan(1000);
    expect(problems).toEqual([]);
  });

  it('never promises more than was available after safety stock, per SKU over all POs', () => {
    // Act
    const taken = new Map<string, number>();
    for (const d of batch.decisions)
      for (const [sku, e] of d.allocations) taken.set(sku, (taken.get(sku) ?? 0) + e);

    // Assess
    for (const [sku, e] of taken) {
      expect(e, sku).toBeLessThanOrEqual(Math.max(0, (initial.get(sku) ?? 0) - 2));
      expect(batch.remainingStock.get(sku), sku).toBe((initial.get(sku) ?? 0) - e);
    }
    const outcomes = new Set(batch.decisions.flatMap((d) => d.lines.map((l) => l.ruleId)));
    expect([...outcomes].sort()).toEqual(
      expect.arrayContaining([
        'item.discontinued',
        'item.unknown',
        'cost.mismatch',
        'stock.available',
        'stock.backorder',
        'stock.partial',
      ]),
    );
  });

  it('gives the same decisions as chaining single POs through remainingStock', () => {
    // Act
    let stock: ReadonlyMap<string, number> = initial;
    const chained = orders.map((o) => {
      const d = decidePurchaseOrder({ ...o, catalog: bigCatalog, stock, rules, now: new Date(anchor) });
      stock = d.remainingStock;
      const { remainingStock: _ignored, ...rest } = d;
      return rest;
    });

    // Assess
    expect(chained).toEqual(batch.decisions);
    expect(new Map(stock)).toEqual(batch.remainingStock);
  });
});

describe('validating an operator’s decision', () => {
  const poDate = '2026-12-01T08:00:00Z';
  const soon = { purchaseOrderDate: poDate, now: new Date('2026-12-01T12:00:00Z') };
  const late = { purchaseOrderDate: poDate, now: new Date('2026-12-03T09:00:00Z') };
  const item = line('1', PAN, 40);
  const part = (
    acknowledgementCode: OrderItemAcknowledgement['acknowledgementCode'],
    amount: number,
    extra: Partial<OrderItemAcknowledgement> = {},
  ): OrderItemAcknowledgement => ({ acknowledgementCode, acknowledgedQuantity: eaches(amount), ...extra });
  const problemCodes = (check: ReturnType<typeof validateManualDecision>) =>
    check.ok ? [] : check.problems.map((p) => p.code);

  it('accepts a partial acceptance with a dated backorder', () => {
    // Act
    const check = validateManualDecision(
      item,
      undefined,
      [part('Accepted', 30), part('Backordered', 10, { scheduledShipDate: '2026-12-09T00:00:00Z' })],
      soon,
    );

    // Assess
    expect(check).toEqual({ ok: true });
  });

  it('refuses more than was ordered', () => {
    // Act
    const check = validateManualDecision(
      item,
      undefined,
      [part('Accepted', 30), part('Rejected', 11, { rejectionReason: 'TemporarilyUnavailable' })],
      soon,
    );

    // Assess
    expect(check).toEqual({
      ok: false,
      problems: [{ code: 'above-ordered', message: 'Line 1: 41 acknowledged in total, but only 40 ordered' }],
    });
  });

  it('refuses to accept a line that was rejected', () => {
    // Act
    const check = validateManualDecision(
      item,
      { itemAcknowledgements: [part('Rejected', 40, { rejectionReason: 'TemporarilyUnavailable' })] },
      [part('Accepted', 40)],
      soon,
    );

    // Assess
    expect(problemCodes(check)).toEqual(['rejected-line']);
  });

  it('after 48 hours lets only the dates change', () => {
    // Prepare
    const current = {
      itemAcknowledgements: [
        part('Accepted', 30),
        part('Backordered', 10, { scheduledShipDate: '2026-12-09T00:00:00Z' }),
      ],
    };

    // Act
    const newDates = validateManualDecision(
      item,
      current,
      [part('Backordered', 10, { scheduledShipDate: '2026-12-12T00:00:00Z' }), part('Accepted', 30)],
      late,
    );
    const newQuantities = validateManualDecision(item, current, [part('Accepted', 40)], late);
    const neverAcknowledged = validateManualDecision(item, undefined, [part('Accepted', 40)], late);

    // Assess
    expect(newDates).toEqual({ ok: true });
    expect(problemCodes(newQuantities)).toEqual(['correction-window-closed']);
    expect(problemCodes(neverAcknowledged)).toEqual(['correction-window-closed']);
  });

  it.each([
    ['nothing', [], 'empty'],
    ['a fraction', [part('Accepted', 1.5)], 'whole-quantity'],
    ['a zero part', [part('Accepted', 0)], 'zero-quantity'],
    [
      'another unit',
      [
        {
          acknowledgementCode: 'Accepted' as const,
          acknowledgedQuantity: { amount: 4, unitOfMeasure: 'Cases' as const, unitSize: 10 },
        },
      ],
      'unit-mismatch',
    ],
    ['the same code twice', [part('Accepted', 10), part('Accepted', 10)], 'duplicate-code'],
    ['a backorder without a date', [part('Backordered', 10)], 'backorder-without-date'],
    ['a rejection without a reason', [part('Rejected', 10)], 'missing-rejection-reason'],
    [
      'a reason on an acceptance',
      [part('Accepted', 10, { rejectionReason: 'ObsoleteProduct' })],
      'reason-without-rejection',
    ],
  ])('refuses %s', (_name, requested, code) => {
    // Act
    const check = validateManualDecision(item, undefined, requested as OrderItemAcknowledgement[], soon);

    // Assess
    expect(problemCodes(check)).toEqual([code]);
  });

  it('refuses a backorder on a line that does not allow one, and an acceptance without a net cost', () => {
    // Act
    const backorder = validateManualDecision(
      line('1', PAN, 40, { isBackOrderAllowed: false }),
      undefined,
      [part('Backordered', 40, { scheduledShipDate: '2026-12-09T00:00:00Z' })],
      soon,
    );
    const noCost = validateManualDecision(
      line('1', PAN, 40, { netCost: undefined }),
      undefined,
      [part('Accepted', 40)],
      soon,
    );

    // Assess
    expect(problemCodes(backorder)).toEqual(['backorder-not-allowed']);
    expect(problemCodes(noCost)).toEqual(['missing-net-cost']);
  });
});
