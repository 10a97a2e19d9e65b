import { describe, expect, it } from 'vitest';
import { InvoiceValidationError, NothingToInvoiceError } from '#shared/domain/invoices/errors.ts';
import {
  buildInvoicePayload,
  type InvoiceInput,
  percentOf,
} from '#shared/domain/invoices/invoice-payload.ts';
import { MARKETPLACE_RULES } from '#shared/domain/invoices/marketplace-rules.ts';
import { gapsOf } from '#shared/domain/invoices/numbering.ts';
import { validateInvoice } from '#shared/domain/invoices/validate-invoice.ts';
import { parseMoney } from '#shared/domain/money.ts';
import type { Invoice } from '#shared/sp-api/schemas/invoices.ts';
import { makeInvoiceWorld, REMIT_TO, SHIP_FROM, sandboxOrders } from '../support/invoice-fakes.ts';

const NOW = new Date('2026-12-10T12:00:00Z');
const DE = MARKETPLACE_RULES.DE!;

function germanInput(): InvoiceInput {
  return {
    invoiceType: 'Invoice',
    invoiceNumber: 'ACME-INV-000001',
    invoiceDate: '2026-12-10T10:00:00Z',
    currency: 'EUR',
    remitTo: {
      partyId: 'ACMEREMIT',
      address: REMIT_TO.address,
      taxRegistrations: [{ type: 'VAT', number: 'DE123456789' }],
    },
    billTo: {
      partyId: 'AMAZON_DE',
      address: {
        name: 'Amazon EU S.a r.l., Niederlassung Deutschland',
        addressLine1: 'Marcel-Breuer-Strasse 12',
        city: 'Muenchen',
        postalCode: '80807',
        countryCode: 'DE',
      },
      taxRegistrations: [{ type: 'VAT', number: 'DE999999901' }],
    },
    shipTo: { partyId: 'DUS2' },
    shipFrom: SHIP_FROM,
    lines: [
      {
        itemSequenceNumber: 1,
        purchaseOrderNumber: '4Z32PABC',
        amazonProductIdentifier: 'B000000001',
        quantity: { amount: 3, unitOfMeasure: 'Cases', unitSize: 6 },
        netCost: '12.35',
        taxRate: '19',
      },
      {
        itemSequenceNumber: 2,
        purchaseOrderNumber: '4Z32PABC',
        vendorProductIdentifier: '4006381333931',
        quantity: { amount: 7, unitOfMeasure: 'Eaches', unitSize: 1 },
        netCost: '4.99',
        taxRate: '7',
      },
    ],
  };
}

const valid = (): Invoice => buildInvoicePayload(germanInput(), DE).payload;
const rulesOf = (payload: unknown, extra: Partial<Parameters<typeof validateInvoice>[1]> = {}) =>
  validateInvoice(payload, { marketplace: 'DE', now: NOW, ...extra }).map((i) => `${i.rule} @ ${i.path}`);

describe('the invoice payload', () => {
  it('computes line and header tax per rate and a total that adds up', () => {
    // Act
    const { payload, totals } = buildInvoicePayload(germanInput(), DE);

    // Assess: 18 × 12.35 = 222.30 (+42.24 at 19 %), 7 × 4.99 = 34.93 (+2.45 at 7 %)
    expect(payload.items?.map((i) => i.taxDetails?.[0]?.taxAmount.amount)).toEqual(['42.24', '2.45']);
    expect(payload.taxDetails?.map((t) => [t.taxRate, t.taxableAmount?.amount, t.taxAmount.amount])).toEqual([
      ['19', '222.30', '42.24'],
      ['7', '34.93', '2.45'],
    ]);
    expect(payload.invoiceTotal).toEqual({ currencyCode: 'EUR', amount: '301.92' });
    expect(totals.net.units).toBe(25723n);
    expect(rulesOf(payload)).toEqual([]);
  });

  it('rounds tax half up in the currency minor unit, yen included', () => {
    expect(percentOf(parseMoney('0.05', 'EUR'), '19').units).toBe(1n); // 0.0095 → 0.01
    expect(percentOf(parseMoney('1234', 'JPY'), '8').units).toBe(99n); // 98.72 → 99
    expect(percentOf(parseMoney('10.50', 'EUR'), '5.5').units).toBe(58n); // 0.5775 → 0.58
  });
});

