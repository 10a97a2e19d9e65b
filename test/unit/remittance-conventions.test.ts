import { describe, expect, it } from 'vitest';
import { deductionKindOf } from '#shared/domain/payments/deductions.ts';
import { exportLocale } from '#shared/domain/payments/locale.ts';
import {
  applyLines,
  type InvoiceFacts,
  LineIdentities,
  type MatchedLine,
  matchLine,
  newReconciliation,
} from '#shared/domain/payments/reconciliation.ts';
import { parseRemittanceRows, type RemittanceLine } from '#shared/domain/payments/remittance-file.ts';
import { csvRows } from '#shared/files/csv-rows.ts';

/**
 * One hand-written line of a US Vendor Central remittance export per convention of
 * ../shared/notes/domain.md §2.2–2.3, with its classification written by hand (not taken from the
 * sandbox's generator).
 */
const HEADER = [
  'Payment Number,7001234',
  'Payment Date,09/15/2026',
  'Payment Currency,USD',
  '',
  'Invoices',
  'Invoice Number,Invoice Date,Transaction type,Transaction Description,Reference Details,Original Invoice Number,Invoice Amount,Invoice Currency,Withholding Amount,Terms Discount Taken,Amount Paid,Remaining Amount',
];

const CASES: readonly {
  readonly convention: string;
  readonly row: string;
  readonly kind: string;
  readonly invoiceNumber?: string;
  readonly deduction?: string;
}[] = [
  {
    convention: 'an invoice paid with a terms discount (quick-pay discount column)',
    row: 'INV100,07/01/2026,Invoice,Payments,,,"$1,000.00",USD,$0.00,$20.00,$980.00,$0.00',
    kind: 'invoice-payment',
    invoiceNumber: 'INV100',
  },
  {
    convention: '<inv>SC: shortage claim',
    row: 'INV100SC,09/15/2026,Financial Debit Note Invoice,Quantity shortage,,,($50.00),USD,$0.00,$0.00,($50.00),$0.00',
    kind: 'shortage-claim',
    invoiceNumber: 'INV100',
    deduction: 'shortage-claim',
  },
  {
    convention: '<inv>SCR: shortage-claim reversal',
    row: 'INV100SCR,09/15/2026,Financial Debit Note Invoice,Quantity shortage reversal,,,$50.00,USD,$0.00,$0.00,$50.00,$0.00',
    kind: 'shortage-claim-reversal',
    invoiceNumber: 'INV100',
    deduction: 'shortage-claim',
  },
  {
    convention: '<inv>SCRSC: revised shortage claim',
    row: 'INV100SCRSC,09/15/2026,Financial Debit Note Invoice,Quantity shortage,,,($30.00),USD,$0.00,$0.00,($30.00),$0.00',
    kind: 'shortage-claim-revised',
    invoiceNumber: 'INV100',
    deduction: 'shortage-claim',
  },
  {
    convention: '(PC): price claim',
    row: 'INV100(PC),09/15/2026,Financial Debit Note Invoice,Price variance,,,($12.00),USD,$0.00,$0.00,($12.00),$0.00',
    kind: 'price-claim',
    invoiceNumber: 'INV100',
    deduction: 'price-claim',
  },
  {
    convention: 'price variance reversal (description, original invoice column)',
    row: 'PPVREV0042,09/15/2026,Financial Debit Note Invoice,Price variance reversal,,INV100,$12.00,USD,$0.00,$0.00,$12.00,$0.00',
    kind: 'price-claim-reversal',
    invoiceNumber: 'INV100',
    deduction: 'price-claim',
  },
  {
    convention: '…VCBSINV: chargeback debit note',
    row: 'AB12CD34VCBSINV,09/15/2026,Debit Note,Chargeback,,,($25.00),USD,$0.00,$0.00,($25.00),$0.00',
    kind: 'chargeback',
    deduction: 'chargeback',
  },
  {
    convention: 'XXXX-XXXXXXXX: co-op agreement invoice',
    row: '1234-56789012,09/15/2026,Others,COOP – Service agreement,,,($300.00),USD,$0.00,$0.00,($300.00),$0.00',
    kind: 'coop',
    deduction: 'coop',
  },
  {
    convention: 'allowance (co-op by description)',
    row: 'AL9981,09/15/2026,Others,Allowance – Discounts received,,,($7.50),USD,$0.00,$0.00,($7.50),$0.00',
    kind: 'coop',
    deduction: 'coop',
  },
  {
    convention: 'XXXXXX-PROVISION FOR RECEIVABLES: provision',
    row: '445566-PROVISION FOR RECEIVABLES,09/15/2026,Provision deduction,Provision for aged receivable,,,($400.00),USD,$0.00,$0.00,($400.00),$0.00',
    kind: 'provision',
    deduction: 'provision',
  },
  {
    convention: '…PROVISION FOR RECEIVABLESR: provision reversal',
    row: '445566-PROVISION FOR RECEIVABLESR,09/15/2026,Provision reversal,Provision for aged receivable,,,$400.00,USD,$0.00,$0.00,$400.00,$0.00',
    kind: 'provision-reversal',
    deduction: 'provision',
  },
  {
    convention: 'IPAPUS + 7 digits: price-protection debit note',
    row: 'IPAPUS1234567,09/15/2026,Debit Note,Price protection,,,($15.00),USD,$0.00,$0.00,($15.00),$0.00',
    kind: 'price-protection',
    deduction: 'price-protection',
  },
  {
    convention: 'returns debit note (product returns, original invoice column)',
    row: 'RDN0000077,09/15/2026,Debit Note,Product returns,RN-123456789,INV100,($40.00),USD,$0.00,$0.00,($40.00),$0.00',
    kind: 'returns-debit-note',
    invoiceNumber: 'INV100',
    deduction: 'returns',
  },
  {
    convention: 'an invoice paid less withholding (withholding column)',
    row: 'INV300,07/05/2026,Invoice,Payments,,,"$1,000.00",USD,$10.00,$0.00,$990.00,$0.00',
    kind: 'invoice-payment',
    invoiceNumber: 'INV300',
  },
];

