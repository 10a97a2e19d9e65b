import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CreditMemoRecord,
  computeDebitNoteMemo,
  computeReturnMemo,
  decidePolicy,
  type OriginalInvoice,
  type PoLine,
} from '#shared/domain/credit-memos/credit-memo.ts';
import {
  buildCreditNoteRequest,
  filingOf,
  renderMemoDocument,
} from '#shared/domain/credit-memos/credit-note.ts';
import type { ReturnReceivedDetail } from '#shared/domain/credit-memos/credit-request.ts';
import { validateInvoice } from '#shared/domain/invoices/validate-invoice.ts';
import { officialModels } from '../support/official-models.ts';

const detail: ReturnReceivedDetail = {
  vendorCode: 'ACMEDE',
  marketplace: 'DE',
  returnReference: 'RN-5521907',
  source: 'returns-export',
  returnDate: '2026-12-01T09:30:00.000Z',
  respondBy: '2026-12-04T09:30:00.000Z',
  currency: 'EUR',
  items: [{ asin: 'B0C4K7XQ2M', purchaseOrderNumber: '4Z32PABC', quantity: 2 }],
  debitNoteNumber: 'DN-DE-88213401',
};
const poLines: PoLine[] = [
  {
    itemSequenceNumber: '1',
    asin: 'B0C4K7XQ2M',
    vendorSku: '4006381333931',
    orderedQuantity: 10,
    netCost: { amount: '12.45', currency: 'EUR' },
  },
];
const invoice: OriginalInvoice = {
  invoiceNumber: 'ACME-DE-2026-004711',
  currency: 'EUR',
  purchaseOrderNumbers: ['4Z32PABC'],
  lines: [
    {
      purchaseOrderNumber: '4Z32PABC',
      amazonProductIdentifier: 'B0C4K7XQ2M',
      vendorProductIdentifier: '4006381333931',
      quantity: 10,
      netCost: '12.45',
      taxAmount: '23.66',
    },
  ],
};
const tax = { taxType: 'VAT' as const, rate: '19' };
const policy = { autoApproveBelow: { EUR: '100' } };

