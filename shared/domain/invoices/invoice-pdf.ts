/**
 * The human-readable copy of an invoice or credit note, archived beside the exact JSON: a PDF that
 * shows everything the marketplace's law asks of the document — EU VAT Directive Art. 226, the UK
 * VAT invoice (HMRC), Japan's qualified invoice (six items), Canada's GST/HST input-tax-credit
 * content. Pure computation (jsPDF, no I/O): the PDF's bytes from the payload that was validated.
 *
 * The standard PDF fonts carry Latin-1 only; names with other letters are written with their
 * base letters (Łódź → Lodz), which keeps the document legible without embedding a font.
 */
import { jsPDF } from 'jspdf';
import type { Invoice } from '../../sp-api/schemas/invoices.ts';
import { formatMoney, parseMoney, sumMoney, zeroMoney } from '../money.ts';
import type { MarketplaceRule } from './marketplace-rules.ts';

/** What the document shows beyond the payload. */
export interface InvoicePdfOptions {
  readonly rule: MarketplaceRule;
  /** Date of supply (when the goods left); EU and UK law ask for it when it differs from the issue date. */
  readonly supplyDate?: string;
  /** What each line's goods are, by item sequence number. */
  readonly descriptions?: Readonly<Record<number, string>>;
  /** The supplier's trading name when the remit-to address carries none. */
  readonly supplierName?: string;
}

const PAGE_HEIGHT = 297;
const LEFT = 14;
const LINE = 4.6;

/** Latin-1 text for the standard fonts: accents kept where Latin-1 has them, other letters reduced. */
export function pdfText(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 63;
    if (code <= 0xff) out += ch;
    else {
      const base = ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
      const extra: Record<string, string> = {
        ł: 'l',
        Ł: 'L',
        đ: 'd',
        Đ: 'D',
        ø: 'o',
        Ø: 'O',
        '€': 'EUR',
        '–': '-',
        '—': '-',
      };
      out += [...base].every((c) => (c.codePointAt(0) ?? 999) <= 0xff) ? base : (extra[ch] ?? '?');
    }
  }
  return out;
}

/** A date as the marketplace writes it. */
export function formatDocumentDate(iso: string, format: MarketplaceRule['dateFormat']): string {
  const d = new Date(iso);
  const yyyy = String(d.getUTCFullYear());
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(d.getUTCDate()).padStart(2, '0');
  switch (format) {
    case 'DD.MM.YYYY':
      return `${dd}.${mm}.${yyyy}`;
    case 'DD/MM/YYYY':
      return `${dd}/${mm}/${yyyy}`;
    case 'MM/DD/YYYY':
      return `${mm}/${dd}/${yyyy}`;
    case 'YYYY/MM/DD':
      return `${yyyy}/${mm}/${dd}`;
    default:
      return `${yyyy}-${mm}-${dd}`;
  }
}

type Party = NonNullable<Invoice['billToParty']>;

function partyLines(party: Party | undefined, taxLabel: string): string[] {
  if (!party) return [];
  const a = party.address;
  const lines = a
    ? [
        a.name,
        a.addressLine1,
        ...(a.addressLine2 ? [a.addressLine2] : []),
        [a.postalOrZipCode, a.city, a.stateOrRegion].filter(Boolean).join(' '),
        a.countryCode,
      ]
    : [];
  lines.push(`Party ID: ${party.partyId}`);
  for (const r of party.taxRegistrationDetails ?? []) lines.push(`${taxLabel}: ${r.taxRegistrationNumber}`);
  return lines;
}

function title(invoice: Invoice, rule: MarketplaceRule): string {
  if (invoice.invoiceType === 'CreditNote')
    return rule.legalRegime === 'UK_VAT' ? 'VAT CREDIT NOTE' : 'CREDIT NOTE';
  switch (rule.legalRegime) {
    case 'UK_VAT':
      return 'VAT INVOICE';
    case 'JP_QUALIFIED_INVOICE':
      return 'QUALIFIED INVOICE (Tekikaku Seikyusho)';
    default:
      return 'INVOICE';
  }
}

