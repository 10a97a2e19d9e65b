import { describe, expect, it } from 'vitest';
import { checkAcknowledgements } from '#local/amazon-sandbox/business-rules.ts';
import { BACKLOG_SPAN_MS, PurchaseOrderGenerator } from '#local/amazon-sandbox/generator.ts';
import { PurchaseOrderBook } from '#local/amazon-sandbox/purchase-orders.ts';
import { SandboxState } from '#local/amazon-sandbox/state.ts';
import {
  buildAcknowledgement,
  buildAcknowledgementRequest,
} from '#shared/domain/purchase-orders/acknowledgement-payload.ts';
import {
  decidePurchaseOrder,
  decidePurchaseOrders,
} from '#shared/domain/purchase-orders/acknowledgement-rules.ts';
import { type CatalogEntry, CatalogIndex } from '#shared/domain/purchase-orders/catalog.ts';
import { InvalidAcknowledgementError } from '#shared/domain/purchase-orders/errors.ts';
import { validateRules } from '#shared/domain/purchase-orders/rules-config.ts';
import {
  type OrderItemAcknowledgement,
  type PurchaseOrder,
  purchaseOrderSchema,
  submitAcknowledgementRequestSchema,
} from '#shared/sp-api/schemas/orders.ts';
import { spApiFixture } from '../support/fixtures.ts';
import { officialModels } from '../support/official-models.ts';

/** The PO fixture: line 1 in eaches, line 2 in cases of 6, line 3 cancelled (ordered 0). */
const fixturePo = (): PurchaseOrder => purchaseOrderSchema.parse(spApiFixture('purchase-order'));
/** The hand-written acknowledgement of that PO. */
const fixtureAck = () => submitAcknowledgementRequestSchema.parse(spApiFixture('acknowledgement-request'));

const catalog = CatalogIndex.build([
  {
    sku: 'PAN',
    ean: '4006381333931',
    marketplace: 'DE',
    expectedNetCost: '12.45',
    currency: 'EUR',
    status: 'active',
    leadTimeDays: 6,
  },
  {
    sku: 'LID',
    ean: '4006381540308',
    marketplace: 'DE',
    expectedNetCost: '3.80',
    currency: 'EUR',
    status: 'active',
    leadTimeDays: 4,
  },
  {
    sku: 'OLD',
    ean: '4311501664205',
    marketplace: 'DE',
    expectedNetCost: '41.10',
    currency: 'EUR',
    status: 'active',
    leadTimeDays: 4,
  },
]);
const NOW = new Date('2026-11-23T14:02:11Z');

function decideFixture() {
  return decidePurchaseOrder({
    order: fixturePo(),
    marketplace: 'DE',
    vendorCode: 'ACMEDE',
    catalog,
    stock: new Map([
      ['PAN', 100],
      ['LID', 40],
    ]),
    rules: validateRules({}),
    now: NOW,
  });
}

const accepted = (amount: number): OrderItemAcknowledgement => ({
  acknowledgementCode: 'Accepted',
  acknowledgedQuantity: { amount, unitOfMeasure: 'Eaches', unitSize: 1 },
});

function buildError(build: () => unknown): InvalidAcknowledgementError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidAcknowledgementError);
    return error as InvalidAcknowledgementError;
  }
  throw new Error('expected the build to fail');
}

