import { describe, expect, it } from 'vitest';
import { moneyKpis } from '#shared/domain/console-kpis.ts';

const memo = (state: string, total: string | undefined, currency = 'EUR') => ({
  state,
  request: { detail: { currency } },
  ...(total === undefined ? {} : { totals: { net: total, tax: '0', total } }),
});

const invoice = (
  currency: string,
  billed: string | undefined,
  deducted: Record<string, string> = {},
  deductedTotal = '0',
) => ({ currency, ...(billed === undefined ? {} : { billed }), deducted, deductedTotal });

describe('moneyKpis', () => {
  it('divides credited credit memos by billed invoices per currency, counting granted memos only', () => {
    const k = moneyKpis({
      memos: [
        memo('accepted', '30.00'),
        memo('filed', '12.50'),
        memo('simulated', '7.50'),
        memo('pending-approval', '999.00'),
        memo('rejected', '500.00'),
        memo('approved', undefined),
        memo('submitted', '5.00', 'GBP'),
      ],
      reconciliations: [invoice('EUR', '600.00'), invoice('EUR', '400.00'), invoice('EUR', undefined)],
    });
    expect(k.refunds).toEqual([
      { currency: 'EUR', credited: '50.00', billed: '1000.00', rate: '5.0' },
      // Nothing billed in GBP yet: no rate rather than a division by zero.
      { currency: 'GBP', credited: '5.00', billed: '0.00', rate: undefined },
    ]);
  });

  it('rounds the rate half up to one decimal', () => {
    const k = moneyKpis({
      memos: [memo('accepted', '1.00')],
      reconciliations: [invoice('EUR', '3.00')],
    });
    expect(k.refunds[0]?.rate).toBe('33.3');
  });

  it('sums deductions per currency and kind, reversals giving money back', () => {
    const k = moneyKpis({
      memos: [],
      reconciliations: [
        invoice('EUR', '100.00', { shortage: '10.00', coop: '5.00' }, '15.00'),
        invoice('EUR', '200.00', { shortage: '-2.00' }, '-2.00'),
        invoice('EUR', '50.00'),
        invoice('GBP', '80.00', { price: '4.00' }, '4.00'),
      ],
    });
    expect(k.deductions).toEqual([
      { currency: 'EUR', total: '13.00', byKind: { shortage: '8.00', coop: '5.00' }, invoices: 2 },
      { currency: 'GBP', total: '4.00', byKind: { price: '4.00' }, invoices: 1 },
    ]);
    expect(k.refunds.map((r) => [r.currency, r.rate])).toEqual([
      ['EUR', '0.0'],
      ['GBP', '0.0'],
    ]);
  });
});
