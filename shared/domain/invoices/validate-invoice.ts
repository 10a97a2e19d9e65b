/**
 * Checks an invoice or credit note before it leaves: the payload against our schema of the
 * official vendorInvoices model, then the business rules Amazon applies (notes/domain.md 1.4 and
 * 3) and the marketplace's row of the rules table. Pure. Every failure names the field (a path in
 * the payload), the rule (a stable id an operator can look up) and what to fix.
 */
import { type Invoice, invoiceSchema, type TaxDetails } from '../../sp-api/schemas/invoices.ts';
import { describeIssues } from '../../validation.ts';
import {
  addMoney,
  compareDecimal,
  compareMoney,
  formatMoney,
  isPositiveMoney,
  isZeroMoney,
  type Money,
  moneyEquals,
  multiplyMoney,
  parseDecimal,
  parseMoney,
  subtractMoney,
  sumMoney,
  zeroMoney,
} from '../money.ts';
import { normaliseRate, percentOf } from './invoice-payload.ts';
import { allowedTaxRates, type MarketplaceRule, marketplaceRule } from './marketplace-rules.ts';

/** One reason an invoice would be refused. */
export interface InvoiceIssue {
  /** Where in the payload, e.g. `items[2].netCost.amount`. */
  readonly path: string;
  /** Stable rule id, e.g. `totals.invoiceTotal`. */
  readonly rule: string;
  readonly message: string;
}

/** A line as Amazon's PO and our acknowledgement priced it. */
export interface AcknowledgedCost {
  readonly purchaseOrderNumber: string;
  readonly amazonProductIdentifier?: string;
  readonly vendorProductIdentifier?: string;
  /** Net cost per each we acknowledged (decimal string). */
  readonly netCost: string;
  /** The PO's net cost now, when it differs from the acknowledged one (a change after acknowledgement). */
  readonly currentNetCost?: string;
}

/** What the rules are checked against. */
export interface ValidationContext {
  /** The marketplace (ISO country or config code). */
  readonly marketplace: string;
  /** Now, from the injected clock. */
  readonly now: Date;
  /** The acknowledged cost of every PO line billed; lines not found here are refused. */
  readonly acknowledgedCosts?: readonly AcknowledgedCost[];
  /** When each PO billed was issued: an invoice may not be dated before it. */
  readonly purchaseOrderDates?: Readonly<Record<string, string>>;
}

const PO_NUMBER = /^[A-Z0-9]{8}$/;

function readMoney(
  value: { currencyCode?: string | undefined; amount?: string | undefined } | undefined,
  path: string,
  currency: string,
  issues: InvoiceIssue[],
): Money | undefined {
  if (!value?.amount) {
    issues.push({ path, rule: 'money.amount', message: 'an amount is required' });
    return undefined;
  }
  if (value.currencyCode !== currency) {
    issues.push({
      path: `${path}.currencyCode`,
      rule: 'currency.marketplace',
      message: `expected ${currency}, the marketplace's currency, got ${value.currencyCode ?? 'none'}`,
    });
    return undefined;
  }
  try {
    return parseMoney(value.amount, currency);
  } catch {
    issues.push({
      path: `${path}.amount`,
      rule: 'money.amount',
      message: `"${value.amount}" is not a decimal amount`,
    });
    return undefined;
  }
}

function sameRate(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  try {
    return compareDecimal(parseDecimal(a), parseDecimal(b)) === 0;
  } catch {
    return false;
  }
}

/**
 * Every problem of `payload` in its marketplace; an empty list means it may be sent. Never throws
 * for bad input: a payload that does not even fit the model is reported field by field.
 */
export function validateInvoice(payload: unknown, context: ValidationContext): InvoiceIssue[] {
  const parsed = invoiceSchema.safeParse(payload);
  if (!parsed.success) {
    return describeIssues(parsed.error).map((i) => ({
      path: i.path,
      rule: 'model.vendorInvoices',
      message: i.message,
    }));
  }
  const rule = marketplaceRule(context.marketplace);
  if (!rule) {
    return [
      {
        path: '(marketplace)',
        rule: 'marketplace.known',
        message: `no invoicing rules for marketplace ${context.marketplace}: add its row to shared/domain/invoices/marketplace-rules.ts`,
      },
    ];
  }
  return businessIssues(parsed.data, rule, context);
}

