/**
 * What each marketplace requires of a vendor invoice, as data (ARCHITECTURE rule 4): one row per
 * marketplace, read by the payload builder, the validator and the PDF renderer. Adding a
 * marketplace is adding a row. Sources: notes/domain.md 1.4 and 3 (Amazon's vendor invoice guide,
 * EU VAT Directive Art. 226, HMRC VAT invoices, CRA GST/HST input-tax-credit tiers, Japan's
 * qualified invoice system). Rates are the standard rates in force in 2026; a reduced rate applies
 * only when a line says so.
 */
import type { TaxDetails } from '../../sp-api/schemas/invoices.ts';

/** An invoice party in the vendorInvoices model. */
export type InvoicePartyRole = 'remitToParty' | 'billToParty' | 'shipToParty' | 'shipFromParty';

/** Which body of law decides the document's content (and the PDF's legal block). */
export type LegalRegime = 'EU_ART_226' | 'UK_VAT' | 'JP_QUALIFIED_INVOICE' | 'CA_GST_HST' | 'MX_CFDI' | 'US';

/** A tax registration the supplier (remit-to party) must show, and how it looks. */
export interface TaxRegistrationRule {
  /** Types the vendorInvoices model allows here (its enum is only VAT | GST). */
  readonly types: readonly ('VAT' | 'GST')[];
  /** The country that must have issued the registration. */
  readonly country: string;
  /** The number's shape. */
  readonly pattern: RegExp;
  /** What the number is called on the document. */
  readonly label: string;
  /** What the shape is, in words, for the error message. */
  readonly shape: string;
}

/**
 * Canada's documentary requirements for an input tax credit, by invoice total (CRA, since
 * 2021-04-20): each tier adds to those below it.
 */
export interface DocumentTier {
  /** From this total (incl. tax, decimal string in the currency) upwards. */
  readonly fromTotal: string;
  readonly requires: readonly (
    | 'supplierName'
    | 'invoiceDate'
    | 'total'
    | 'supplierTaxRegistration'
    | 'taxAmount'
    | 'buyerName'
    | 'itemDescription'
    | 'paymentTerms'
  )[];
}

/** One marketplace's invoicing rules. */
export interface MarketplaceRule {
  /** ISO 3166 country (the invoice record's `marketplace`): `GB`, not `UK`. */
  readonly country: string;
  /** The code acorn.config.json uses for the marketplace (`UK` for GB). */
  readonly configCode: string;
  /** Amazon's marketplace id (the Finances Invoices API filters by it). */
  readonly marketplaceId: string;
  readonly name: string;
  readonly currency: string;
  readonly legalRegime: LegalRegime;
  /** Parties the invoice must carry (remit-to is always required by the model). */
  readonly requiredParties: readonly InvoicePartyRole[];
  /** Parties whose full address must be on the invoice (not only the party id). */
  readonly partiesWithAddress: readonly InvoicePartyRole[];
  /** The supplier's tax registration the invoice must show; undefined where none is required. */
  readonly supplierTaxRegistration?: TaxRegistrationRule;
  /** Whether the buyer's (Amazon entity's) VAT number must be on the invoice. */
  readonly buyerTaxRegistrationRequired: boolean;
  /**
   * Tax charged on the supply: `taxType` as the model spells it, and rates in percent (decimal
   * strings). Undefined where the vendor charges no tax to Amazon (US resale).
   */
  readonly tax?: {
    readonly taxType: TaxDetails['taxType'];
    readonly standardRate: string;
    readonly reducedRates: readonly string[];
    /** Rates by ship-to region where they differ from the standard (Canada's HST provinces). */
    readonly regionalRates?: Readonly<Record<string, string>>;
    /** Whether `taxDetails` must be sent at header and line level (Amazon EU: "to be sent"). */
    readonly detailsRequired: boolean;
  };
  /** Whether Amazon accepts `invoiceType: CreditNote` through submitInvoices here. */
  readonly creditNoteAccepted: boolean;
  /** Whether one invoice may bill several POs (PO number per line). */
  readonly multiplePurchaseOrdersPerInvoice: boolean;
  /** Extra regulatory details the payload carries, e.g. Poland's split-payment marker. */
  readonly additionalDetails?: readonly {
    type: 'SUR' | 'OCR' | 'CartonCount';
    detail: string;
    languageCode?: string;
  }[];
  /** Canada: what the document must show at each total. */
  readonly documentTiers?: readonly DocumentTier[];
  /** How dates are written on the PDF. */
  readonly dateFormat: 'YYYY-MM-DD' | 'DD.MM.YYYY' | 'DD/MM/YYYY' | 'MM/DD/YYYY' | 'YYYY/MM/DD';
  /** Whether the PDF must show every amount also in the marketplace currency (UK: VAT in sterling). */
  readonly vatInLocalCurrency: boolean;
}

