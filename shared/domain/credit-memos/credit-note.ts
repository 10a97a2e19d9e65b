import type { InvoicePartyIdentification, PartyIdentification } from '../../sp-api/schemas/common.ts';
import {
  type SubmitInvoicesRequest,
  submitInvoicesRequestSchema,
  type TaxDetails,
} from '../../sp-api/schemas/invoices.ts';
import { parseOrThrow } from '../../validation.ts';
import { normaliseRate, percentOf } from '../invoices/invoice-payload.ts';
import { renderInvoicePdf } from '../invoices/invoice-pdf.ts';
import { allowedTaxRates, marketplaceRule } from '../invoices/marketplace-rules.ts';
import {
  addMoney,
  compareMoney,
  formatAmount,
  type Money,
  parseMoney,
  subtractMoney,
  zeroMoney,
} from '../money.ts';
import type { CreditMemoRecord, MarketplaceTax } from './credit-memo.ts';

/**
 * The credit note for a memo: the `submitInvoices` body (invoiceType `CreditNote`) where Amazon
 * accepts credit notes through the API, and the document an operator files in Vendor Central
 * elsewhere. Pure.
 */

/**
 * How a memo reaches Amazon in a marketplace: through `submitInvoices` where invoicing's
 * marketplace table says Amazon accepts credit notes (`creditNoteAccepted`), in Vendor Central
 * elsewhere — and for a marketplace the table does not know.
 */
export function filingOf(marketplace: string): 'api' | 'vendor-central' {
  return marketplaceRule(marketplace)?.creditNoteAccepted ? 'api' : 'vendor-central';
}

/** Tax of a credit note where the invoice gives none: the marketplace's standard rate from the table. */
export function memoTaxOf(marketplace: string): MarketplaceTax | undefined {
  const tax = marketplaceRule(marketplace)?.tax;
  return tax ? { taxType: tax.taxType, rate: tax.standardRate } : undefined;
}

/**
 * The `submitInvoices` body of a memo's credit note, checked against our schema of Amazon's model
 * (and, in the tests, against the official model). `creditNoteDetails` per line as Amazon requires
 * for the memo's kind: a returns credit note carries the Returns Notice Number and the goods'
 * return date (plus debit note, RMA and VRET when known); a debit-note credit carries the debit
 * note number; both name the original invoice when it is known.
 */
