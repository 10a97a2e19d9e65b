/**
 * Builds the vendorInvoices `Invoice` of an invoice or credit note from what Acorn knows (parties,
 * lines with their net cost per each and tax rate). Pure, decimal arithmetic only: line net =
 * net cost × units × unit size; line tax = line net × rate, rounded half up to the currency's minor
 * unit; header tax per rate = the sum of the line taxes at that rate (so Amazon's "sum of line tax
 * equals header tax" holds by construction); total = net + tax.
 */
import type { CreditNoteDetails, Invoice, InvoiceItem, TaxDetails } from '../../sp-api/schemas/invoices.ts';
import {
  addMoney,
  currencyMinorDigits,
  formatAmount,
  formatDecimal,
  type Money,
  multiplyMoney,
  parseDecimal,
  parseMoney,
  sumMoney,
  zeroMoney,
} from '../money.ts';
import type { MarketplaceRule } from './marketplace-rules.ts';

/** An address as the invoice carries it. */
export interface InvoiceAddress {
  readonly name: string;
  readonly addressLine1: string;
  readonly addressLine2?: string;
  readonly city?: string;
  readonly stateOrRegion?: string;
  readonly postalCode?: string;
  readonly countryCode: string;
}

/** A party of the invoice: who is paid, billed, shipped to and from. */
export interface InvoiceParty {
  readonly partyId: string;
  readonly address?: InvoiceAddress;
  readonly taxRegistrations?: readonly { readonly type: 'VAT' | 'GST'; readonly number: string }[];
}

/** One line to invoice (or credit). */
export interface InvoiceLineInput {
  readonly itemSequenceNumber: number;
  /** Mandatory on an Invoice; not used on a CreditNote. */
  readonly purchaseOrderNumber?: string;
  readonly amazonProductIdentifier?: string;
  readonly vendorProductIdentifier?: string;
  /** What the goods are, for the PDF (the payload has no description field). */
  readonly description?: string;
  readonly quantity: {
    readonly amount: number;
    readonly unitOfMeasure: 'Cases' | 'Eaches';
    readonly unitSize: number;
  };
  /** Net cost per each, excluding tax, as a decimal string. */
  readonly netCost: string;
  /** Tax rate in percent (decimal string); absent where the marketplace charges no tax. */
  readonly taxRate?: string;
  /** Required on a CreditNote line (notes/domain.md 1.4). */
  readonly creditNoteDetails?: CreditNoteDetails;
}

/** Everything the payload is built from. */
export interface InvoiceInput {
  readonly invoiceType: 'Invoice' | 'CreditNote';
  readonly invoiceNumber: string;
  /** ISO instant of issue. */
  readonly invoiceDate: string;
  readonly currency: string;
  readonly remitTo: InvoiceParty;
  readonly billTo?: InvoiceParty;
  readonly shipTo?: InvoiceParty;
  readonly shipFrom?: InvoiceParty;
  readonly paymentTerms?: {
    readonly type?:
      | 'Basic'
      | 'EndOfMonth'
      | 'FixedDate'
      | 'Proximo'
      | 'PaymentDueUponReceiptOfInvoice'
      | 'LetterofCredit';
    readonly netDueDays?: number;
    readonly discountPercent?: string;
    readonly discountDueDays?: number;
  };
  readonly referenceNumber?: string;
  readonly lines: readonly InvoiceLineInput[];
}

/** One line's amounts. */
export interface LineAmounts {
  readonly itemSequenceNumber: number;
  readonly units: number;
  readonly net: Money;
  readonly tax: Money;
  readonly taxRate?: string;
}

/** The totals of an invoice: net, tax, gross, and net and tax per rate. */
export interface InvoiceTotals {
  readonly net: Money;
  readonly tax: Money;
  readonly total: Money;
  readonly byRate: readonly { readonly rate: string; readonly taxable: Money; readonly tax: Money }[];
  readonly lines: readonly LineAmounts[];
}

/** The payload and the amounts it was computed from. */
export interface BuiltInvoice {
  readonly payload: Invoice;
  readonly totals: InvoiceTotals;
}

/**
 * `amount × rate %`, rounded half up (away from zero) to the currency's minor unit. Exact: the
 * product is formed in integers before the one division.
 */
export function percentOf(amount: Money, ratePercent: string): Money {
  const rate = parseDecimal(ratePercent);
  const digits = currencyMinorDigits(amount.currency);
  // amount.units × rate.units / 10^(amount.scale + rate.scale + 2) → at `digits` decimals.
  const shift = amount.scale + rate.scale + 2 - digits;
  let units = amount.units * rate.units;
  if (shift > 0) {
    const divisor = 10n ** BigInt(shift);
    const negative = units < 0n;
    const abs = negative ? -units : units;
    let q = abs / divisor;
    if ((abs % divisor) * 2n >= divisor) q += 1n;
    units = negative ? -q : q;
  } else if (shift < 0) {
    units *= 10n ** BigInt(-shift);
  }
  return { currency: amount.currency, units, scale: digits };
}

/** Units (eaches) of a line's quantity. */
export function unitsOf(quantity: InvoiceLineInput['quantity']): number {
  return quantity.amount * (quantity.unitOfMeasure === 'Cases' ? quantity.unitSize : 1);
}