/** Amazon's marketplace ids by ISO country (notes/domain.md 5). */
export const MARKETPLACE_IDS: Readonly<Record<string, string>> = {
  US: 'ATVPDKIKX0DER',
  CA: 'A2EUQ1WTGCTBG2',
  MX: 'A1AM78C64UM0Y8',
  GB: 'A1F83G8C2ARO7P',
  DE: 'A1PA6795UKMFR9',
  FR: 'A13V1IB3VIYZZH',
  IT: 'APJ6JRA9NG5V4',
  ES: 'A1RKKUPIHCS9HS',
  NL: 'A1805IZSGTT6HS',
  PL: 'A1C3SOZRARQ6R3',
  SE: 'A2NODRKZP88ZB9',
  BE: 'AMEN7PMS3EDWL',
  IE: 'A28R8C7NBKEWEA',
  JP: 'A1VC38T7YXB528',
};

const eu = (
  country: string,
  name: string,
  currency: string,
  standardRate: string,
  reducedRates: string[],
  vatPattern: RegExp,
  shape: string,
  dateFormat: MarketplaceRule['dateFormat'],
  extra: Partial<MarketplaceRule> = {},
): MarketplaceRule => ({
  country,
  configCode: country,
  marketplaceId: MARKETPLACE_IDS[country] ?? '',
  name,
  currency,
  legalRegime: 'EU_ART_226',
  requiredParties: ['remitToParty', 'billToParty', 'shipToParty', 'shipFromParty'],
  partiesWithAddress: ['remitToParty', 'billToParty', 'shipFromParty'],
  supplierTaxRegistration: { types: ['VAT'], country, pattern: vatPattern, label: 'VAT ID', shape },
  buyerTaxRegistrationRequired: true,
  tax: { taxType: 'VAT', standardRate, reducedRates, detailsRequired: true },
  creditNoteAccepted: true,
  multiplePurchaseOrdersPerInvoice: true,
  dateFormat,
  vatInLocalCurrency: false,
  ...extra,
});