export function buildCreditNoteRequest(input: {
  memo: CreditMemoRecord;
  creditNoteNumber: string;
  /** When the note is issued (ISO): now. */
  date: string;
  remitTo: InvoicePartyIdentification;
  billTo?: InvoicePartyIdentification | undefined;
  /** Where the credited goods were shipped to (the PO's ship-to) and from (the vendor's warehouse). */
  shipTo?: InvoicePartyIdentification | undefined;
  shipFrom?: InvoicePartyIdentification | undefined;
  /** Tax type of the marketplace for the line and header tax details; none where no tax is charged. */
  taxType: TaxDetails['taxType'] | undefined;
  /**
   * The rates the marketplace allows (its row of the rules table): a line that mirrors the
   * invoice's tax amount without a rate gets the one rate its amount matches.
   */
  taxRates?: readonly string[] | undefined;
}): SubmitInvoicesRequest {
  const { memo } = input;
  const request = memo.request;
  const currency = request.detail.currency;
  const lines = memo.lines ?? [];
  const totals = memo.totals;
  if (!totals || lines.length === 0) throw new Error(`memo ${memo.memoId} has no lines to credit`);
  const details =
    request.kind === 'return'
      ? {
          returnsReferenceNumber: request.detail.returnReference,
          goodsReturnDate: request.detail.returnDate,
          ...(request.detail.debitNoteNumber ? { debitNoteNumber: request.detail.debitNoteNumber } : {}),
          ...(request.detail.rmaId ? { rmaId: request.detail.rmaId } : {}),
          ...(request.detail.consignorsReferenceNumber
            ? { consignorsReferenceNumber: request.detail.consignorsReferenceNumber }
            : {}),
        }
      : {
          debitNoteNumber: request.detail.debitNoteNumber,
          ...(request.detail.returnReference
            ? { returnsReferenceNumber: request.detail.returnReference }
            : {}),
        };
  const withInvoice = memo.referenceInvoiceNumber
    ? { referenceInvoiceNumber: memo.referenceInvoiceNumber, ...details }
    : details;
  const money = (amount: string) => ({ amount, currencyCode: currency });
  const taxType = input.taxType;
  const rateOf = (line: (typeof lines)[number]) =>
    line.taxRate ?? matchingRate(line.lineNet, line.taxAmount, line.quantity, currency, input.taxRates ?? []);
  // The header totals tax per rate, as Amazon and the validator expect (one entry per rate, each
  // the sum of its lines): a note crediting goods at the standard and a reduced rate has two.
  const byRate = new Map<string | undefined, { taxable: Money; tax: Money }>();
  for (const line of lines) {
    const rate = rateOf(line);
    const key = rate === undefined ? undefined : normaliseRate(rate);
    const sum = byRate.get(key) ?? { taxable: zeroMoney(currency), tax: zeroMoney(currency) };
    byRate.set(key, {
      taxable: addMoney(sum.taxable, parseMoney(line.lineNet, currency)),
      tax: addMoney(sum.tax, parseMoney(line.taxAmount, currency)),
    });
  }
  const body = {
    invoices: [
      {
        invoiceType: 'CreditNote' as const,
        id: input.creditNoteNumber,
        date: input.date,
        remitToParty: input.remitTo,
        ...(input.billTo ? { billToParty: input.billTo } : {}),
        ...(input.shipTo ? { shipToParty: input.shipTo } : {}),
        ...(input.shipFrom ? { shipFromParty: input.shipFrom } : {}),
        invoiceTotal: money(totals.total),
        ...(taxType
          ? {
              taxDetails: [...byRate].map(([rate, sum]) => ({
                taxType,
                ...(rate !== undefined ? { taxRate: rate } : {}),
                taxAmount: money(formatAmount(sum.tax)),
                taxableAmount: money(formatAmount(sum.taxable)),
              })),
            }
          : {}),
        items: lines.map((line) => ({
          itemSequenceNumber: line.itemSequenceNumber,
          ...(line.asin ? { amazonProductIdentifier: line.asin } : {}),
          ...(line.vendorSku ? { vendorProductIdentifier: line.vendorSku } : {}),
          invoicedQuantity: { amount: line.quantity, unitOfMeasure: 'Eaches' as const, unitSize: 1 },
          netCost: money(line.netCost),
          creditNoteDetails: withInvoice,
          ...(taxType
            ? {
                taxDetails: [
                  {
                    taxType,
                    ...(rateOf(line) ? { taxRate: rateOf(line) } : {}),
                    taxAmount: money(line.taxAmount),
                    taxableAmount: money(line.lineNet),
                  },
                ],
              }
            : {}),
        })),
      },
    ],
  };
  return parseOrThrow(submitInvoicesRequestSchema, body, `credit note ${input.creditNoteNumber}`);
}

/**
 * The one allowed rate whose tax on `net` matches `tax` to within a minor unit per unit credited
 * (the invoice's tax, split per unit, rounds differently); undefined when none or several match.
 */
function matchingRate(
  net: string,
  tax: string,
  quantity: number,
  currency: string,
  rates: readonly string[],
): string | undefined {
  const taxMoney = parseMoney(tax, currency);
  const netMoney = parseMoney(net, currency);
  const matches = [...new Set(rates)].filter((rate) => {
    const expected = percentOf(netMoney, rate);
    const diff = subtractMoney(expected, taxMoney);
    const distance = diff.units < 0n ? { ...diff, units: -diff.units } : diff;
    // One minor unit of the currency (expected's scale) per unit credited.
    const limit = { currency, units: BigInt(Math.max(1, quantity)), scale: expected.scale };
    return compareMoney(distance, limit) <= 0;
  });
  return matches.length === 1 ? matches[0] : undefined;
}

/** A PO's party (orders model: `taxInfo`, `postalCode`) as an invoice party (`taxRegistrationDetails`, `postalOrZipCode`). */
export function invoicePartyOf(party: PartyIdentification): InvoicePartyIdentification {
  const a = party.address;
  const tax = party.taxInfo;
  return {
    partyId: party.partyId,
    ...(a
      ? {
          address: {
            name: a.name,
            addressLine1: a.addressLine1,
            ...(a.addressLine2 ? { addressLine2: a.addressLine2 } : {}),
            ...(a.city ? { city: a.city } : {}),
            ...(a.stateOrRegion ? { stateOrRegion: a.stateOrRegion } : {}),
            ...(a.postalCode ? { postalOrZipCode: a.postalCode } : {}),
            countryCode: a.countryCode,
          },
        }
      : {}),
    ...(tax?.taxRegistrationNumber && (tax.taxRegistrationType === 'VAT' || tax.taxRegistrationType === 'GST')
      ? {
          taxRegistrationDetails: [
            {
              taxRegistrationType: tax.taxRegistrationType,
              taxRegistrationNumber: tax.taxRegistrationNumber,
            },
          ],
        }
      : {}),
  };
}