/** The amounts of every line and the invoice. Throws InvalidAmountError for an unreadable cost or rate. */
export function invoiceTotals(input: Pick<InvoiceInput, 'currency' | 'lines'>): InvoiceTotals {
  const lines: LineAmounts[] = input.lines.map((line) => {
    const units = unitsOf(line.quantity);
    const net = multiplyMoney(parseMoney(line.netCost, input.currency), units);
    const tax = line.taxRate === undefined ? zeroMoney(input.currency) : percentOf(net, line.taxRate);
    return {
      itemSequenceNumber: line.itemSequenceNumber,
      units,
      net,
      tax,
      ...(line.taxRate === undefined ? {} : { taxRate: normaliseRate(line.taxRate) }),
    };
  });
  const rates = new Map<string, { taxable: Money; tax: Money }>();
  for (const line of lines) {
    if (line.taxRate === undefined) continue;
    const sum = rates.get(line.taxRate) ?? {
      taxable: zeroMoney(input.currency),
      tax: zeroMoney(input.currency),
    };
    rates.set(line.taxRate, { taxable: addMoney(sum.taxable, line.net), tax: addMoney(sum.tax, line.tax) });
  }
  const net = sumMoney(
    lines.map((l) => l.net),
    input.currency,
  );
  const tax = sumMoney(
    lines.map((l) => l.tax),
    input.currency,
  );
  return {
    net,
    tax,
    total: addMoney(net, tax),
    byRate: [...rates.entries()].map(([rate, sums]) => ({ rate, ...sums })),
    lines,
  };
}

/** A rate as one canonical decimal string: `"19.0"` → `"19"`. */
export function normaliseRate(rate: string): string {
  return formatDecimal(parseDecimal(rate));
}

const money = (amount: Money) => ({ currencyCode: amount.currency, amount: formatAmount(amount) });

function party(p: InvoiceParty): NonNullable<Invoice['billToParty']> {
  return {
    partyId: p.partyId,
    ...(p.address
      ? {
          address: {
            name: p.address.name,
            addressLine1: p.address.addressLine1,
            ...(p.address.addressLine2 ? { addressLine2: p.address.addressLine2 } : {}),
            ...(p.address.city ? { city: p.address.city } : {}),
            ...(p.address.stateOrRegion ? { stateOrRegion: p.address.stateOrRegion } : {}),
            ...(p.address.postalCode ? { postalOrZipCode: p.address.postalCode } : {}),
            countryCode: p.address.countryCode,
          },
        }
      : {}),
    ...(p.taxRegistrations && p.taxRegistrations.length > 0
      ? {
          taxRegistrationDetails: p.taxRegistrations.map((r) => ({
            taxRegistrationType: r.type,
            taxRegistrationNumber: r.number,
          })),
        }
      : {}),
  };
}

/**
 * The vendorInvoices `Invoice` for `input` in the marketplace of `rule`: parties, payment terms,
 * the marketplace's additional details, line and header tax details (where the marketplace taxes
 * the supply), and the total. Validate it with `validateInvoice` before it goes anywhere.
 */
export function buildInvoicePayload(input: InvoiceInput, rule: MarketplaceRule): BuiltInvoice {
  const totals = invoiceTotals(input);
  const taxType = rule.tax?.taxType;
  const items: InvoiceItem[] = input.lines.map((line, i) => {
    const amounts = totals.lines[i]!;
    const taxDetails: TaxDetails[] | undefined =
      taxType && amounts.taxRate !== undefined
        ? [
            {
              taxType,
              taxRate: amounts.taxRate,
              taxAmount: money(amounts.tax),
              taxableAmount: money(amounts.net),
            },
          ]
        : undefined;
    return {
      itemSequenceNumber: line.itemSequenceNumber,
      ...(line.amazonProductIdentifier ? { amazonProductIdentifier: line.amazonProductIdentifier } : {}),
      ...(line.vendorProductIdentifier ? { vendorProductIdentifier: line.vendorProductIdentifier } : {}),
      invoicedQuantity: {
        amount: line.quantity.amount,
        unitOfMeasure: line.quantity.unitOfMeasure,
        ...(line.quantity.unitOfMeasure === 'Cases' ? { unitSize: line.quantity.unitSize } : {}),
      },
      netCost: money(parseMoney(line.netCost, input.currency)),
      ...(input.invoiceType === 'Invoice' && line.purchaseOrderNumber
        ? { purchaseOrderNumber: line.purchaseOrderNumber }
        : {}),
      ...(input.invoiceType === 'CreditNote' && line.creditNoteDetails
        ? { creditNoteDetails: line.creditNoteDetails }
        : {}),
      ...(taxDetails ? { taxDetails } : {}),
    };
  });
  const headerTax: TaxDetails[] = taxType
    ? totals.byRate.map((r) => ({
        taxType,
        taxRate: r.rate,
        taxAmount: money(r.tax),
        taxableAmount: money(r.taxable),
      }))
    : [];
  const payload: Invoice = {
    invoiceType: input.invoiceType,
    id: input.invoiceNumber,
    ...(input.referenceNumber ? { referenceNumber: input.referenceNumber } : {}),
    date: input.invoiceDate,
    remitToParty: party(input.remitTo),
    ...(input.shipTo ? { shipToParty: party(input.shipTo) } : {}),
    ...(input.shipFrom ? { shipFromParty: party(input.shipFrom) } : {}),
    ...(input.billTo ? { billToParty: party(input.billTo) } : {}),
    ...(input.paymentTerms ? { paymentTerms: { ...input.paymentTerms } } : {}),
    invoiceTotal: money(totals.total),
    ...(headerTax.length > 0 ? { taxDetails: headerTax } : {}),
    ...(rule.additionalDetails ? { additionalDetails: rule.additionalDetails.map((d) => ({ ...d })) } : {}),
    items,
  };
  return { payload, totals };
}
