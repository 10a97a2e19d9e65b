import { describe, expect, it } from 'vitest';
import { MARKETPLACE_RULES } from '#shared/domain/invoices/marketplace-rules.ts';
import { validateInvoice } from '#shared/domain/invoices/validate-invoice.ts';
import { submitInvoicesRequestSchema } from '#shared/sp-api/schemas/invoices.ts';
import { makeInvoiceWorld, sandboxOrders } from '../support/invoice-fakes.ts';
import { officialModels } from '../support/official-models.ts';

describe('invoices built from sandbox purchase orders, one marketplace at a time', () => {
  const countries = Object.keys(MARKETPLACE_RULES);

  it('covers the fourteen marketplaces the issue names', () => {
    expect(countries.sort()).toEqual([
      'BE',
      'CA',
      'DE',
      'ES',
      'FR',
      'GB',
      'IE',
      'IT',
      'JP',
      'MX',
      'NL',
      'PL',
      'SE',
      'US',
    ]);
  });

  for (const country of countries) {
    const rule = MARKETPLACE_RULES[country]!;
    it(`${country}: validates against the official model and every business rule`, async () => {
      // Prepare
      const world = makeInvoiceWorld({
        vendors: [
          {
            vendorCode: 'ACME01',
            spApiAccount: 'example',
            marketplaces: [rule.configCode],
            invoicing: 'live',
            paymentTerms: { type: 'Basic', netDueDays: 60 },
          },
        ],
      });
      const orders = sandboxOrders(rule.configCode);
      for (const order of orders) world.shipAll(order, 'ACME01');

      // Act
      const issued = await world.issue({
        purchaseOrderNumbers: orders.map((o) => o.purchaseOrderNumber),
        actor: { type: 'system', id: 'test' },
      });

      // Assess
      expect(issued).toHaveLength(1);
      expect(issued[0]!.state).toBe('submitted');
      const sent = JSON.parse(world.sender.sent[0]!) as { invoices: unknown[] };
      expect(officialModels().validate('vendorInvoices', 'SubmitInvoicesRequest', sent)).toEqual([]);
      expect(submitInvoicesRequestSchema.safeParse(sent).success).toBe(true);
      expect(validateInvoice(sent.invoices[0], { marketplace: country, now: world.clock.now() })).toEqual([]);
      const record = world.invoices.items.get(issued[0]!.invoiceNumber)!;
      expect(record.marketplace).toBe(country);
      expect(record.currency).toBe(rule.currency);
      expect(record.purchaseOrderNumbers.sort()).toEqual(orders.map((o) => o.purchaseOrderNumber).sort());
      const invoice = sent.invoices[0] as { invoiceTotal: { amount: string }; taxDetails?: unknown[] };
      expect(invoice.invoiceTotal.amount).toBe(record.total);
      expect(Boolean(invoice.taxDetails?.length)).toBe(rule.tax !== undefined);
    });
  }
});