function businessIssues(invoice: Invoice, rule: MarketplaceRule, context: ValidationContext): InvoiceIssue[] {
  const issues: InvoiceIssue[] = [];
  const currency = rule.currency;
  const credit = invoice.invoiceType === 'CreditNote';

  if (credit && !rule.creditNoteAccepted) {
    issues.push({
      path: 'invoiceType',
      rule: 'invoiceType.creditNoteAccepted',
      message: `Amazon does not accept credit notes through the API in ${rule.name}: file it in Vendor Central`,
    });
  }
  if (!invoice.id.trim())
    issues.push({ path: 'id', rule: 'id.required', message: 'the invoice number is empty' });

  // Dates: not in the future, not before the POs billed.
  const issued = Date.parse(invoice.date);
  if (issued > context.now.getTime()) {
    issues.push({
      path: 'date',
      rule: 'date.notFuture',
      message: `the invoice date ${invoice.date} is in the future`,
    });
  }

  // Parties.
  for (const role of rule.requiredParties) {
    if (!invoice[role]) {
      issues.push({ path: role, rule: 'parties.required', message: `${rule.name} requires the ${role}` });
    }
  }
  for (const role of rule.partiesWithAddress) {
    const p = invoice[role];
    if (!p) continue;
    const a = p.address;
    if (!a) {
      issues.push({
        path: `${role}.address`,
        rule: 'parties.address',
        message: 'a full address is required',
      });
      continue;
    }
    for (const field of ['name', 'addressLine1', 'city', 'postalOrZipCode', 'countryCode'] as const) {
      if (!a[field]?.trim()) {
        issues.push({
          path: `${role}.address.${field}`,
          rule: 'parties.address',
          message: `${field} is required`,
        });
      }
    }
  }
  const supplier = rule.supplierTaxRegistration;
  if (supplier) {
    const regs = invoice.remitToParty.taxRegistrationDetails ?? [];
    const own = regs.filter((r) => supplier.types.includes(r.taxRegistrationType));
    if (own.length === 0) {
      issues.push({
        path: 'remitToParty.taxRegistrationDetails',
        rule: 'taxRegistration.supplier.required',
        message: `${rule.name} requires the supplier's ${supplier.label} (${supplier.types.join('/')}, issued in ${supplier.country}): add it to parties.remitTo.taxRegistrations`,
      });
    } else if (!own.some((r) => supplier.pattern.test(r.taxRegistrationNumber))) {
      issues.push({
        path: 'remitToParty.taxRegistrationDetails[0].taxRegistrationNumber',
        rule: 'taxRegistration.supplier.format',
        message: `${own[0]!.taxRegistrationNumber} is not a ${rule.name} ${supplier.label}: expected ${supplier.shape}`,
      });
    }
  }
  if (rule.buyerTaxRegistrationRequired && !invoice.billToParty?.taxRegistrationDetails?.length) {
    issues.push({
      path: 'billToParty.taxRegistrationDetails',
      rule: 'taxRegistration.buyer.required',
      message: `${rule.name} requires the Amazon entity's VAT number (from the PO's bill-to party)`,
    });
  }

  // Lines.
  const items = invoice.items ?? [];
  if (items.length === 0) {
    issues.push({ path: 'items', rule: 'items.nonEmpty', message: 'the invoice has no lines' });
  }
  const seen = new Set<number>();
  const purchaseOrders = new Set<string>();
  const lineNets: Money[] = [];
  const lineTaxes = new Map<string, { taxable: Money; tax: Money }>();
  let lineTaxTotal = zeroMoney(currency);
  items.forEach((item, i) => {
    const at = `items[${i}]`;
    if (seen.has(item.itemSequenceNumber)) {
      issues.push({
        path: `${at}.itemSequenceNumber`,
        rule: 'items.sequenceUnique',
        message: `${item.itemSequenceNumber} is used twice`,
      });
    }
    seen.add(item.itemSequenceNumber);
    if (!item.amazonProductIdentifier && !item.vendorProductIdentifier) {
      issues.push({
        path: at,
        rule: 'items.productIdentifier',
        message: 'an ASIN or the vendor product id is required',
      });
    }
    const q = item.invoicedQuantity;
    if (q.amount <= 0) {
      issues.push({
        path: `${at}.invoicedQuantity.amount`,
        rule: 'items.quantityPositive',
        message: 'the quantity must be above zero',
      });
    }
    if (q.unitOfMeasure === 'Cases' && !(q.unitSize && q.unitSize > 0)) {
      issues.push({
        path: `${at}.invoicedQuantity.unitSize`,
        rule: 'items.caseSize',
        message: 'a quantity in cases needs the case size',
      });
    }
    const unitCost = readMoney(item.netCost, `${at}.netCost`, currency, issues);
    if (unitCost && !isPositiveMoney(unitCost)) {
      issues.push({
        path: `${at}.netCost.amount`,
        rule: 'items.netCostPositive',
        message: 'the net cost must be above zero',
      });
    }
    if (credit) {
      if (!item.creditNoteDetails) {
        issues.push({
          path: `${at}.creditNoteDetails`,
          rule: 'items.creditNoteDetails',
          message: 'a credit-note line must reference what it credits',
        });
      } else {
        const d = item.creditNoteDetails;
        if (
          !d.referenceInvoiceNumber &&
          !d.returnsReferenceNumber &&
          !d.debitNoteNumber &&
          !d.coopReferenceNumber
        ) {
          issues.push({
            path: `${at}.creditNoteDetails`,
            rule: 'items.creditNoteDetails',
            message:
              'expected the original invoice number, the returns reference, the debit note or the co-op reference',
          });
        }
        if (d.returnsReferenceNumber && !d.goodsReturnDate) {
          issues.push({
            path: `${at}.creditNoteDetails.goodsReturnDate`,
            rule: 'items.creditNoteDetails',
            message: 'a returns credit note needs the date the goods came back',
          });
        }
      }
    } else if (!item.purchaseOrderNumber) {
      issues.push({
        path: `${at}.purchaseOrderNumber`,
        rule: 'items.purchaseOrderNumber',
        message: 'an invoice line must name its PO',
      });
    } else {
      if (!PO_NUMBER.test(item.purchaseOrderNumber)) {
        issues.push({
          path: `${at}.purchaseOrderNumber`,
          rule: 'items.purchaseOrderNumber',
          message: `"${item.purchaseOrderNumber}" is not an 8-character PO number`,
        });
      }
      purchaseOrders.add(item.purchaseOrderNumber);
      const poDate = context.purchaseOrderDates?.[item.purchaseOrderNumber];
      if (poDate && issued < Date.parse(poDate)) {
        issues.push({
          path: 'date',
          rule: 'date.notBeforePurchaseOrder',
          message: `the invoice is dated before PO ${item.purchaseOrderNumber} (${poDate})`,
        });
      }
      if (context.acknowledgedCosts && unitCost)
        checkAcknowledgedCost(item, at, unitCost, context.acknowledgedCosts, issues);
    }

    const units = q.amount * (q.unitOfMeasure === 'Cases' ? (q.unitSize ?? 1) : 1);
    const net = unitCost ? multiplyMoney(unitCost, units) : undefined;
    if (net) lineNets.push(net);
    const taxes = item.taxDetails ?? [];
    if (rule.tax?.detailsRequired && taxes.length === 0) {
      issues.push({
        path: `${at}.taxDetails`,
        rule: 'tax.detailsRequired',
        message: `${rule.name} requires the tax of every line`,
      });
    }
    taxes.forEach((t, j) => {
      const tat = `${at}.taxDetails[${j}]`;
      const amounts = checkTaxDetail(t, tat, rule, issues);
      if (!amounts) return;
      lineTaxTotal = addMoney(lineTaxTotal, amounts.tax);
      if (net && amounts.taxable && !moneyEquals(amounts.taxable, net)) {
        issues.push({
          path: `${tat}.taxableAmount.amount`,
          rule: 'tax.lineTaxable',
          message: `expected the line's net ${formatMoney(net)}, got ${formatMoney(amounts.taxable)}`,
        });
      }
      if (net && t.taxRate !== undefined) {
        const expected = percentOf(net, t.taxRate);
        if (!moneyEquals(expected, amounts.tax)) {
          issues.push({
            path: `${tat}.taxAmount.amount`,
            rule: 'tax.lineAmount',
            message: `${t.taxRate} % of ${formatMoney(net)} is ${formatMoney(expected)}, got ${formatMoney(amounts.tax)}`,
          });
        }
        const key = `${t.taxType}@${normaliseRate(t.taxRate)}`;
        const sum = lineTaxes.get(key) ?? { taxable: zeroMoney(currency), tax: zeroMoney(currency) };
        lineTaxes.set(key, { taxable: addMoney(sum.taxable, net), tax: addMoney(sum.tax, amounts.tax) });
      }
    });
  });
  if (!credit && !rule.multiplePurchaseOrdersPerInvoice && purchaseOrders.size > 1) {
    issues.push({
      path: 'items',
      rule: 'items.singlePurchaseOrder',
      message: `${rule.name} takes one PO per invoice; this one bills ${[...purchaseOrders].join(', ')}`,
    });
  }

  // Header tax: one entry per tax type and rate, each the sum of its lines.
  const header = invoice.taxDetails ?? [];
  if (rule.tax?.detailsRequired && header.length === 0 && items.length > 0) {
    issues.push({
      path: 'taxDetails',
      rule: 'tax.detailsRequired',
      message: `${rule.name} requires the tax totals per rate in the header`,
    });
  }
  let headerTax = zeroMoney(currency);
  header.forEach((t, j) => {
    const tat = `taxDetails[${j}]`;
    const amounts = checkTaxDetail(t, tat, rule, issues);
    if (!amounts) return;
    headerTax = addMoney(headerTax, amounts.tax);
    const key = t.taxRate === undefined ? undefined : `${t.taxType}@${normaliseRate(t.taxRate)}`;
    const lines = key ? lineTaxes.get(key) : undefined;
    if (!lines) {
      issues.push({
        path: tat,
        rule: 'totals.headerTax',
        message: `no line carries ${t.taxType} at ${t.taxRate ?? 'no rate'} %`,
      });
      return;
    }
    if (!moneyEquals(lines.tax, amounts.tax)) {
      issues.push({
        path: `${tat}.taxAmount.amount`,
        rule: 'totals.headerTax',
        message: `the lines' ${t.taxType} at ${t.taxRate} % adds up to ${formatMoney(lines.tax)}, the header says ${formatMoney(amounts.tax)}`,
      });
    }
    if (amounts.taxable && !moneyEquals(lines.taxable, amounts.taxable)) {
      issues.push({
        path: `${tat}.taxableAmount.amount`,
        rule: 'totals.headerTaxable',
        message: `the lines' net at ${t.taxRate} % is ${formatMoney(lines.taxable)}, the header says ${formatMoney(amounts.taxable)}`,
      });
    }
  });
  if (header.length > 0 && !moneyEquals(headerTax, lineTaxTotal)) {
    issues.push({
      path: 'taxDetails',
      rule: 'totals.headerTax',
      message: `the header's tax ${formatMoney(headerTax)} differs from the lines' ${formatMoney(lineTaxTotal)}`,
    });
  }

  // The total: lines + tax + charges − allowances (each itemised in the header).
  const total = readMoney(invoice.invoiceTotal, 'invoiceTotal', currency, issues);
  if (total) {
    if (isZeroMoney(total))
      issues.push({
        path: 'invoiceTotal.amount',
        rule: 'totals.nonZero',
        message: 'Amazon refuses a total of zero',
      });
    const charges = (invoice.chargeDetails ?? []).map(
      (c, j) =>
        readMoney(c.chargeAmount, `chargeDetails[${j}].chargeAmount`, currency, issues) ??
        zeroMoney(currency),
    );
    const allowances = (invoice.allowanceDetails ?? []).map(
      (a, j) =>
        readMoney(a.allowanceAmount, `allowanceDetails[${j}].allowanceAmount`, currency, issues) ??
        zeroMoney(currency),
    );
    const tax = header.length > 0 ? headerTax : lineTaxTotal;
    const expected = subtractMoney(
      addMoney(addMoney(sumMoney(lineNets, currency), tax), sumMoney(charges, currency)),
      sumMoney(allowances, currency),
    );
    if (lineNets.length === items.length && !moneyEquals(expected, total)) {
      issues.push({
        path: 'invoiceTotal.amount',
        rule: 'totals.invoiceTotal',
        message: `the lines, tax, charges and allowances add up to ${formatMoney(expected)}, the total says ${formatMoney(total)}`,
      });
    }
    checkDocumentTiers(invoice, rule, total, issues);
  }

  for (const detail of rule.additionalDetails ?? []) {
    if (credit) continue;
    if (!invoice.additionalDetails?.some((d) => d.type === detail.type && d.detail === detail.detail)) {
      issues.push({
        path: 'additionalDetails',
        rule: 'additionalDetails.required',
        message: `${rule.name} requires ${detail.type} "${detail.detail}"`,
      });
    }
  }
  return issues;
}

