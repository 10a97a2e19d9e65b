/**
 * `npx tsx bench/invoices.ts`: invoices built and validated per second on one core (sandbox POs of
 * every marketplace of the rules table, 3 to 12 lines each), and the PDF render time per invoice.
 * Printed with the machine they ran on; never asserted in tests.
 */
import { PurchaseOrderGenerator } from '#local/amazon-sandbox/generator.ts';
import { buildInvoicePayload, type InvoiceInput } from '#shared/domain/invoices/invoice-payload.ts';
import { renderInvoicePdf } from '#shared/domain/invoices/invoice-pdf.ts';
import { MARKETPLACE_RULES, taxRateOf } from '#shared/domain/invoices/marketplace-rules.ts';
import { validateInvoice } from '#shared/domain/invoices/validate-invoice.ts';
import { describeMachine, formatMachine } from './machine.ts';

const INVOICES = Number(process.env.BENCH_INVOICES ?? 20_000);
const PDFS = Number(process.env.BENCH_PDFS ?? 300);
const NOW = new Date('2026-12-10T12:00:00Z');
const REGISTRATIONS: Record<string, string> = {
  DE: 'DE123456789',
  GB: 'GB123456789',
  FR: 'FR12123456789',
  IT: 'IT12345678901',
  ES: 'ESX1234567X',
  NL: 'NL123456789B01',
  PL: 'PL1234567890',
  SE: 'SE123456789001',
  BE: 'BE0123456789',
  IE: 'IE1234567WA',
  CA: '123456789RT0001',
  MX: 'ACM010203AB1',
  JP: 'T1234567890123',
};

/** One input per sandbox PO of every marketplace, as the use case would build it. */
export function invoiceInputs(count: number): { input: InvoiceInput; country: string }[] {
  const rules = Object.values(MARKETPLACE_RULES);
  const anchor = Date.parse('2026-12-01T08:00:00Z');
  const generator = new PurchaseOrderGenerator({
    seed: 11,
    anchor,
    backlog: count,
    perHour: 1,
    vendors: [{ vendorCode: 'BENCH', marketplaces: rules.map((r) => r.configCode) }],
  });
  const orders = generator.createdBetween(anchor - 2 * 86_400_000, anchor).slice(0, count);
  return orders.map((generated, i) => {
    const rule = rules.find((r) => r.configCode === generated.marketplace) ?? rules[i % rules.length]!;
    const details = generated.order.orderDetails!;
    const reg = REGISTRATIONS[rule.country];
    const input: InvoiceInput = {
      invoiceType: 'Invoice',
      invoiceNumber: `BENCH-INV-${String(i + 1).padStart(6, '0')}`,
      invoiceDate: '2026-12-10T10:00:00Z',
      currency: rule.currency,
      remitTo: {
        partyId: 'ACMEREMIT',
        address: {
          name: 'Acme Housewares GmbH',
          addressLine1: 'Industriestrasse 12',
          city: 'Koeln',
          postalCode: '50667',
          countryCode: 'DE',
        },
        taxRegistrations: reg ? [{ type: rule.country === 'CA' ? 'GST' : 'VAT', number: reg }] : [],
      },
      billTo: {
        partyId: details.billToParty?.partyId ?? 'AMAZON',
        address: {
          name: 'Amazon',
          addressLine1: '1 Street',
          city: 'City',
          postalCode: '1000',
          countryCode: rule.country,
        },
        taxRegistrations: [{ type: 'VAT', number: `${rule.country}999999999` }],
      },
      shipTo: { partyId: details.shipToParty?.partyId ?? 'FC' },
      shipFrom: {
        partyId: 'ACMEWH1',
        address: {
          name: 'Acme Warehouse',
          addressLine1: 'Lagerweg 3',
          city: 'Koeln',
          postalCode: '50739',
          countryCode: 'DE',
        },
      },
      paymentTerms: { type: 'Basic', netDueDays: 60 },
      lines: details.items.map((item, n) => {
        const rate = taxRateOf(rule);
        return {
          itemSequenceNumber: n + 1,
          purchaseOrderNumber: generated.purchaseOrderNumber,
          ...(item.amazonProductIdentifier ? { amazonProductIdentifier: item.amazonProductIdentifier } : {}),
          ...(item.vendorProductIdentifier ? { vendorProductIdentifier: item.vendorProductIdentifier } : {}),
          quantity: {
            amount: item.orderedQuantity.amount ?? 1,
            unitOfMeasure:
              item.orderedQuantity.unitOfMeasure === 'Cases' ? ('Cases' as const) : ('Eaches' as const),
            unitSize: item.orderedQuantity.unitSize ?? 1,
          },
          netCost: item.netCost?.amount ?? '1',
          ...(rate ? { taxRate: rate } : {}),
        };
      }),
    };
    return { input, country: rule.country };
  });
}

function main(): void {
  console.log('Acorn invoicing benchmark');
  console.log(formatMachine(describeMachine()));
  const inputs = invoiceInputs(Math.min(INVOICES, 2_000));
  let refused = 0;
  let lines = 0;
  const started = performance.now();
  for (let i = 0; i < INVOICES; i++) {
    const { input, country } = inputs[i % inputs.length]!;
    const { payload } = buildInvoicePayload(input, MARKETPLACE_RULES[country]!);
    lines += payload.items?.length ?? 0;
    if (validateInvoice(payload, { marketplace: country, now: NOW }).length > 0) refused++;
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `  built + validated: ${INVOICES} invoices (${lines} lines) in ${seconds.toFixed(2)} s → ${Math.round(INVOICES / seconds)} invoices/s, ${Math.round(lines / seconds)} lines/s (${refused} refused)`,
  );
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < PDFS; i++) {
    const { input, country } = inputs[i % inputs.length]!;
    const rule = MARKETPLACE_RULES[country]!;
    const { payload } = buildInvoicePayload(input, rule);
    const t0 = performance.now();
    bytes += renderInvoicePdf(payload, { rule, supplyDate: '2026-12-05T10:00:00Z' }).length;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2);
  console.log(
    `  PDF render: ${PDFS} invoices, median ${at(0.5)} ms, p95 ${at(0.95)} ms per invoice, ${Math.round(bytes / PDFS / 1024)} KB average`,
  );
}

main();