describe('building the acknowledgement of a PO', () => {
  it('builds from the rules’ decision a payload the strict schema and Amazon’s model accept', () => {
    // Prepare
    const decision = decideFixture();

    // Act
    const ack = buildAcknowledgement({
      order: fixturePo(),
      decisions: decision.lines,
      sellingParty: { partyId: 'ACMEDE' },
      acknowledgementDate: NOW,
    });
    const request = buildAcknowledgementRequest([ack]);

    // Assess
    expect(decision.complete).toBe(true);
    expect(submitAcknowledgementRequestSchema.safeParse(request).success).toBe(true);
    expect(officialModels().validate('vendorOrders', 'SubmitAcknowledgementRequest', request)).toEqual([]);
    expect(
      ack.items.map((i) =>
        i.itemAcknowledgements.map((p) => [p.acknowledgementCode, p.acknowledgedQuantity.amount]),
      ),
    ).toEqual([
      [['Accepted', 24]],
      [
        ['Accepted', 6],
        ['Backordered', 4],
      ],
      [['Rejected', 0]],
    ]);
  });

  it('reproduces the hand-written acknowledgement fixture byte for byte from its decisions', () => {
    // Prepare
    const expected = fixtureAck().acknowledgements[0]!;
    const decisions = expected.items.map((item) => ({
      itemSequenceNumber: item.itemSequenceNumber!,
      itemAcknowledgements: item.itemAcknowledgements,
    }));

    // Act
    const ack = buildAcknowledgement({
      order: fixturePo(),
      decisions,
      sellingParty: { partyId: 'ACMEDE' },
      acknowledgementDate: new Date('2026-11-23T14:02:11.000Z'),
    });

    // Assess
    expect(JSON.stringify(ack)).toBe(JSON.stringify(expected));
  });

  it('is deterministic: the same input, in any decision order, gives byte-identical JSON', () => {
    // Prepare
    const decision = decideFixture();
    const input = {
      order: fixturePo(),
      decisions: decision.lines,
      sellingParty: { partyId: 'ACMEDE' },
      acknowledgementDate: NOW,
    };

    // Act
    const first = JSON.stringify(buildAcknowledgementRequest([buildAcknowledgement(input)]));
    const again = JSON.stringify(buildAcknowledgementRequest([buildAcknowledgement(structuredClone(input))]));
    const reordered = JSON.stringify(
      buildAcknowledgementRequest([
        buildAcknowledgement({ ...input, decisions: [...decision.lines].reverse() }),
      ]),
    );

    // Assess
    expect(again).toBe(first);
    expect(reordered).toBe(first);
  });

  it('echoes identifiers, ordered quantity and net cost exactly as the PO wrote them, without fields Amazon added', () => {
    // Prepare
    const order = purchaseOrderSchema.parse({
      purchaseOrderNumber: 'PO000002',
      purchaseOrderState: 'New',
      orderDetails: {
        purchaseOrderDate: '2026-11-23T09:41:00Z',
        purchaseOrderStateChangedDate: '2026-11-23T09:41:00Z',
        items: [
          {
            itemSequenceNumber: '00010',
            vendorProductIdentifier: '0036000291452',
            orderedQuantity: { amount: 5, unitOfMeasure: 'Eaches', unitSize: 1, newAmazonField: true },
            isBackOrderAllowed: false,
            netCost: { amount: '12.450', currencyCode: 'EUR', somethingElse: 'x' },
            listPrice: { amount: '20.00', currencyCode: 'EUR' },
          },
        ],
      },
    });

    // Act
    const ack = buildAcknowledgement({
      order,
      decisions: [{ itemSequenceNumber: '00010', itemAcknowledgements: [accepted(5)] }],
      sellingParty: { partyId: 'ACMEDE' },
      acknowledgementDate: NOW,
    });

    // Assess
    expect(ack.items).toEqual([
      {
        itemSequenceNumber: '00010',
        vendorProductIdentifier: '0036000291452',
        orderedQuantity: { amount: 5, unitOfMeasure: 'Eaches', unitSize: 1 },
        netCost: { currencyCode: 'EUR', amount: '12.450' },
        itemAcknowledgements: [accepted(5)],
      },
    ]);
    expect(Object.keys(ack.items[0]!)).not.toContain('amazonProductIdentifier');
  });

  it('uses the decision’s net cost only when the PO line has none', () => {
    // Prepare
    const order = fixturePo();
    delete order.orderDetails!.items[0]!.netCost;
    const decisions = decideFixture().lines.map((l) =>
      l.itemSequenceNumber === '1'
        ? {
            itemSequenceNumber: '1',
            itemAcknowledgements: [accepted(24)],
            netCost: { amount: '12.45', currencyCode: 'EUR' },
          }
        : l,
    );

    // Act
    const ack = buildAcknowledgement({
      order,
      decisions,
      sellingParty: { partyId: 'ACMEDE' },
      acknowledgementDate: NOW,
    });

    // Assess
    expect(ack.items[0]?.netCost).toEqual({ currencyCode: 'EUR', amount: '12.45' });
  });

  it('refuses a PO with a line left out, since Amazon would take it as rejected', () => {
    // Prepare
    const decisions = decideFixture().lines.slice(0, 2);

    // Act
    const error = buildError(() =>
      buildAcknowledgement({
        order: fixturePo(),
        decisions,
        sellingParty: { partyId: 'ACMEDE' },
        acknowledgementDate: NOW,
      }),
    );

    // Assess
    expect(error.issues).toEqual([
      { path: 'items[3]', message: 'no decision: Amazon would take a missing line as rejected' },
    ]);
    expect(error.message).toBe(
      'Cannot acknowledge PO 4Z32PABC: items[3]: no decision: Amazon would take a missing line as rejected',
    );
  });

  it('refuses a line still in review, naming the reason', () => {
    // Prepare
    const decisions = [
      ...decideFixture().lines.slice(1),
      {
        outcome: 'review' as const,
        itemSequenceNumber: '1',
        reason: 'Review: SKU PAN is set to always review',
      },
    ];

    // Act
    const error = buildError(() =>
      buildAcknowledgement({
        order: fixturePo(),
        decisions,
        sellingParty: { partyId: 'ACMEDE' },
        acknowledgementDate: NOW,
      }),
    );

    // Assess
    expect(error.issues).toEqual([
      { path: 'items[1]', message: 'still waiting for review (Review: SKU PAN is set to always review)' },
    ]);
  });

  it('refuses a decision for no PO line, a line decided twice and quantities Amazon would refuse', () => {
    // Prepare
    const lines = decideFixture().lines;
    const decisions = [
      lines[0]!,
      { itemSequenceNumber: '1', itemAcknowledgements: [accepted(24)] },
      { itemSequenceNumber: '9', itemAcknowledgements: [accepted(1)] },
      {
        itemSequenceNumber: '2',
        itemAcknowledgements: [
          {
            acknowledgementCode: 'Accepted' as const,
            acknowledgedQuantity: { amount: 11, unitOfMeasure: 'Cases' as const, unitSize: 6 },
          },
        ],
      },
      lines[2]!,
    ];

    // Act
    const error = buildError(() =>
      buildAcknowledgement({
        order: fixturePo(),
        decisions,
        sellingParty: { partyId: 'ACMEDE' },
        acknowledgementDate: NOW,
      }),
    );

    // Assess
    expect(error.issues).toEqual([
      { path: 'items[1]', message: 'decided twice' },
      { path: 'items[9]', message: 'PO 4Z32PABC has no such line' },
      { path: 'items[2]', message: 'Line 2: 11 acknowledged in total, but only 10 ordered' },
    ]);
  });

  it('refuses a backorder on a line that does not allow one, and an acceptance without a net cost', () => {
    // Prepare
    const order = fixturePo();
    order.orderDetails!.items[0]!.isBackOrderAllowed = false;
    delete order.orderDetails!.items[1]!.netCost;
    const decisions = [
      {
        itemSequenceNumber: '1',
        itemAcknowledgements: [
          {
            acknowledgementCode: 'Backordered' as const,
            acknowledgedQuantity: { amount: 24, unitOfMeasure: 'Eaches' as const, unitSize: 1 },
            scheduledShipDate: '2026-12-08T10:00:00Z',
          },
        ],
      },
      {
        itemSequenceNumber: '2',
        itemAcknowledgements: [
          {
            acknowledgementCode: 'Accepted' as const,
            acknowledgedQuantity: { amount: 10, unitOfMeasure: 'Cases' as const, unitSize: 6 },
          },
        ],
      },
      decideFixture().lines[2]!,
    ];

    // Act
    const error = buildError(() =>
      buildAcknowledgement({
        order,
        decisions,
        sellingParty: { partyId: 'ACMEDE' },
        acknowledgementDate: NOW,
      }),
    );

    // Assess
    expect(error.issues.map((i) => i.message)).toEqual([
      'Line 1: this PO line does not allow backorders',
      'Line 2: the PO line has no net cost, which Amazon needs to accept it',
    ]);
  });

  it('refuses another vendor code, a closed PO and a PO without details', () => {
    // Prepare
    const decisions = decideFixture().lines;
    const closed = { ...fixturePo(), purchaseOrderState: 'Closed' as const };

    // Act
    const wrongSeller = buildError(() =>
      buildAcknowledgement({
        order: fixturePo(),
        decisions,
        sellingParty: { partyId: 'ACMEUK' },
        acknowledgementDate: NOW,
      }),
    );
    const closedPo = buildError(() =>
      buildAcknowledgement({
        order: closed,
        decisions,
        sellingParty: { partyId: 'ACMEDE' },
        acknowledgementDate: NOW,
      }),
    );
    const noDetails = buildError(() =>
      buildAcknowledgement({
        order: { purchaseOrderNumber: 'X', purchaseOrderState: 'New' },
        decisions,
        sellingParty: { partyId: 'ACMEDE' },
        acknowledgementDate: NOW,
      }),
    );

    // Assess
    expect(wrongSeller.issues).toEqual([
      { path: 'sellingParty.partyId', message: 'the PO was sent to ACMEDE, not ACMEUK' },
    ]);
    expect(closedPo.issues).toEqual([{ path: 'purchaseOrderState', message: 'the PO is closed' }]);
    expect(noDetails.issues).toEqual([
      { path: 'orderDetails', message: 'the PO has no details to acknowledge' },
    ]);
  });
});

