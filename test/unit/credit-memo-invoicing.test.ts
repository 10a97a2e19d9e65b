import { extractText, getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '#shared/clock.ts';
import {
  type CreditMemoRecord,
  computeReturnMemo,
  type OriginalInvoice,
} from '#shared/domain/credit-memos/credit-memo.ts';
import { filingOf, memoTaxOf, renderMemoPdf } from '#shared/domain/credit-memos/credit-note.ts';
import type { ReturnReceivedDetail } from '#shared/domain/credit-memos/credit-request.ts';
import { MARKETPLACE_RULES } from '#shared/domain/invoices/marketplace-rules.ts';
import { CREDIT_NOTE_SERIES, gapsOf } from '#shared/domain/invoices/numbering.ts';
import { makeCreditMemoWorkflow } from '#shared/use-cases/credit-memos/workflow.ts';
import { fakeCreditMemoDeps } from '../support/credit-memo-fakes.ts';

/**
 * The credit-memo workflow on invoicing's pieces: credit-note numbers from the gap-free `CN`
 * series, the marketplace rules table, the business-rule validator and the PDF renderer.
 */

function memoFor(marketplace: 'US' | 'DE', currency: 'USD' | 'EUR'): CreditMemoRecord {
  const detail: ReturnReceivedDetail = {
    vendorCode: `ACME${marketplace}`,
    marketplace,
    returnReference: 'RN-5521907',
    source: 'returns-export',
    returnDate: '2026-12-01T09:30:00.000Z',
    respondBy: '2026-12-04T09:30:00.000Z',
    currency,
    items: [{ asin: 'B0C4K7XQ2M', purchaseOrderNumber: '4Z32PABC', quantity: 2 }],
  };
  const invoice: OriginalInvoice = {
    invoiceNumber: 'ACME-INV-004711',
    currency,
    purchaseOrderNumbers: ['4Z32PABC'],
    lines: [
      {
        purchaseOrderNumber: '4Z32PABC',
        amazonProductIdentifier: 'B0C4K7XQ2M',
        vendorProductIdentifier: '4006381333931',
        quantity: 10,
        netCost: '12.45',
        taxAmount: marketplace === 'DE' ? '23.66' : '0.00',
      },
    ],
  };
  const computed = computeReturnMemo({
    detail,
    orders: new Map([
      [
        '4Z32PABC',
        [
          {
            itemSequenceNumber: '1',
            asin: 'B0C4K7XQ2M',
            vendorSku: '4006381333931',
            orderedQuantity: 10,
            netCost: { amount: '12.45', currency },
          },
        ],
      ],
    ]),
    invoices: new Map([['4Z32PABC', invoice]]),
    tax: memoTaxOf(marketplace),
  });
  return {
    memoId: `RET-ACME${marketplace}-RN-5521907`,
    sourceKey: `RETURN#ACME${marketplace}#RN-5521907`,
    request: { kind: 'return', detail },
    state: 'approved',
    revision: 1,
    createdAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:00:00.000Z',
    respondBy: detail.respondBy,
    lines: computed.lines,
    totals: computed.totals,
    referenceInvoiceNumber: 'ACME-INV-004711',
  };
}

const remitTo = {
  partyId: 'ACMEREMIT',
  address: {
    name: 'Acme Housewares Inc.',
    addressLine1: '100 Main Street',
    city: 'Seattle',
    postalOrZipCode: '98101',
    countryCode: 'US',
  },
};

async function pdfText(pdf: Uint8Array): Promise<string> {
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true });
  return text;
}

function setup() {
  const clock = new ManualClock(new Date('2026-12-02T08:00:00.000Z'));
  const fakes = fakeCreditMemoDeps(clock);
  const workflow = makeCreditMemoWorkflow({ ...fakes.deps, remitTo });
  const series = { legalEntity: 'ACMEREMIT', series: CREDIT_NOTE_SERIES };
  return { clock, fakes, workflow, series };
}