function checkTaxDetail(
  t: TaxDetails,
  at: string,
  rule: MarketplaceRule,
  issues: InvoiceIssue[],
): { tax: Money; taxable?: Money } | undefined {
  if (!rule.tax) {
    issues.push({
      path: at,
      rule: 'tax.notCharged',
      message: `no tax is charged on supplies to Amazon in ${rule.name}`,
    });
    return undefined;
  }
  if (t.taxType !== rule.tax.taxType) {
    issues.push({
      path: `${at}.taxType`,
      rule: 'tax.type',
      message: `${rule.name} expects taxType ${rule.tax.taxType}, got ${t.taxType}`,
    });
  }
  if (t.taxRate === undefined) {
    issues.push({ path: `${at}.taxRate`, rule: 'tax.rateAllowed', message: 'the tax rate is required' });
  } else if (!allowedTaxRates(rule).some((r) => sameRate(t.taxRate, r))) {
    issues.push({
      path: `${at}.taxRate`,
      rule: 'tax.rateAllowed',
      message: `${t.taxRate} % is not a ${rule.name} rate (${allowedTaxRates(rule).join(', ')})`,
    });
  }
  const tax = readMoney(t.taxAmount, `${at}.taxAmount`, rule.currency, issues);
  const taxable = t.taxableAmount
    ? readMoney(t.taxableAmount, `${at}.taxableAmount`, rule.currency, issues)
    : undefined;
  if (!tax) return undefined;
  if (compareMoney(tax, zeroMoney(rule.currency)) < 0) {
    issues.push({
      path: `${at}.taxAmount.amount`,
      rule: 'tax.lineAmount',
      message: 'a tax amount cannot be negative',
    });
  }
  return taxable ? { tax, taxable } : { tax };
}