describe('validation names the field and the rule of every refusal', () => {
  const cases: {
    name: string;
    change: (p: Invoice) => unknown;
    rule: string;
    context?: Partial<Parameters<typeof validateInvoice>[1]>;
  }[] = [
    {
      name: 'a payload outside the official model',
      change: (p) => ({ ...p, invoiceType: 'Invoic' }),
      rule: 'model.vendorInvoices @ invoiceType',
    },
    {
      name: 'a date in the future',
      change: (p) => ({ ...p, date: '2027-01-01T00:00:00Z' }),
      rule: 'date.notFuture @ date',
    },
    {
      name: 'a missing supplier VAT number',
      change: (p) => ({ ...p, remitToParty: { ...p.remitToParty, taxRegistrationDetails: undefined } }),
      rule: 'taxRegistration.supplier.required @ remitToParty.taxRegistrationDetails',
    },
    {
      name: 'a VAT number of the wrong shape',
      change: (p) => ({
        ...p,
        remitToParty: {
          ...p.remitToParty,
          taxRegistrationDetails: [{ taxRegistrationType: 'VAT', taxRegistrationNumber: 'DE12' }],
        },
      }),
      rule: 'taxRegistration.supplier.format @ remitToParty.taxRegistrationDetails[0].taxRegistrationNumber',
    },
    {
      name: 'a missing Amazon VAT number',
      change: (p) => ({ ...p, billToParty: { ...p.billToParty!, taxRegistrationDetails: undefined } }),
      rule: 'taxRegistration.buyer.required @ billToParty.taxRegistrationDetails',
    },
    {
      name: 'a missing ship-from party',
      change: (p) => ({ ...p, shipFromParty: undefined }),
      rule: 'parties.required @ shipFromParty',
    },
    {
      name: 'an incomplete bill-to address',
      change: (p) => ({
        ...p,
        billToParty: { ...p.billToParty!, address: { ...p.billToParty!.address!, city: undefined } },
      }),
      rule: 'parties.address @ billToParty.address.city',
    },
    {
      name: 'a line without PO number',
      change: (p) => ({
        ...p,
        items: p.items!.map((i, n) => (n === 0 ? { ...i, purchaseOrderNumber: undefined } : i)),
      }),
      rule: 'items.purchaseOrderNumber @ items[0].purchaseOrderNumber',
    },
    {
      name: 'a line without product id',
      change: (p) => ({
        ...p,
        items: p.items!.map((i, n) => (n === 1 ? { ...i, vendorProductIdentifier: undefined } : i)),
      }),
      rule: 'items.productIdentifier @ items[1]',
    },
    {
      name: 'a duplicate item sequence number',
      change: (p) => ({ ...p, items: p.items!.map((i) => ({ ...i, itemSequenceNumber: 1 })) }),
      rule: 'items.sequenceUnique @ items[1].itemSequenceNumber',
    },
    {
      name: 'a net cost of zero',
      change: (p) => ({
        ...p,
        items: p.items!.map((i, n) =>
          n === 1 ? { ...i, netCost: { currencyCode: 'EUR', amount: '0' } } : i,
        ),
      }),
      rule: 'items.netCostPositive @ items[1].netCost.amount',
    },
    {
      name: 'a line in another currency',
      change: (p) => ({
        ...p,
        items: p.items!.map((i, n) =>
          n === 0 ? { ...i, netCost: { currencyCode: 'USD', amount: '12.35' } } : i,
        ),
      }),
      rule: 'currency.marketplace @ items[0].netCost.currencyCode',
    },
    {
      name: 'a line tax that is not rate × net',
      change: (p) => ({
        ...p,
        items: p.items!.map((i, n) =>
          n === 0
            ? {
                ...i,
                taxDetails: [{ ...i.taxDetails![0]!, taxAmount: { currencyCode: 'EUR', amount: '42.25' } }],
              }
            : i,
        ),
      }),
      rule: 'tax.lineAmount @ items[0].taxDetails[0].taxAmount.amount',
    },
    {
      name: 'a rate Germany does not have',
      change: (p) => ({
        ...p,
        items: p.items!.map((i, n) =>
          n === 1 ? { ...i, taxDetails: [{ ...i.taxDetails![0]!, taxRate: '8' }] } : i,
        ),
      }),
      rule: 'tax.rateAllowed @ items[1].taxDetails[0].taxRate',
    },
    {
      name: 'a line without tax',
      change: (p) => ({
        ...p,
        items: p.items!.map((i, n) => (n === 1 ? { ...i, taxDetails: undefined } : i)),
      }),
      rule: 'tax.detailsRequired @ items[1].taxDetails',
    },
    {
      name: "a header tax that differs from the lines'",
      change: (p) => ({
        ...p,
        taxDetails: p.taxDetails!.map((t, n) =>
          n === 0 ? { ...t, taxAmount: { currencyCode: 'EUR', amount: '40.00' } } : t,
        ),
      }),
      rule: 'totals.headerTax @ taxDetails[0].taxAmount.amount',
    },
    {
      name: 'a total that does not add up',
      change: (p) => ({ ...p, invoiceTotal: { currencyCode: 'EUR', amount: '301.93' } }),
      rule: 'totals.invoiceTotal @ invoiceTotal.amount',
    },
    {
      name: 'a credit note line without reference',
      change: (p) => ({ ...p, invoiceType: 'CreditNote' }),
      rule: 'items.creditNoteDetails @ items[0].creditNoteDetails',
    },
    {
      name: 'a date before the PO',
      change: (p) => p,
      rule: 'date.notBeforePurchaseOrder @ date',
      context: { purchaseOrderDates: { '4Z32PABC': '2026-12-10T11:00:00Z' } },
    },
    {
      name: 'a cost other than the acknowledged one',
      change: (p) => p,
      rule: 'items.netCostAcknowledged @ items[0].netCost.amount',
      context: {
        acknowledgedCosts: [
          { purchaseOrderNumber: '4Z32PABC', amazonProductIdentifier: 'B000000001', netCost: '12.00' },
          { purchaseOrderNumber: '4Z32PABC', vendorProductIdentifier: '4006381333931', netCost: '4.99' },
        ],
      },
    },
    {
      name: 'a PO cost changed after acknowledgement',
      change: (p) => p,
      rule: 'items.costChangedAfterAcknowledgement @ items[0].netCost.amount',
      context: {
        acknowledgedCosts: [
          {
            purchaseOrderNumber: '4Z32PABC',
            amazonProductIdentifier: 'B000000001',
            netCost: '12.35',
            currentNetCost: '12.90',
          },
          { purchaseOrderNumber: '4Z32PABC', vendorProductIdentifier: '4006381333931', netCost: '4.99' },
        ],
      },
    },
  ];

  for (const c of cases) {
    it(`refuses ${c.name}`, () => {
      // Act
      const found = rulesOf(c.change(valid()), c.context);

      // Assess
      expect(found).toContain(c.rule);
    });
  }

  it('refuses a credit note where Amazon takes none through the API (US)', () => {
    const us = buildInvoicePayload(
      {
        ...germanInput(),
        currency: 'USD',
        invoiceType: 'CreditNote',
        lines: germanInput().lines.map((l) => ({
          ...l,
          taxRate: undefined,
          creditNoteDetails: { referenceInvoiceNumber: 'ACME-INV-000001' },
        })),
      },
      MARKETPLACE_RULES.US!,
    ).payload;
    expect(validateInvoice(us, { marketplace: 'US', now: NOW }).map((i) => i.rule)).toContain(
      'invoiceType.creditNoteAccepted',
    );
  });

  it('accepts a credit note with its references where Amazon takes them (DE)', () => {
    const note = buildInvoicePayload(
      {
        ...germanInput(),
        invoiceType: 'CreditNote',
        invoiceNumber: 'ACME-CN-000001',
        lines: germanInput().lines.map((l) => ({
          ...l,
          creditNoteDetails: { referenceInvoiceNumber: 'ACME-INV-000001' },
        })),
      },
      DE,
    ).payload;
    expect(note.items?.[0]?.purchaseOrderNumber).toBeUndefined();
    expect(rulesOf(note)).toEqual([]);
  });

  it("refuses a Japanese invoice without the issuer's T-number, and one of the wrong shape", () => {
    const jp = MARKETPLACE_RULES.JP!;
    const input: InvoiceInput = {
      ...germanInput(),
      currency: 'JPY',
      lines: germanInput().lines.map((l) => ({ ...l, netCost: '1200', taxRate: '10' })),
    };
    const missing = buildInvoicePayload(
      { ...input, remitTo: { ...input.remitTo, taxRegistrations: [] } },
      jp,
    ).payload;
    const wrong = buildInvoicePayload(
      { ...input, remitTo: { ...input.remitTo, taxRegistrations: [{ type: 'VAT', number: 'T12345' }] } },
      jp,
    ).payload;
    expect(validateInvoice(missing, { marketplace: 'JP', now: NOW }).map((i) => i.rule)).toContain(
      'taxRegistration.supplier.required',
    );
    expect(
      validateInvoice(wrong, { marketplace: 'JP', now: NOW })
        .map((i) => i.message)
        .join(),
    ).toContain('T followed by 13 digits');
  });

  it('refuses a Polish invoice without the split-payment marker', () => {
    const pl = buildInvoicePayload(
      {
        ...germanInput(),
        currency: 'PLN',
        remitTo: { ...germanInput().remitTo, taxRegistrations: [{ type: 'VAT', number: 'PL1234567890' }] },
        lines: germanInput().lines.map((l) => ({ ...l, taxRate: '23' })),
      },
      MARKETPLACE_RULES.PL!,
    ).payload;
    expect(
      validateInvoice({ ...pl, additionalDetails: undefined }, { marketplace: 'PL', now: NOW }).map(
        (i) => `${i.rule} @ ${i.path}`,
      ),
    ).toContain('additionalDetails.required @ additionalDetails');
  });

  it('refuses a marketplace with no row in the table', () => {
    expect(validateInvoice(valid(), { marketplace: 'AU', now: NOW })[0]?.rule).toBe('marketplace.known');
  });
});