describe('credit memos on the invoicing marketplace table', () => {
  it('files through the API exactly where the table says Amazon accepts credit notes', () => {
    for (const rule of Object.values(MARKETPLACE_RULES)) {
      expect(filingOf(rule.configCode), rule.country).toBe(
        rule.creditNoteAccepted ? 'api' : 'vendor-central',
      );
    }
    expect(filingOf('UK')).toBe('api');
    expect(filingOf('GB')).toBe('api');
    // A marketplace the table does not know goes to Vendor Central, never to the API.
    expect(filingOf('AE')).toBe('vendor-central');
  });

  it("takes the standard tax from the table's row, none where the vendor charges none", () => {
    expect(memoTaxOf('DE')).toEqual({ taxType: 'VAT', rate: '19' });
    expect(memoTaxOf('UK')).toEqual({ taxType: 'VAT', rate: '20' });
    expect(memoTaxOf('JP')).toEqual({ taxType: 'Consumption', rate: '10' });
    expect(memoTaxOf('US')).toBeUndefined();
    expect(memoTaxOf('AE')).toBeUndefined();
  });
});

describe('the Vendor Central memo as a PDF', () => {
  it('shows the original invoice, the return, the lines, the amounts and the tax', async () => {
    const memo = memoFor('US', 'USD');
    const pdf = renderMemoPdf(memo, 'ACME-CN-000007', '2026-12-02T08:00:00.000Z', remitTo);
    expect(pdf).toBeDefined();
    const text = await pdfText(pdf!);
    expect(text).toContain('Credit note number: ACME-CN-000007');
    expect(text).toContain('Corrects invoice: ACME-INV-004711');
    expect(text).toContain('Return reference: RN-5521907');
    expect(text).toContain('12/02/2026'); // the US date format of the table's row
    expect(text).toContain('B0C4K7XQ2M');
    expect(memo.totals).toEqual({ net: '24.90', tax: '0.00', total: '24.90' });
    expect(text).toMatch(/Net total excl\. tax: 24\.90 USD/);
    expect(text).toMatch(/Total VAT: 0\.00 USD/);
    expect(text).toMatch(/Total incl\. tax: 24\.90 USD/);
    expect(text).toContain('Acme Housewares Inc.');
  });

  it('prints the tax per rate where the marketplace charges it', async () => {
    const memo = memoFor('DE', 'EUR');
    const pdf = renderMemoPdf(memo, 'ACME-CN-000008', '2026-12-02T08:00:00.000Z', remitTo);
    const text = await pdfText(pdf!);
    expect(memo.totals).toEqual({ net: '24.90', tax: '4.73', total: '29.63' });
    expect(text).toContain('VAT at 19 %: 4.73 EUR');
    expect(text).toContain('Corrects invoice: ACME-INV-004711');
    expect(text).toContain('Return reference: RN-5521907');
    expect(text).toMatch(/Total incl\. tax: 29\.63 EUR/);
  });

  it('renders no PDF for a marketplace the rules table does not know', () => {
    const memo = memoFor('US', 'USD');
    const elsewhere = {
      ...memo,
      request: { kind: 'return' as const, detail: { ...memo.request.detail, marketplace: 'AE' } },
    } as CreditMemoRecord;
    expect(renderMemoPdf(elsewhere, 'ACME-CN-000009', '2026-12-02T08:00:00.000Z', remitTo)).toBeUndefined();
  });
});