/**
 * Renders the PDF of a validated invoice payload. The amounts printed are the payload's, so the
 * document and the JSON Amazon received can never disagree.
 */
export function renderInvoicePdf(invoice: Invoice, options: InvoicePdfOptions): Uint8Array {
  const { rule } = options;
  const doc = new jsPDF({ unit: 'mm', format: 'a4', compress: true });
  doc.setProperties({ title: `${invoice.invoiceType} ${invoice.id}`, creator: 'Acorn' });
  let y = 16;
  const write = (text: string, opts: { size?: number; bold?: boolean; x?: number } = {}) => {
    if (y > PAGE_HEIGHT - 16) {
      doc.addPage();
      y = 16;
    }
    doc.setFont('helvetica', opts.bold ? 'bold' : 'normal');
    doc.setFontSize(opts.size ?? 9);
    doc.text(pdfText(text), opts.x ?? LEFT, y);
    y += LINE * ((opts.size ?? 9) / 9);
  };
  const gap = () => {
    y += LINE / 2;
  };
  const date = (iso: string) => formatDocumentDate(iso, rule.dateFormat);
  const currency = rule.currency;
  const taxLabel = rule.supplierTaxRegistration?.label ?? 'Tax registration';
  const buyerTaxLabel = rule.tax?.taxType === 'GST' ? 'GST/HST number' : 'VAT ID';

  write(title(invoice, rule), { size: 16, bold: true });
  gap();
  write(`${invoice.invoiceType === 'CreditNote' ? 'Credit note' : 'Invoice'} number: ${invoice.id}`, {
    bold: true,
  });
  write(`Date of issue: ${date(invoice.date)}`);
  if (options.supplyDate) write(`Date of supply: ${date(options.supplyDate)}`);
  write(`Marketplace: ${rule.name} (${rule.country}), currency ${currency}`);
  const references = [
    ...new Set((invoice.items ?? []).map((i) => i.creditNoteDetails?.referenceInvoiceNumber).filter(Boolean)),
  ];
  if (references.length > 0) write(`Corrects invoice: ${references.join(', ')}`);
  const creditedBy = (
    pick: (d: NonNullable<NonNullable<Invoice['items']>[number]['creditNoteDetails']>) => string | undefined,
  ) => [
    ...new Set(
      (invoice.items ?? [])
        .flatMap((i) => (i.creditNoteDetails ? [pick(i.creditNoteDetails)] : []))
        .filter(Boolean),
    ),
  ];
  const returns = creditedBy((d) => d.returnsReferenceNumber);
  if (returns.length > 0) write(`Return reference: ${returns.join(', ')}`);
  const debitNotes = creditedBy((d) => d.debitNoteNumber);
  if (debitNotes.length > 0) write(`Debit note: ${debitNotes.join(', ')}`);
  gap();

  const supplier = partyLines(invoice.remitToParty, taxLabel);
  if (options.supplierName && !invoice.remitToParty.address) supplier.unshift(options.supplierName);
  write('Supplier (issuer)', { bold: true });
  for (const line of supplier) write(line);
  gap();
  write('Customer (recipient)', { bold: true });
  for (const line of partyLines(invoice.billToParty, buyerTaxLabel)) write(line);
  gap();
  if (invoice.shipFromParty || invoice.shipToParty) {
    write(
      `Shipped from: ${invoice.shipFromParty?.address?.name ?? invoice.shipFromParty?.partyId ?? '-'}    Shipped to: ${invoice.shipToParty?.address?.name ? `${invoice.shipToParty.address.name} ` : ''}${invoice.shipToParty ? `(${invoice.shipToParty.partyId})` : '-'}`,
    );
    gap();
  }

  write('#  PO  Product  Description  Quantity  Unit price excl. tax  Tax rate  Net amount  Tax amount', {
    bold: true,
  });
  for (const item of invoice.items ?? []) {
    const q = item.invoicedQuantity;
    const units = q.amount * (q.unitOfMeasure === 'Cases' ? (q.unitSize ?? 1) : 1);
    const unit = parseMoney(item.netCost.amount ?? '0', currency);
    const net = { ...unit, units: unit.units * BigInt(units) };
    const tax = item.taxDetails?.[0];
    const product = [
      item.amazonProductIdentifier && `ASIN ${item.amazonProductIdentifier}`,
      item.vendorProductIdentifier && `SKU ${item.vendorProductIdentifier}`,
    ]
      .filter(Boolean)
      .join(' / ');
    const description = options.descriptions?.[item.itemSequenceNumber] ?? 'Goods';
    const reduced = tax?.taxRate !== undefined && rule.tax?.reducedRates.includes(tax.taxRate) ? ' *' : '';
    write(
      `${item.itemSequenceNumber}  ${item.purchaseOrderNumber ?? '-'}  ${product}  ${description}${reduced}  ${units} units${q.unitOfMeasure === 'Cases' ? ` (${q.amount} cases of ${q.unitSize})` : ''}  ${formatMoney(unit)}  ${tax?.taxRate !== undefined ? `${tax.taxRate} %` : 'no tax'}  ${formatMoney(net)}  ${tax ? `${tax.taxAmount.amount} ${currency}` : '-'}`,
    );
  }
  gap();

  const taxName =
    rule.tax?.taxType === 'Consumption' ? 'Consumption tax' : rule.tax?.taxType === 'GST' ? 'GST/HST' : 'VAT';
  const byRate = invoice.taxDetails ?? [];
  for (const t of byRate) {
    write(`Taxable amount at ${t.taxRate} %: ${t.taxableAmount?.amount ?? '-'} ${currency}`);
    write(`${taxName} at ${t.taxRate} %: ${t.taxAmount.amount} ${currency}`);
  }
  const taxTotal = sumMoney(
    byRate.map((t) => parseMoney(t.taxAmount.amount ?? '0', currency)),
    currency,
  );
  const total = parseMoney(invoice.invoiceTotal.amount ?? '0', currency);
  const net = { ...total, ...subtract(total, byRate.length > 0 ? taxTotal : zeroMoney(currency)) };
  write(`Net total excl. tax: ${formatMoney(net)}`, { bold: true });
  write(`Total ${taxName}: ${formatMoney(byRate.length > 0 ? taxTotal : zeroMoney(currency))}`, {
    bold: true,
  });
  write(`Total incl. tax: ${formatMoney(total)}`, { bold: true });
  gap();

  if (invoice.paymentTerms) {
    const t = invoice.paymentTerms;
    write(
      `Terms of payment: ${t.type ?? 'Basic'}${t.netDueDays !== undefined ? `, net ${t.netDueDays} days` : ''}${t.discountPercent ? `, ${t.discountPercent} % discount within ${t.discountDueDays ?? 0} days` : ''}`,
    );
  }
  for (const d of invoice.additionalDetails ?? []) write(`${d.type}: ${d.detail}`);
  for (const line of legalNotes(rule)) write(line);
  return new Uint8Array(doc.output('arraybuffer'));
}

function subtract(a: ReturnType<typeof parseMoney>, b: ReturnType<typeof parseMoney>) {
  const scale = Math.max(a.scale, b.scale);
  const units = a.units * 10n ** BigInt(scale - a.scale) - b.units * 10n ** BigInt(scale - b.scale);
  return { units, scale };
}

/** The statements the marketplace's law wants on the document. */
function legalNotes(rule: MarketplaceRule): string[] {
  switch (rule.legalRegime) {
    case 'UK_VAT':
      return ['All amounts, including VAT, are shown in GBP (pounds sterling).'];
    case 'JP_QUALIFIED_INVOICE':
      return [
        'Items marked * are taxed at the reduced rate (8 %).',
        'Totals and consumption tax are shown per tax rate (10 % standard, 8 % reduced).',
      ];
    case 'CA_GST_HST':
      return ['Prices exclude GST/HST; GST/HST is shown separately per rate.'];
    case 'EU_ART_226':
      return ['Invoice issued in accordance with Art. 226 of Council Directive 2006/112/EC.'];
    default:
      return [];
  }
}