describe('bad input to the invoicing use case', () => {
  const actor = { type: 'system' as const, id: 'test' };

  it('refuses a missing tax registration, naming the field, without reserving a number', async () => {
    // Prepare: the supplier holds no Spanish VAT number
    const world = makeInvoiceWorld({
      vendors: [{ vendorCode: 'ACME01', spApiAccount: 'eu', marketplaces: ['ES'], invoicing: 'live' }],
    });
    Object.assign(world.deps, {
      settings: {
        ...world.deps.settings,
        remitTo: {
          ...REMIT_TO,
          taxRegistrations: REMIT_TO.taxRegistrations.filter((r) => r.country !== 'ES'),
        },
      },
    });
    const { makeIssueInvoices } = await import('#shared/use-cases/invoices/issue-invoices.ts');
    const issue = makeIssueInvoices(world.deps);
    const [order] = sandboxOrders('ES');
    world.shipAll(order!, 'ACME01');

    // Act
    const error = await issue({ purchaseOrderNumbers: [order!.purchaseOrderNumber], actor }).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(InvoiceValidationError);
    expect((error as InvoiceValidationError).invoiceIssues.map((i) => `${i.rule} @ ${i.path}`)).toContain(
      'taxRegistration.supplier.required @ remitToParty.taxRegistrationDetails',
    );
    expect(world.series.slots.size).toBe(0);
    expect(world.sender.sent).toEqual([]);
    expect(world.events.published).toEqual([
      expect.objectContaining({
        detailType: 'InvoiceFailed',
        detail: expect.objectContaining({ stage: 'validation' }),
      }),
    ]);
  });

  it('refuses a PO with no accepted lines', async () => {
    const world = makeInvoiceWorld();
    const [order] = sandboxOrders('DE', 'ACMEDE');
    world.shipAll(order!, 'ACMEDE');
    const status = world.statuses.get(order!.purchaseOrderNumber)!;
    world.statuses.set(order!.purchaseOrderNumber, {
      ...status,
      itemStatus: status.itemStatus.map((s) => ({
        ...s,
        acknowledgementStatus: { confirmationStatus: 'REJECTED', acceptedQuantity: { amount: 0 } },
      })),
    });

    const error = await world
      .issue({ purchaseOrderNumbers: [order!.purchaseOrderNumber], actor })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NothingToInvoiceError);
    expect((error as NothingToInvoiceError).message).toContain('has no accepted lines');
    expect(world.series.slots.size).toBe(0);
  });

  it('refuses a cost changed after acknowledgement, naming the line', async () => {
    const world = makeInvoiceWorld();
    const [order] = sandboxOrders('DE', 'ACMEDE');
    world.shipAll(order!, 'ACMEDE');
    const first = order!.orderDetails!.items[0]!;
    Object.assign(world.deps, {
      acknowledgements: {
        get: async () => ({
          purchaseOrderNumber: order!.purchaseOrderNumber,
          marketplace: 'DE',
          state: 'accepted',
          lines: order!.orderDetails!.items.map((i) => ({
            itemSequenceNumber: i.itemSequenceNumber,
            itemAcknowledgements: [
              { acknowledgementCode: 'Accepted', acknowledgedQuantity: { amount: i.orderedQuantity.amount } },
            ],
          })),
        }),
      },
      acknowledgedCosts: async () =>
        new Map(
          order!.orderDetails!.items.map((i) => [
            i.itemSequenceNumber,
            i === first ? '0.01' : (i.netCost?.amount ?? '1'),
          ]),
        ),
    });
    const { makeIssueInvoices } = await import('#shared/use-cases/invoices/issue-invoices.ts');

    const error = await makeIssueInvoices(world.deps)({
      purchaseOrderNumbers: [order!.purchaseOrderNumber],
      actor,
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvoiceValidationError);
    expect((error as InvoiceValidationError).invoiceIssues.map((i) => `${i.rule} @ ${i.path}`)).toContain(
      'items.costChangedAfterAcknowledgement @ items[0].netCost.amount',
    );
  });

  it('voids the number of an invoice that failed after reservation, and never reuses it', async () => {
    // Prepare
    const world = makeInvoiceWorld();
    const orders = sandboxOrders('DE', 'ACMEDE', 2);
    for (const o of orders) world.shipAll(o, 'ACMEDE');
    world.invoices.failCreate = 1;

    // Act
    const failed = await world
      .issue({ purchaseOrderNumbers: [orders[0]!.purchaseOrderNumber], actor })
      .catch((e: unknown) => e);
    const retried = await world.issue({ purchaseOrderNumbers: [orders[0]!.purchaseOrderNumber], actor });

    // Assess
    expect(failed).toBeInstanceOf(Error);
    const slots = [...world.series.slots.values()].sort((a, b) => a.sequence - b.sequence);
    expect(slots.map((s) => [s.invoiceNumber, s.state])).toEqual([
      ['ACME-INV-000001', 'void'],
      ['ACME-INV-000002', 'issued'],
    ]);
    expect(slots[0]!.reason).toContain('table unavailable');
    expect(retried[0]!.invoiceNumber).toBe('ACME-INV-000002');
    expect(gapsOf(slots)).toEqual([]);
    expect(world.audit.actions()).toContain('invoiceNumber.voided');
  });

  it('voids the number on a collision and issues the next one', async () => {
    // Prepare: an invoice already holds the next number (e.g. typed in by hand elsewhere)
    const world = makeInvoiceWorld();
    const [order] = sandboxOrders('DE', 'ACMEDE', 1);
    world.shipAll(order!, 'ACMEDE');
    const first = await world.issue({ purchaseOrderNumbers: [order!.purchaseOrderNumber], actor });
    const taken = world.invoices.items.get(first[0]!.invoiceNumber)!;
    world.invoices.items.set('ACME-INV-000002', { ...taken, invoiceNumber: 'ACME-INV-000002' });
    const [other] = sandboxOrders('DE', 'ACMEDE', 2).slice(1);
    world.shipAll(other!, 'ACMEDE');

    // Act
    const issued = await world.issue({ purchaseOrderNumbers: [other!.purchaseOrderNumber], actor });

    // Assess
    expect(issued[0]!.invoiceNumber).toBe('ACME-INV-000003');
    const slot2 = [...world.series.slots.values()].find((s) => s.sequence === 2)!;
    expect(slot2.state).toBe('void');
    expect(slot2.reason).toContain('InvoiceNumberCollisionError');
  });

  it('bills a PO shipment once: a second request finds nothing to invoice', async () => {
    const world = makeInvoiceWorld();
    const [order] = sandboxOrders('DE', 'ACMEDE', 1);
    world.shipAll(order!, 'ACMEDE');
    await world.issue({ purchaseOrderNumbers: [order!.purchaseOrderNumber], actor });

    const again = await world
      .issue({ purchaseOrderNumbers: [order!.purchaseOrderNumber], actor })
      .catch((e: unknown) => e);

    expect(again).toBeInstanceOf(NothingToInvoiceError);
    expect(world.sender.sent).toHaveLength(1);
  });

  it('archives but never sends the invoices of a vendor code in parallel run, in their own series', async () => {
    const world = makeInvoiceWorld({
      vendors: [
        { vendorCode: 'ACMEDE', spApiAccount: 'eu', marketplaces: ['DE'], invoicing: 'parallel-run' },
      ],
    });
    const [order] = sandboxOrders('DE', 'ACMEDE', 1);
    world.shipAll(order!, 'ACMEDE');

    const [issued] = await world.issue({ purchaseOrderNumbers: [order!.purchaseOrderNumber], actor });

    expect(issued!.state).toBe('parallel-run');
    expect(issued!.invoiceNumber).toBe('ACME-PR-000001');
    expect(world.sender.sent).toEqual([]);
    expect(world.outboxStore.items.size).toBe(0);
    const keys = [...world.documents.documents.keys()];
    expect(keys.some((k) => k.endsWith('ACME-PR-000001.json'))).toBe(true);
    expect(keys.some((k) => k.endsWith('ACME-PR-000001.pdf'))).toBe(true);
  });
});