describe('credit memo lines and policy', () => {
  it('mirrors the invoice: its net cost and its tax per unit for the returned units', () => {
    const memo = computeReturnMemo({
      detail,
      orders: new Map([['4Z32PABC', poLines]]),
      invoices: new Map([['4Z32PABC', invoice]]),
      tax,
    });
    expect(memo.lines).toEqual([
      {
        itemSequenceNumber: 1,
        asin: 'B0C4K7XQ2M',
        purchaseOrderNumber: '4Z32PABC',
        quantity: 2,
        netCost: '12.45',
        taxAmount: '4.73',
        // The invoice was taxed at the standard 19 %: the line states the rate Amazon checks it by.
        taxRate: '19',
        lineNet: '24.90',
      },
    ]);
    expect(memo.totals).toEqual({ net: '24.90', tax: '4.73', total: '29.63' });
    expect(memo.referenceInvoiceNumber).toBe('ACME-DE-2026-004711');
    // An invoice taxed at another rate (7 %: 8.72 on 124.50) is mirrored per unit, with no rate claimed.
    const reduced = computeReturnMemo({
      detail,
      orders: new Map([['4Z32PABC', poLines]]),
      invoices: new Map([['4Z32PABC', { ...invoice, lines: [{ ...invoice.lines[0]!, taxAmount: '8.72' }] }]]),
      tax,
    });
    expect(reduced.lines[0]).toMatchObject({ taxAmount: '1.74', lineNet: '24.90' });
    expect(reduced.lines[0]?.taxRate).toBeUndefined();
    expect(decidePolicy(memo, 'EUR', policy)).toMatchObject({ decision: 'auto-approve' });
  });

  it('asks a person at or above the limit, without an invoice, or in a currency without a limit', () => {
    const big = computeReturnMemo({
      detail: { ...detail, items: [{ ...detail.items[0]!, quantity: 8 }] },
      orders: new Map([['4Z32PABC', poLines]]),
      invoices: new Map([['4Z32PABC', invoice]]),
      tax,
    });
    expect(decidePolicy(big, 'EUR', policy)).toMatchObject({
      decision: 'ask',
      reasons: [expect.stringMatching(/not below the auto-approval limit 100/)],
    });
    const noInvoice = computeReturnMemo({
      detail,
      orders: new Map([['4Z32PABC', poLines]]),
      invoices: new Map(),
      tax,
    });
    expect(noInvoice.totals).toEqual({ net: '24.90', tax: '4.73', total: '29.63' });
    expect(decidePolicy(noInvoice, 'EUR', policy)).toMatchObject({
      decision: 'ask',
      reasons: [expect.stringMatching(/no invoice found/)],
    });
    const small = computeReturnMemo({
      detail,
      orders: new Map([['4Z32PABC', poLines]]),
      invoices: new Map([['4Z32PABC', invoice]]),
      tax,
    });
    expect(decidePolicy(small, 'EUR', { autoApproveBelow: {} })).toMatchObject({ decision: 'ask' });
  });

  it('rejects a return for an unknown PO, an item not on the PO, or more than was invoiced', () => {
    const unknown = computeReturnMemo({
      detail,
      orders: new Map([['4Z32PABC', undefined]]),
      invoices: new Map(),
      tax,
    });
    expect(decidePolicy(unknown, 'EUR', policy)).toEqual({
      decision: 'reject',
      reasons: ['PO 4Z32PABC is unknown'],
    });
    const other = computeReturnMemo({
      detail: { ...detail, items: [{ asin: 'B000000000', purchaseOrderNumber: '4Z32PABC', quantity: 1 }] },
      orders: new Map([['4Z32PABC', poLines]]),
      invoices: new Map(),
      tax,
    });
    expect(decidePolicy(other, 'EUR', policy).reasons).toEqual(['B000000000 is not on PO 4Z32PABC']);
    const tooMany = computeReturnMemo({
      detail: { ...detail, items: [{ ...detail.items[0]!, quantity: 11 }] },
      orders: new Map([['4Z32PABC', poLines]]),
      invoices: new Map([['4Z32PABC', invoice]]),
      tax,
    });
    expect(decidePolicy(tooMany, 'EUR', policy).reasons).toEqual([
      'B0C4K7XQ2M: 11 returned but only 10 invoiced on PO 4Z32PABC',
    ]);
  });

  it('splits a debit note into net and tax at the invoice ratio, to the cent, and rejects an unknown invoice', () => {
    const base = {
      vendorCode: 'ACMEDE',
      marketplace: 'DE',
      debitNoteNumber: 'DN-1',
      source: 'api' as const,
      kind: 'price-claim' as const,
      currency: 'EUR',
      requestedAt: '2026-12-01T00:00:00Z',
      respondBy: '2026-12-04T00:00:00Z',
    };
    const memo = computeDebitNoteMemo({
      detail: { ...base, amount: '29.63', referenceInvoiceNumber: 'ACME-DE-2026-004711' },
      invoice,
      tax,
    });
    expect(memo.totals).toEqual({ net: '24.90', tax: '4.73', total: '29.63' });
    const unknown = computeDebitNoteMemo({
      detail: { ...base, amount: '10.00', referenceInvoiceNumber: 'NOPE' },
      invoice: undefined,
      tax,
    });
    expect(decidePolicy(unknown, 'EUR', policy)).toEqual({
      decision: 'reject',
      reasons: ['invoice NOPE is unknown'],
    });
    const over = computeDebitNoteMemo({
      detail: { ...base, amount: '999.00', referenceInvoiceNumber: 'ACME-DE-2026-004711' },
      invoice,
      tax,
    });
    expect(decidePolicy(over, 'EUR', policy).decision).toBe('reject');
  });
});