describe('building the submitAcknowledgement request', () => {
  const ack = () =>
    buildAcknowledgement({
      order: fixturePo(),
      decisions: decideFixture().lines,
      sellingParty: { partyId: 'ACMEDE' },
      acknowledgementDate: NOW,
    });

  it('refuses an empty batch and two acknowledgements of one PO', () => {
    // Act
    const empty = buildError(() => buildAcknowledgementRequest([]));
    const twice = buildError(() => buildAcknowledgementRequest([ack(), ack()]));

    // Assess
    expect(empty.issues).toEqual([{ path: 'acknowledgements', message: 'nothing to submit' }]);
    expect(twice.issues).toEqual([
      { path: 'acknowledgements[1]', message: 'PO 4Z32PABC is already acknowledged at [0]' },
    ]);
  });

  it('refuses an acknowledgement the strict schema does not accept', () => {
    // Prepare
    const broken = { ...ack(), acknowledgementDate: 'yesterday' };

    // Act
    const error = buildError(() => buildAcknowledgementRequest([broken]));

    // Assess
    expect(error.issues[0]?.path).toBe('acknowledgements[0].acknowledgementDate');
  });
});

describe('acknowledgements against the Amazon sandbox’s business rules', () => {
  it('builds acknowledgements of generated POs that the sandbox accepts without an error', () => {
    // Prepare
    const anchor = Date.parse('2026-11-30T08:00:00Z');
    const config = {
      seed: 5,
      anchor,
      backlog: 120,
      perHour: 0,
      vendors: [
        { vendorCode: 'ACMEDE', marketplaces: ['DE', 'FR'] },
        { vendorCode: 'ACMEUS', marketplaces: ['US'] },
      ],
    };
    const generator = new PurchaseOrderGenerator(config);
    const book = new PurchaseOrderBook(generator, SandboxState.open({ seed: config.seed, anchor }));
    const now = anchor;
    const records = book.createdBetween(now - BACKLOG_SPAN_MS + 8 * 3_600_000, now, now);
    const views = records.map((r) => ({ record: r, order: book.view(r, now).order }));
    const entries = new Map<string, CatalogEntry>();
    for (const { record, order } of views) {
      for (const item of order.orderDetails!.items) {
        const key = `${item.vendorProductIdentifier}|${record.marketplace}`;
        if (Number(item.vendorProductIdentifier!.slice(-2)) % 11 === 0 || entries.has(key)) continue;
        entries.set(key, {
          sku: item.vendorProductIdentifier!,
          asin: item.amazonProductIdentifier!,
          ean: item.vendorProductIdentifier!,
          marketplace: record.marketplace!,
          expectedNetCost: item.netCost!.amount!,
          currency: item.netCost!.currencyCode!,
          status: entries.size % 9 === 0 ? 'discontinued' : 'active',
          leadTimeDays: entries.size % 12,
        });
      }
    }
    const stock = new Map([...entries.values()].map((e, i) => [e.sku, (i * 13) % 70]));
    const { decisions } = decidePurchaseOrders({
      orders: views.map(({ record, order }) => ({
        order,
        marketplace: record.marketplace!,
        vendorCode: record.vendorCode,
      })),
      catalog: CatalogIndex.build(entries.values()),
      stock,
      rules: validateRules({ onUnknownItem: 'reject' }),
      now: new Date(now),
    });

    // Act
    const acks = decisions.map((d, i) =>
      buildAcknowledgement({
        order: views[i]!.order,
        decisions: d.lines,
        sellingParty: { partyId: d.vendorCode },
        acknowledgementDate: new Date(now),
      }),
    );
    const request = buildAcknowledgementRequest(acks);
    const errors = checkAcknowledgements(request.acknowledgements, { book, now });

    // Assess
    expect(decisions.every((d) => d.complete)).toBe(true);
    expect(request.acknowledgements.length).toBeGreaterThan(50);
    expect(errors).toEqual([]);
    expect(officialModels().validate('vendorOrders', 'SubmitAcknowledgementRequest', request)).toEqual([]);
  });
});