const invoice = (invoiceNumber: string, invoiceDate: string): InvoiceFacts => ({
  invoiceNumber,
  invoiceType: 'Invoice',
  vendorCode: 'ACMEUS',
  marketplace: 'US',
  currency: 'USD',
  invoiceDate,
  total: '1000.00',
  purchaseOrderNumbers: [`PO-${invoiceNumber}`],
});
const INVOICES = new Map([
  ['INV100', invoice('INV100', '2026-07-01')],
  ['INV300', invoice('INV300', '2026-07-05')],
]);

async function parse(rows: readonly string[]): Promise<RemittanceLine[]> {
  const lines: RemittanceLine[] = [];
  const text = [...HEADER, ...rows].join('\r\n');
  for await (const item of parseRemittanceRows(
    csvRows(
      (async function* () {
        yield text;
      })(),
    ),
    { locale: exportLocale('US'), currency: 'USD' },
  )) {
    if (item.type === 'problem') throw new Error(JSON.stringify(item.problem));
    lines.push(item.line);
  }
  return lines;
}

describe('the remittance suffix and description conventions, one hand-written line each', () => {
  for (const c of CASES) {
    it(`classifies ${c.convention}`, async () => {
      // Act
      const [line] = await parse([c.row]);
      const matched = matchLine('id', line!, INVOICES);
      // Assess
      expect({
        kind: matched.classification.kind,
        invoiceNumber: matched.classification.invoiceNumber,
        deduction: deductionKindOf(matched.classification.kind),
        matched: matched.invoice?.invoiceNumber,
      }).toEqual({
        kind: c.kind,
        invoiceNumber: c.invoiceNumber,
        deduction: c.deduction,
        matched: c.invoiceNumber,
      });
    });
  }

  it('reconciles the invoice those lines concern to what a person computes by hand', async () => {
    // Prepare
    const lines = await parse(CASES.map((c) => c.row));
    const ids = new LineIdentities();
    const matched = lines.map((l) => matchLine(ids.next(l), l, INVOICES));
    const of = (n: string): MatchedLine[] => matched.filter((m) => m.invoice?.invoiceNumber === n);
    // Act
    const inv100 = applyLines(newReconciliation('INV100', 'USD', INVOICES.get('INV100'), 60), of('INV100'));
    const inv300 = applyLines(newReconciliation('INV300', 'USD', INVOICES.get('INV300'), 60), of('INV300'));
    // Assess: 980 − 50 + 50 − 30 − 12 + 12 − 40 = 910 in cash; terms discount 20, shortage 30
    // (50 reversed, 30 revised), price claim reversed to nothing, returns 40: 90 explained; open 0.
    expect(inv100).toMatchObject({
      billed: '1000.00',
      paid: '910.00',
      deducted: { 'terms-discount': '20.00', 'shortage-claim': '30.00', returns: '40.00' },
      deductedTotal: '90.00',
      open: '0.00',
      status: 'settled',
      dueDate: '2026-08-30',
    });
    expect(inv300).toMatchObject({
      paid: '990.00',
      deducted: { withholding: '10.00' },
      open: '0.00',
      status: 'settled',
    });
    // The vendor-level deductions concern no invoice.
    expect(matched.filter((m) => !m.invoice).map((m) => m.classification.kind)).toEqual([
      'chargeback',
      'coop',
      'coop',
      'provision',
      'provision-reversal',
      'price-protection',
    ]);
  });
});