function checkAcknowledgedCost(
  item: NonNullable<Invoice['items']>[number],
  at: string,
  unitCost: Money,
  acknowledged: readonly AcknowledgedCost[],
  issues: InvoiceIssue[],
): void {
  const match = acknowledged.find(
    (a) =>
      a.purchaseOrderNumber === item.purchaseOrderNumber &&
      ((item.amazonProductIdentifier && a.amazonProductIdentifier === item.amazonProductIdentifier) ||
        (item.vendorProductIdentifier && a.vendorProductIdentifier === item.vendorProductIdentifier)),
  );
  if (!match) {
    issues.push({
      path: at,
      rule: 'items.onPurchaseOrder',
      message: `PO ${item.purchaseOrderNumber} has no acknowledged line for this product`,
    });
    return;
  }
  const ack = parseMoney(match.netCost, unitCost.currency);
  if (!moneyEquals(ack, unitCost)) {
    issues.push({
      path: `${at}.netCost.amount`,
      rule: 'items.netCostAcknowledged',
      message: `expected the acknowledged cost ${formatMoney(ack)}, got ${formatMoney(unitCost)}`,
    });
  }
  if (
    match.currentNetCost !== undefined &&
    !moneyEquals(parseMoney(match.currentNetCost, unitCost.currency), ack)
  ) {
    issues.push({
      path: `${at}.netCost.amount`,
      rule: 'items.costChangedAfterAcknowledgement',
      message: `PO ${item.purchaseOrderNumber} now says ${match.currentNetCost}, it was acknowledged at ${formatMoney(ack)}: settle the cost with Amazon before invoicing`,
    });
  }
}

function checkDocumentTiers(
  invoice: Invoice,
  rule: MarketplaceRule,
  total: Money,
  issues: InvoiceIssue[],
): void {
  for (const tier of rule.documentTiers ?? []) {
    if (compareMoney(total, parseMoney(tier.fromTotal, rule.currency)) < 0) continue;
    for (const need of tier.requires) {
      const missing =
        (need === 'paymentTerms' && !invoice.paymentTerms) ||
        (need === 'buyerName' && !invoice.billToParty?.address?.name && !invoice.billToParty?.partyId) ||
        (need === 'supplierName' && !invoice.remitToParty.address?.name) ||
        (need === 'taxAmount' && !(invoice.taxDetails ?? []).length);
      if (missing) {
        issues.push({
          path:
            need === 'paymentTerms'
              ? 'paymentTerms'
              : need === 'taxAmount'
                ? 'taxDetails'
                : need === 'buyerName'
                  ? 'billToParty'
                  : 'remitToParty.address.name',
          rule: `documentTier.${need}`,
          message: `${rule.name} requires ${need} on an invoice of ${tier.fromTotal} ${rule.currency} or more`,
        });
      }
    }
  }
}