/** Every marketplace Acorn invoices in, by ISO country. */
export const MARKETPLACE_RULES: Readonly<Record<string, MarketplaceRule>> = {
  US: {
    country: 'US',
    configCode: 'US',
    marketplaceId: MARKETPLACE_IDS.US!,
    name: 'United States',
    currency: 'USD',
    legalRegime: 'US',
    requiredParties: ['remitToParty', 'billToParty', 'shipToParty', 'shipFromParty'],
    partiesWithAddress: ['remitToParty', 'shipFromParty'],
    buyerTaxRegistrationRequired: false,
    creditNoteAccepted: false,
    multiplePurchaseOrdersPerInvoice: true,
    dateFormat: 'MM/DD/YYYY',
    vatInLocalCurrency: false,
  },
  CA: {
    country: 'CA',
    configCode: 'CA',
    marketplaceId: MARKETPLACE_IDS.CA!,
    name: 'Canada',
    currency: 'CAD',
    legalRegime: 'CA_GST_HST',
    requiredParties: ['remitToParty', 'billToParty', 'shipToParty', 'shipFromParty'],
    partiesWithAddress: ['remitToParty', 'shipFromParty'],
    supplierTaxRegistration: {
      types: ['GST'],
      country: 'CA',
      // Business number (9 digits) + RT program account.
      pattern: /^\d{9} ?RT ?\d{4}$/,
      label: 'GST/HST registration number',
      shape: 'a business number and RT account: 123456789RT0001',
    },
    buyerTaxRegistrationRequired: false,
    tax: {
      taxType: 'GST',
      standardRate: '5',
      reducedRates: ['0'],
      regionalRates: { ON: '13', NB: '15', NL: '15', NS: '14', PE: '15' },
      detailsRequired: true,
    },
    creditNoteAccepted: false,
    multiplePurchaseOrdersPerInvoice: true,
    documentTiers: [
      { fromTotal: '0', requires: ['supplierName', 'invoiceDate', 'total'] },
      { fromTotal: '100', requires: ['supplierTaxRegistration', 'taxAmount'] },
      { fromTotal: '500', requires: ['buyerName', 'itemDescription', 'paymentTerms'] },
    ],
    dateFormat: 'YYYY-MM-DD',
    vatInLocalCurrency: false,
  },
  MX: {
    country: 'MX',
    configCode: 'MX',
    marketplaceId: MARKETPLACE_IDS.MX!,
    name: 'Mexico',
    currency: 'MXN',
    legalRegime: 'MX_CFDI',
    requiredParties: ['remitToParty', 'billToParty', 'shipToParty', 'shipFromParty'],
    partiesWithAddress: ['remitToParty', 'shipFromParty'],
    supplierTaxRegistration: {
      // The RFC travels as the model's VAT registration: the model has no other type.
      types: ['VAT'],
      country: 'MX',
      pattern: /^[A-Z&Ñ]{3,4}\d{6}[A-Z0-9]{3}$/,
      label: 'RFC',
      shape: 'an RFC of 12 or 13 characters: ABC010203XY1',
    },
    buyerTaxRegistrationRequired: false,
    tax: { taxType: 'VAT', standardRate: '16', reducedRates: ['0'], detailsRequired: true },
    creditNoteAccepted: false,
    multiplePurchaseOrdersPerInvoice: true,
    dateFormat: 'DD/MM/YYYY',
    vatInLocalCurrency: false,
  },
  GB: {
    ...eu(
      'GB',
      'United Kingdom',
      'GBP',
      '20',
      ['5', '0'],
      /^GB(\d{9}|\d{12})$/,
      'GB and 9 digits',
      'DD/MM/YYYY',
    ),
    configCode: 'UK',
    legalRegime: 'UK_VAT',
    vatInLocalCurrency: true,
  },
  DE: eu('DE', 'Germany', 'EUR', '19', ['7'], /^DE\d{9}$/, 'DE and 9 digits', 'DD.MM.YYYY'),
  FR: eu(
    'FR',
    'France',
    'EUR',
    '20',
    ['10', '5.5'],
    /^FR[0-9A-Z]{2}\d{9}$/,
    'FR, 2 characters and 9 digits',
    'DD/MM/YYYY',
  ),
  IT: eu('IT', 'Italy', 'EUR', '22', ['10', '4'], /^IT\d{11}$/, 'IT and 11 digits', 'DD/MM/YYYY'),
  ES: eu(
    'ES',
    'Spain',
    'EUR',
    '21',
    ['10', '4'],
    /^ES[0-9A-Z]\d{7}[0-9A-Z]$/,
    'ES and 9 characters',
    'DD/MM/YYYY',
  ),
  NL: eu(
    'NL',
    'Netherlands',
    'EUR',
    '21',
    ['9'],
    /^NL\d{9}B\d{2}$/,
    'NL, 9 digits, B and 2 digits',
    'DD.MM.YYYY',
  ),
  PL: eu('PL', 'Poland', 'PLN', '23', ['8', '5'], /^PL\d{10}$/, 'PL and 10 digits', 'DD.MM.YYYY', {
    // The split-payment marker Amazon's guide asks for (notes/domain.md 1.4).
    additionalDetails: [{ type: 'SUR', detail: 'mechanizm podzielonej płatności', languageCode: 'PL' }],
  }),
  SE: eu('SE', 'Sweden', 'SEK', '25', ['12', '6'], /^SE\d{10}01$/, 'SE, 10 digits and 01', 'YYYY-MM-DD'),
  BE: eu(
    'BE',
    'Belgium',
    'EUR',
    '21',
    ['12', '6'],
    /^BE[01]\d{9}$/,
    'BE and 10 digits starting 0 or 1',
    'DD/MM/YYYY',
  ),
  IE: eu(
    'IE',
    'Ireland',
    'EUR',
    '23',
    ['13.5', '9'],
    /^IE\d{7}[A-W][A-IW]?$/,
    'IE, 7 digits and 1–2 letters',
    'DD/MM/YYYY',
  ),
  JP: {
    country: 'JP',
    configCode: 'JP',
    marketplaceId: MARKETPLACE_IDS.JP!,
    name: 'Japan',
    currency: 'JPY',
    legalRegime: 'JP_QUALIFIED_INVOICE',
    requiredParties: ['remitToParty', 'billToParty', 'shipToParty', 'shipFromParty'],
    partiesWithAddress: ['remitToParty', 'shipFromParty'],
    supplierTaxRegistration: {
      // The model's description of the number names a "Consumption Tax ID"; its type enum has no
      // JCT value, so the registration travels as VAT (an open question with Amazon JP).
      types: ['VAT'],
      country: 'JP',
      pattern: /^T\d{13}$/,
      label: 'Qualified invoice issuer registration number',
      shape: 'T followed by 13 digits',
    },
    buyerTaxRegistrationRequired: false,
    tax: { taxType: 'Consumption', standardRate: '10', reducedRates: ['8'], detailsRequired: true },
    creditNoteAccepted: false,
    multiplePurchaseOrdersPerInvoice: true,
    dateFormat: 'YYYY/MM/DD',
    vatInLocalCurrency: false,
  },
};

/** The rule of a marketplace, by ISO country (`GB`) or config code (`UK`); undefined when unknown. */
export function marketplaceRule(code: string): MarketplaceRule | undefined {
  const key = code.toUpperCase();
  return MARKETPLACE_RULES[key] ?? Object.values(MARKETPLACE_RULES).find((r) => r.configCode === key);
}

/**
 * The tax rate (percent, decimal string) of a supply in a marketplace: the ship-to region's where
 * the row has regional rates, else the standard rate. Undefined where no tax is charged.
 */
export function taxRateOf(rule: MarketplaceRule, shipToRegion?: string): string | undefined {
  if (!rule.tax) return undefined;
  const regional = shipToRegion ? rule.tax.regionalRates?.[shipToRegion.toUpperCase()] : undefined;
  return regional ?? rule.tax.standardRate;
}

/** The rates a marketplace allows on an invoice line. */
export function allowedTaxRates(rule: MarketplaceRule): string[] {
  if (!rule.tax) return [];
  return [rule.tax.standardRate, ...rule.tax.reducedRates, ...Object.values(rule.tax.regionalRates ?? {})];
}
