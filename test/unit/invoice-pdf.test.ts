import { extractText, getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { buildInvoicePayload, type InvoiceInput } from '#shared/domain/invoices/invoice-payload.ts';
import { renderInvoicePdf } from '#shared/domain/invoices/invoice-pdf.ts';
import { MARKETPLACE_RULES } from '#shared/domain/invoices/marketplace-rules.ts';
import { REMIT_TO, SHIP_FROM } from '../support/invoice-fakes.ts';

async function textOf(pdf: Uint8Array): Promise<string> {
  const doc = await getDocumentProxy(new Uint8Array(pdf));
  const { text } = await extractText(doc, { mergePages: true });
  return text.replace(/\s+/g, ' ');
}

function input(country: string, overrides: Partial<InvoiceInput> = {}): InvoiceInput {
  const rule = MARKETPLACE_RULES[country]!;
  const registration = REMIT_TO.taxRegistrations.find((r) => r.country === country);
  return {
    invoiceType: 'Invoice',
    invoiceNumber: 'ACME-INV-000042',
    invoiceDate: '2026-12-10T10:00:00Z',
    currency: rule.currency,
    remitTo: {
      partyId: 'ACMEREMIT',
      address: REMIT_TO.address,
      taxRegistrations: registration ? [{ type: registration.type, number: registration.number }] : [],
    },
    billTo: {
      partyId: `AMAZON_${country}`,
      address: {
        name: `Amazon ${rule.name} Entity`,
        addressLine1: '1 Buyer Street',
        city: 'Buyertown',
        postalCode: '12345',
        countryCode: country,
      },
      taxRegistrations: rule.buyerTaxRegistrationRequired
        ? [{ type: 'VAT', number: `${country}999999999` }]
        : [],
    },
    shipTo: { partyId: 'FC01' },
    shipFrom: SHIP_FROM,
    paymentTerms: { type: 'Basic', netDueDays: 60 },
    lines: [
      {
        itemSequenceNumber: 1,
        purchaseOrderNumber: '4Z32PABC',
        amazonProductIdentifier: 'B000000001',
        quantity: { amount: 4, unitOfMeasure: 'Eaches', unitSize: 1 },
        netCost: rule.currency === 'JPY' ? '1500' : '12.50',
        ...(rule.tax ? { taxRate: rule.tax.standardRate } : {}),
      },
      {
        itemSequenceNumber: 2,
        purchaseOrderNumber: '4Z32PABC',
        vendorProductIdentifier: '4006381333931',
        quantity: { amount: 2, unitOfMeasure: 'Cases', unitSize: 6 },
        netCost: rule.currency === 'JPY' ? '300' : '3.10',
        ...(rule.tax ? { taxRate: rule.tax.reducedRates[0] } : {}),
      },
    ],
    ...overrides,
  };
}

describe('the invoice PDF shows what the law asks of the document', () => {
  it('EU (Art. 226): number, dates, both VAT ids, names and addresses, goods, unit price, taxable amount, rate and VAT per rate', async () => {
    // Prepare
    const rule = MARKETPLACE_RULES.DE!;
    const { payload } = buildInvoicePayload(input('DE'), rule);

    // Act
    const text = await textOf(
      renderInvoicePdf(payload, {
        rule,
        supplyDate: '2026-12-05T10:00:00Z',
        descriptions: { 1: 'Frying pan 28 cm' },
      }),
    );

    // Assess: each item of Art. 226
    for (const expected of [
      'Invoice number: ACME-INV-000042', // (2) sequential number
      'Date of issue: 10.12.2026', // (1) date of issue
      'Date of supply: 05.12.2026', // (7) date of supply
      'VAT ID: DE123456789', // (3) supplier VAT id
      'VAT ID: DE999999999', // (4) customer VAT id
      'Acme Housewares GmbH', // (5) supplier name
      'Industriestrasse 12', // (5) supplier address
      'Amazon Germany Entity', // (5) customer name
      '1 Buyer Street', // (5) customer address
      'Frying pan 28 cm', // (6) nature of goods
      '4 units', // (6) quantity
      '12.50 EUR', // (8) unit price excl. VAT
      'Taxable amount at 19 %: 50.00 EUR', // (8) taxable amount per rate
      'Taxable amount at 7 %: 37.20 EUR',
      'VAT at 19 %: 9.50 EUR', // (9)(10) rate and VAT amount per rate
      'VAT at 7 %: 2.60 EUR',
      'Total incl. tax: 99.30 EUR',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('UK VAT invoice: VAT number, time of supply, net, VAT, gross, all in sterling', async () => {
    const rule = MARKETPLACE_RULES.GB!;
    const { payload } = buildInvoicePayload(input('GB'), rule);
    const text = await textOf(renderInvoicePdf(payload, { rule, supplyDate: '2026-12-05T10:00:00Z' }));
    for (const expected of [
      'VAT INVOICE',
      'Invoice number: ACME-INV-000042',
      'Date of issue: 10/12/2026',
      'Date of supply: 05/12/2026',
      'VAT ID: GB123456789',
      'Amazon United Kingdom Entity',
      'VAT at 20 %: 10.00 GBP',
      'Net total excl. tax: 87.20 GBP',
      'Total incl. tax: ',
      'shown in GBP',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it("Japan's qualified invoice: issuer and T-number, date, details with reduced-rate marks, totals and tax per rate, recipient", async () => {
    const rule = MARKETPLACE_RULES.JP!;
    const { payload } = buildInvoicePayload(input('JP'), rule);
    const text = await textOf(renderInvoicePdf(payload, { rule }));
    for (const expected of [
      'Acme Housewares GmbH', // (1) issuer name
      'Qualified invoice issuer registration number: T1234567890123', // (1) registration number
      'Date of issue: 2026/12/10', // (2) transaction date
      'ASIN B000000001', // (3) transaction details
      'Goods *', // (3) reduced-rate item marked
      'Items marked * are taxed at the reduced rate',
      'Taxable amount at 10 %: 6000 JPY', // (4) total per rate with the rate
      'Taxable amount at 8 %: 3600 JPY',
      'Consumption tax at 10 %: 600 JPY', // (5) tax per rate
      'Consumption tax at 8 %: 288 JPY',
      'Amazon Japan Entity', // (6) recipient name
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('Canada: GST/HST registration number, tax shown separately, buyer, terms of payment', async () => {
    const rule = MARKETPLACE_RULES.CA!;
    const { payload } = buildInvoicePayload(input('CA'), rule);
    const text = await textOf(renderInvoicePdf(payload, { rule }));
    for (const expected of [
      'GST/HST registration number: 123456789RT0001',
      'GST/HST at 5 %',
      'Amazon Canada Entity',
      'Terms of payment: Basic, net 60 days',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('a credit note names the invoice it corrects', async () => {
    const rule = MARKETPLACE_RULES.FR!;
    const base = input('FR');
    const { payload } = buildInvoicePayload(
      {
        ...base,
        invoiceType: 'CreditNote',
        invoiceNumber: 'ACME-CN-000001',
        lines: base.lines.map((l) => ({
          ...l,
          creditNoteDetails: { referenceInvoiceNumber: 'ACME-INV-000042' },
        })),
      },
      rule,
    );
    const text = await textOf(renderInvoicePdf(payload, { rule }));
    expect(text).toContain('CREDIT NOTE');
    expect(text).toContain('Credit note number: ACME-CN-000001');
    expect(text).toContain('Corrects invoice: ACME-INV-000042');
  });
});
