import type { InvoicePartyIdentification, PartyIdentification } from '../../sp-api/schemas/common.ts';
import { type SubmitInvoicesRequest, submitInvoicesRequestSchema } from '../../sp-api/schemas/invoices.ts';
import { parseOrThrow } from '../../validation.ts';
import type { CreditMemoRecord } from './credit-memo.ts';

/**
 * The credit note for a memo: the `submitInvoices` body (invoiceType `CreditNote`) where Amazon
 * accepts credit notes through the API, and the document an operator files in Vendor Central
 * elsewhere. Pure.
 */

/**
 * Marketplaces whose credit notes Amazon accepts through `submitInvoices` (notes/domain.md 1.4:
 * "submit credit notes in ES, IN, IE, ZA, BE, FR, EG, PL, NL, GB, DE, SE, SA, and IT"; our config
 * spells Great Britain `UK`). A small constant until the invoicing capability's marketplace table
 * (`creditNoteAccepted`) replaces it.
 */
export const CREDIT_NOTE_MARKETPLACES: ReadonlySet<string> = new Set([
  'ES',
  'IN',
  'IE',
  'ZA',
  'BE',
  'FR',
  'EG',
  'PL',
  'NL',
  'UK',
  'GB',
  'DE',
  'SE',
  'SA',
  'IT',
]);

/** How a memo reaches Amazon in a marketplace. */
export function filingOf(marketplace: string): 'api' | 'vendor-central' {
  return CREDIT_NOTE_MARKETPLACES.has(marketplace.toUpperCase()) ? 'api' : 'vendor-central';
}

/** Standard tax of a credit note where the invoice gives none (percent, as Amazon's `taxRate`). */
export const STANDARD_TAX: Readonly<Record<string, { taxType: 'VAT' | 'GST'; rate: string }>> = {
  DE: { taxType: 'VAT', rate: '19' },
  FR: { taxType: 'VAT', rate: '20' },
  IT: { taxType: 'VAT', rate: '22' },
  ES: { taxType: 'VAT', rate: '21' },
  NL: { taxType: 'VAT', rate: '21' },
  BE: { taxType: 'VAT', rate: '21' },
  PL: { taxType: 'VAT', rate: '23' },
  SE: { taxType: 'VAT', rate: '25' },
  IE: { taxType: 'VAT', rate: '23' },
  UK: { taxType: 'VAT', rate: '20' },
  GB: { taxType: 'VAT', rate: '20' },
  IN: { taxType: 'GST', rate: '18' },
};

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
  /** Tax type per marketplace for the line and header tax details. */
  taxType: 'VAT' | 'GST';
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
  const body = {
    invoices: [
      {
        invoiceType: 'CreditNote' as const,
        id: input.creditNoteNumber,
        date: input.date,
        remitToParty: input.remitTo,
        ...(input.billTo ? { billToParty: input.billTo } : {}),
        invoiceTotal: money(totals.total),
        taxDetails: [
          { taxType: input.taxType, taxAmount: money(totals.tax), taxableAmount: money(totals.net) },
        ],
        items: lines.map((line) => ({
          itemSequenceNumber: line.itemSequenceNumber,
          ...(line.asin ? { amazonProductIdentifier: line.asin } : {}),
          ...(line.vendorSku ? { vendorProductIdentifier: line.vendorSku } : {}),
          invoicedQuantity: { amount: line.quantity, unitOfMeasure: 'Eaches' as const, unitSize: 1 },
          netCost: money(line.netCost),
          creditNoteDetails: withInvoice,
          taxDetails: [
            {
              taxType: input.taxType,
              ...(line.taxRate ? { taxRate: line.taxRate } : {}),
              taxAmount: money(line.taxAmount),
              taxableAmount: money(line.lineNet),
            },
          ],
        })),
      },
    ],
  };
  return parseOrThrow(submitInvoicesRequestSchema, body, `credit note ${input.creditNoteNumber}`);
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
