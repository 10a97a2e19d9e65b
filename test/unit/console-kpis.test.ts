import { describe, expect, it } from 'vitest';
import { KPI_DAYS, moneyKpis, purchaseOrderKpis } from '#shared/domain/console-kpis.ts';
import type { AcknowledgementRecord } from '#shared/domain/purchase-orders/acknowledgement-record.ts';
import { purchaseOrder } from '../support/acknowledgement-fakes.ts';

const NOW = new Date('2026-12-20T12:00:00.000Z');

/** An accepted acknowledgement of a one-line PO dated `date`: `accepted` of `ordered` eaches. */
function acknowledged(number: string, date: string, ordered: number, accepted: number) {
  const order = purchaseOrder({
    number,
    date,
    lines: [{ ean: '4006381333931', quantity: ordered, cost: '2.50' }],
  });
  const record = {
    purchaseOrderNumber: number,
    purchaseOrderDate: date,
    state: 'accepted',
    lines: [
      {
        itemSequenceNumber: '1',
        itemAcknowledgements: [
          {
            acknowledgementCode: 'Accepted',
            acknowledgedQuantity: { amount: accepted, unitOfMeasure: 'Eaches', unitSize: 1 },
          },
          ...(ordered > accepted
            ? [
                {
                  acknowledgementCode: 'Rejected',
                  acknowledgedQuantity: { amount: ordered - accepted, unitOfMeasure: 'Eaches', unitSize: 1 },
                },
              ]
            : []),
        ],
      },
    ],
  } as unknown as AcknowledgementRecord;
  return { record, order };
}

describe('purchaseOrderKpis', () => {
  it('counts only the POs dated in the last KPI_DAYS days: sales, by day and fill rate', () => {
    const inWindow = acknowledged('NEW1', '2026-12-19T08:00:00Z', 10, 8);
    const today = acknowledged('NEW2', '2026-12-20T08:00:00Z', 4, 4);
    // Dated the day before the window: acknowledged late, changed recently, still not this period's sales.
    const old = acknowledged('OLD1', '2026-12-06T08:00:00Z', 100, 100);
    const k = purchaseOrderKpis({
      records: [inWindow.record, today.record, old.record],
      orders: new Map([inWindow, today, old].map((a) => [a.record.purchaseOrderNumber, a.order])),
      now: NOW,
    });
    expect(k.acknowledgedPurchaseOrders).toBe(2);
    expect(k.vendorSales).toEqual([{ currency: 'EUR', amount: '30.00' }]);
    expect(k.units).toEqual({ ordered: 14, accepted: 12, backordered: 0, rejected: 2 });
    expect(k.fillRate).toBe('85.7');
    expect(k.salesByDay).toHaveLength(KPI_DAYS);
    expect(k.salesByDay[0]?.day).toBe('2026-12-07');
    expect(k.salesByDay.slice(-2)).toEqual([
      { day: '2026-12-19', amount: '20.00' },
      { day: '2026-12-20', amount: '10.00' },
    ]);
  });
});

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