describe('credit note for the marketplace', () => {
  let models: ReturnType<typeof officialModels>;
  beforeAll(() => {
    models = officialModels();
  });

  const memo = (): CreditMemoRecord => {
    const computed = computeReturnMemo({
      detail,
      orders: new Map([['4Z32PABC', poLines]]),
      invoices: new Map([['4Z32PABC', invoice]]),
      tax,
    });
    return {
      memoId: 'RET-ACMEDE-RN-5521907',
      sourceKey: 'RETURN#ACMEDE#RN-5521907',
      request: { kind: 'return', detail },
      state: 'approved',
      revision: 3,
      createdAt: '2026-12-01T10:00:00.000Z',
      updatedAt: '2026-12-01T10:00:00.000Z',
      respondBy: detail.respondBy,
      lines: computed.lines,
      totals: computed.totals,
      referenceInvoiceNumber: 'ACME-DE-2026-004711',
    };
  };
  const remitTo = {
    partyId: 'ACMEREMIT',
    address: { name: 'Acme Housewares GmbH', addressLine1: 'Industriestrasse 12', countryCode: 'DE' },
    taxRegistrationDetails: [{ taxRegistrationType: 'VAT' as const, taxRegistrationNumber: 'DE123456789' }],
  };

  it('builds a returns credit note the official model accepts, with the references Amazon requires', () => {
    const body = buildCreditNoteRequest({
      memo: memo(),
      creditNoteNumber: 'ACMEDE-DE-CN-000001',
      date: '2026-12-01T10:00:00.000Z',
      remitTo,
      taxType: 'VAT',
    });
    expect(models.validate('vendorInvoices', 'SubmitInvoicesRequest', body)).toEqual([]);
    const note = body.invoices[0]!;
    expect(note).toMatchObject({
      invoiceType: 'CreditNote',
      id: 'ACMEDE-DE-CN-000001',
      invoiceTotal: { amount: '29.63', currencyCode: 'EUR' },
    });
    expect(note.items?.[0]?.creditNoteDetails).toEqual({
      referenceInvoiceNumber: 'ACME-DE-2026-004711',
      returnsReferenceNumber: 'RN-5521907',
      goodsReturnDate: '2026-12-01T09:30:00.000Z',
      debitNoteNumber: 'DN-DE-88213401',
    });
    expect(note.items?.[0]?.purchaseOrderNumber).toBeUndefined();
  });

  it('totals tax per rate in the header when the goods carry the standard and a reduced rate', () => {
    // A toaster at 19 % and a cookbook at 7 %: the header has one entry per rate, each its lines' sum.
    const mixed: CreditMemoRecord = {
      ...memo(),
      lines: [
        {
          itemSequenceNumber: 1,
          asin: 'B0C4K7XQ2M',
          quantity: 2,
          netCost: '12.45',
          lineNet: '24.90',
          taxAmount: '4.73',
        },
        {
          itemSequenceNumber: 2,
          asin: 'B0BOOK0007',
          quantity: 3,
          netCost: '10.00',
          lineNet: '30.00',
          taxAmount: '2.10',
        },
      ],
      totals: { net: '54.90', tax: '6.83', total: '61.73' },
    };
    const body = buildCreditNoteRequest({
      memo: mixed,
      creditNoteNumber: 'ACMEDE-DE-CN-000002',
      date: '2026-12-01T10:00:00.000Z',
      remitTo,
      taxType: 'VAT',
      taxRates: ['19', '7'],
    });
    expect(models.validate('vendorInvoices', 'SubmitInvoicesRequest', body)).toEqual([]);
    const note = body.invoices[0]!;
    expect(note.taxDetails).toEqual([
      {
        taxType: 'VAT',
        taxRate: '19',
        taxAmount: { amount: '4.73', currencyCode: 'EUR' },
        taxableAmount: { amount: '24.90', currencyCode: 'EUR' },
      },
      {
        taxType: 'VAT',
        taxRate: '7',
        taxAmount: { amount: '2.10', currencyCode: 'EUR' },
        taxableAmount: { amount: '30.00', currencyCode: 'EUR' },
      },
    ]);
    expect(note.items?.map((i) => i.taxDetails?.[0]?.taxRate)).toEqual(['19', '7']);
    // The tax and totals rules that guard every invoice before it is sent accept it (the parties
    // come from the PO in the workflow, not in this note).
    const issues = validateInvoice(note, { marketplace: 'DE', now: new Date('2026-12-01T11:00:00.000Z') });
    expect(issues.filter((i) => /^(tax|totals)\./.test(i.rule))).toEqual([]);
  });

  it('files through the API only where Amazon accepts credit notes', () => {
    expect(['DE', 'UK', 'FR', 'IT', 'ES', 'PL', 'SE', 'NL'].map(filingOf)).toEqual(Array(8).fill('api'));
    expect(['US', 'CA', 'MX', 'JP', 'AE', 'TR'].map(filingOf)).toEqual(Array(6).fill('vendor-central'));
  });

  it('renders the Vendor Central memo as HTML and CSV, escaping what came from outside', () => {
    const m = memo();
    const hostile: CreditMemoRecord = {
      ...m,
      request: { kind: 'return', detail: { ...detail, returnReference: '<script>x</script>' } },
    };
    const doc = renderMemoDocument(hostile, 'ACMEUS-US-CN-000001', '2026-12-01T10:00:00.000Z');
    expect(doc.html).toContain('Credit memo ACMEUS-US-CN-000001');
    expect(doc.html).not.toContain('<script>');
    expect(doc.csv.split('\n')[1]).toBe(
      'ACMEUS-US-CN-000001,ACMEDE,DE,Return <script>x</script>,ACME-DE-2026-004711,1,B0C4K7XQ2M,,4Z32PABC,2,12.45,4.73,24.90,EUR',
    );
  });
});