describe('credit-note numbers from the gap-free CN series', () => {
  it('reserves, records and issues the number, and archives the PDF beside the HTML and CSV', async () => {
    const { fakes, workflow, series } = setup();
    await fakes.memos.claim(memoFor('US', 'USD'));
    expect(await workflow.submit({ memoId: 'RET-ACMEUS-RN-5521907' })).toEqual({
      filing: 'vendor-central',
      outcome: 'awaiting-filing',
    });
    const memo = await fakes.memos.get('RET-ACMEUS-RN-5521907');
    expect(memo).toMatchObject({
      state: 'awaiting-filing',
      creditNoteNumber: 'ACME-CN-000001',
      creditNoteSequence: 1,
      documentKey: expect.stringMatching(/ACME-CN-000001\.pdf$/),
    });
    const slots = await fakes.numbers.list(series, { limit: 10 });
    expect(slots).toMatchObject([
      { invoiceNumber: 'ACME-CN-000001', state: 'issued', purpose: 'credit memo RET-ACMEUS-RN-5521907' },
    ]);
    const pdf = fakes.objects.find((o) => o.key === memo?.documentKey);
    expect(pdf?.contentType).toBe('application/pdf');
    expect(await pdfText(pdf!.body as Uint8Array)).toContain('Return reference: RN-5521907');
    expect(fakes.archived.map((d) => d.key.split('.').pop()).sort()).toEqual(['csv', 'html']);

    // A repeated step keeps the number: nothing new is reserved.
    await workflow.submit({ memoId: 'RET-ACMEUS-RN-5521907' });
    expect(await fakes.numbers.list(series, { limit: 10 })).toHaveLength(1);
  });

  it('voids a number reserved by a memo that fails before submission, and never reuses it', async () => {
    const { fakes, workflow, series } = setup();
    await fakes.memos.claim(memoFor('US', 'USD'));
    await fakes.memos.claim({ ...memoFor('US', 'USD'), memoId: 'RET-OTHER', sourceKey: 'RETURN#OTHER' });
    const issue = fakes.numbers.issue.bind(fakes.numbers);
    fakes.numbers.issue = async () => {
      throw new Error('the function was stopped');
    };
    await expect(workflow.submit({ memoId: 'RET-ACMEUS-RN-5521907' })).rejects.toThrow('stopped');
    fakes.numbers.issue = issue;
    expect((await fakes.numbers.list(series, { limit: 10 }))[0]?.state).toBe('reserved');

    await workflow.recordFailure({
      memoId: 'RET-ACMEUS-RN-5521907',
      error: { Error: 'Error', Cause: JSON.stringify({ errorMessage: 'the function was stopped' }) },
    });
    const failed = await fakes.memos.get('RET-ACMEUS-RN-5521907');
    expect(failed?.state).toBe('failed');
    expect(failed?.creditNoteNumber).toBeUndefined();
    const [slot] = await fakes.numbers.list(series, { limit: 10 });
    expect(slot).toMatchObject({ invoiceNumber: 'ACME-CN-000001', state: 'void' });
    expect(slot?.reason).toContain('failed before submission: Error: the function was stopped');
    expect(
      fakes.audit.some((e) => e.action === 'invoiceNumber.voided' && e.entity.id === 'ACME-CN-000001'),
    ).toBe(true);

    // The next memo gets the next number; the void one stays void, and the series has no gaps.
    await workflow.submit({ memoId: 'RET-OTHER' });
    expect((await fakes.memos.get('RET-OTHER'))?.creditNoteNumber).toBe('ACME-CN-000002');
    const slots = await fakes.numbers.list(series, { limit: 10 });
    expect(slots.map((s) => [s.invoiceNumber, s.state])).toEqual([
      ['ACME-CN-000001', 'void'],
      ['ACME-CN-000002', 'issued'],
    ]);
    expect(gapsOf(slots)).toEqual([]);
  });

  it('takes a new number when the reserved one was voided as abandoned meanwhile', async () => {
    const { fakes, workflow, series } = setup();
    await fakes.memos.claim(memoFor('US', 'USD'));
    const issue = fakes.numbers.issue.bind(fakes.numbers);
    fakes.numbers.issue = async () => {
      throw new Error('the function was stopped');
    };
    await expect(workflow.submit({ memoId: 'RET-ACMEUS-RN-5521907' })).rejects.toThrow('stopped');
    fakes.numbers.issue = issue;
    // Invoicing's follow-up voids reservations older than its limit (staleReservations).
    const [stale] = await fakes.numbers.list(series, { limit: 1 });
    expect(await fakes.numbers.void(stale!, 'abandoned', '2026-12-02T09:00:00.000Z')).toBe(true);

    await workflow.submit({ memoId: 'RET-ACMEUS-RN-5521907' });
    const memo = await fakes.memos.get('RET-ACMEUS-RN-5521907');
    expect(memo).toMatchObject({ state: 'awaiting-filing', creditNoteNumber: 'ACME-CN-000002' });
    expect(fakes.audit.some((e) => e.action === 'creditMemo.numberVoided')).toBe(true);
    expect((await fakes.numbers.list(series, { limit: 10 })).map((s) => s.state)).toEqual(['void', 'issued']);
  });

  it('refuses a credit note the business rules would refuse before it takes a number', async () => {
    const { fakes, series } = setup();
    // The remit-to party has no VAT ID: Germany requires the supplier's (taxRegistration.supplier.required).
    const workflow = makeCreditMemoWorkflow({ ...fakes.deps, remitTo });
    await fakes.memos.claim(memoFor('DE', 'EUR'));
    await expect(workflow.submit({ memoId: 'RET-ACMEDE-RN-5521907' })).rejects.toThrow(
      /remitToParty\.taxRegistrationDetails: .*taxRegistration\.supplier\.required/,
    );
    expect(await fakes.numbers.list(series, { limit: 10 })).toEqual([]);
    expect(fakes.sent).toEqual([]);
  });
});