/**
 * The Vendor Central memo as a PDF, rendered by invoicing's document renderer from the same
 * CreditNote body the API would take: original invoice, return or debit-note reference, lines,
 * tax per rate and totals, in the marketplace's legal layout. Undefined for a marketplace the
 * rules table does not know (the HTML and CSV still go out).
 */
export function renderMemoPdf(
  memo: CreditMemoRecord,
  creditNoteNumber: string,
  issuedAt: string,
  remitTo: InvoicePartyIdentification,
): Uint8Array | undefined {
  const rule = marketplaceRule(memo.request.detail.marketplace);
  if (!rule) return undefined;
  const body = buildCreditNoteRequest({
    memo,
    creditNoteNumber,
    date: issuedAt,
    remitTo,
    taxType: rule.tax?.taxType,
    taxRates: allowedTaxRates(rule),
  });
  const descriptions: Record<number, string> = {};
  for (const line of memo.lines ?? []) {
    if (line.purchaseOrderNumber)
      descriptions[line.itemSequenceNumber] = `returned from PO ${line.purchaseOrderNumber}`;
  }
  return renderInvoicePdf(body.invoices[0]!, { rule, descriptions });
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The credit memo document for Vendor Central where Amazon takes no credit note through the API
 * (US, CA, MX, JP, …): an HTML page (printable to PDF from any browser) and a CSV of its lines,
 * which the operator uploads under Payments → Invoices → "Submit credit memo".
 */
export function renderMemoDocument(memo: CreditMemoRecord, creditNoteNumber: string, issuedAt: string) {
  const d = memo.request.detail;
  const lines = memo.lines ?? [];
  const reference =
    memo.request.kind === 'return'
      ? `Return ${memo.request.detail.returnReference}`
      : `Debit note ${memo.request.detail.debitNoteNumber}`;
  const rows = lines
    .map(
      (l) =>
        `<tr><td>${l.itemSequenceNumber}</td><td>${escapeHtml(l.asin ?? '')}</td><td>${escapeHtml(l.vendorSku ?? '')}</td><td>${escapeHtml(l.purchaseOrderNumber ?? '')}</td><td>${l.quantity}</td><td>${l.netCost}</td><td>${l.taxAmount}</td><td>${l.lineNet}</td></tr>`,
    )
    .join('');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>Credit memo ${escapeHtml(creditNoteNumber)}</title></head><body>
<h1>Credit memo ${escapeHtml(creditNoteNumber)}</h1>
<p>Vendor code ${escapeHtml(d.vendorCode)} · marketplace ${escapeHtml(d.marketplace)} · issued ${escapeHtml(issuedAt)}</p>
<p>${escapeHtml(reference)}${memo.referenceInvoiceNumber ? ` · original invoice ${escapeHtml(memo.referenceInvoiceNumber)}` : ''}</p>
<table border="1" cellpadding="4"><thead><tr><th>#</th><th>ASIN</th><th>Vendor SKU</th><th>PO</th><th>Qty</th><th>Net cost</th><th>Tax</th><th>Line net</th></tr></thead><tbody>${rows}</tbody></table>
<p>Net ${memo.totals?.net ?? '0'} · Tax ${memo.totals?.tax ?? '0'} · <strong>Total ${memo.totals?.total ?? '0'} ${escapeHtml(d.currency)}</strong></p>
</body></html>
`;
  const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const csv = [
    'creditMemoNumber,vendorCode,marketplace,reference,originalInvoice,lineNumber,asin,vendorSku,purchaseOrderNumber,quantity,netCost,taxAmount,lineNet,currency',
    ...lines.map((l) =>
      [
        creditNoteNumber,
        d.vendorCode,
        d.marketplace,
        reference,
        memo.referenceInvoiceNumber ?? '',
        String(l.itemSequenceNumber),
        l.asin ?? '',
        l.vendorSku ?? '',
        l.purchaseOrderNumber ?? '',
        String(l.quantity),
        l.netCost,
        l.taxAmount,
        l.lineNet,
        d.currency,
      ]
        .map(csvCell)
        .join(','),
    ),
  ].join('\n');
  return { html, csv: `${csv}\n` };
}
