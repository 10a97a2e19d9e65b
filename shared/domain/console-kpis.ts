import type { PurchaseOrder } from '../sp-api/schemas/orders.ts';
import { addMoney, formatAmount, type Money, multiplyMoney, parseMoney, zeroMoney } from './money.ts';
import type { AcknowledgementRecord } from './purchase-orders/acknowledgement-record.ts';

/**
 * The console's purchase-order KPIs, computed from acknowledgement records and their POs. Pure:
 * money through money.ts (bigint decimals), amounts leave as strings.
 */

/** Acknowledgements that count as sales: sent (or, in simulate, what would have been sent). */
const SALES_STATES = new Set(['simulated', 'submitted', 'accepted']);

export interface PurchaseOrderKpis {
  /** Accepted quantity × net cost, per currency. */
  readonly vendorSales: { currency: string; amount: string }[];
  /** The same by PO date, last `days` days, oldest first, in the main currency. */
  readonly salesByDay: { day: string; amount: string }[];
  readonly salesCurrency: string | undefined;
  /** Accepted units / ordered units of the acknowledged POs, percent with one decimal. */
  readonly fillRate: string | undefined;
  readonly units: { ordered: number; accepted: number; backordered: number; rejected: number };
  readonly acknowledgedPurchaseOrders: number;
}

function units(q: {
  amount?: number | undefined;
  unitOfMeasure?: string | undefined;
  unitSize?: number | undefined;
}) {
  return (q.amount ?? 0) * (q.unitOfMeasure === 'Cases' ? (q.unitSize ?? 1) : 1);
}

export function purchaseOrderKpis(input: {
  records: readonly AcknowledgementRecord[];
  orders: ReadonlyMap<string, PurchaseOrder>;
  now: Date;
  days?: number;
}): PurchaseOrderKpis {
  const days = input.days ?? 14;
  const sales = new Map<string, Money>();
  const byDay = new Map<string, Map<string, Money>>();
  const totals = { ordered: 0, accepted: 0, backordered: 0, rejected: 0 };
  /** Accepted lines per currency: the main currency is the one most lines are in. */
  const lines = new Map<string, number>();
  let counted = 0;
  for (const record of input.records) {
    if (!SALES_STATES.has(record.state)) continue;
    const order = input.orders.get(record.purchaseOrderNumber);
    if (!order) continue;
    counted++;
    const day = record.purchaseOrderDate.slice(0, 10);
    for (const item of order.orderDetails?.items ?? []) {
      totals.ordered += units(item.orderedQuantity);
      const line = record.lines.find((l) => l.itemSequenceNumber === item.itemSequenceNumber);
      for (const ack of line?.itemAcknowledgements ?? []) {
        const n = units(ack.acknowledgedQuantity);
        if (ack.acknowledgementCode === 'Accepted') {
          totals.accepted += n;
          const cost = item.netCost;
          if (cost?.amount && cost.currencyCode) {
            const value = multiplyMoney(
              parseMoney(cost.amount, cost.currencyCode),
              ack.acknowledgedQuantity.amount ?? 0,
            );
            const currency = cost.currencyCode;
            sales.set(currency, addMoney(sales.get(currency) ?? zeroMoney(currency), value));
            lines.set(currency, (lines.get(currency) ?? 0) + 1);
            const dayMap = byDay.get(day) ?? new Map<string, Money>();
            dayMap.set(currency, addMoney(dayMap.get(currency) ?? zeroMoney(currency), value));
            byDay.set(day, dayMap);
          }
        } else if (ack.acknowledgementCode === 'Backordered') totals.backordered += n;
        else totals.rejected += n;
      }
    }
  }
  const vendorSales = [...sales.entries()]
    .sort((a, b) => (lines.get(b[0]) ?? 0) - (lines.get(a[0]) ?? 0) || a[0].localeCompare(b[0]))
    .map(([currency, amount]) => ({ currency, amount: formatAmount(amount) }));
  const main = vendorSales[0]?.currency;
  const salesByDay: { day: string; amount: string }[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const day = new Date(input.now.getTime() - i * 86_400_000).toISOString().slice(0, 10);
    const amount = main ? byDay.get(day)?.get(main) : undefined;
    salesByDay.push({ day, amount: amount ? formatAmount(amount) : '0' });
  }
  const fillRate =
    totals.ordered > 0 ? (Math.round((totals.accepted * 1000) / totals.ordered) / 10).toFixed(1) : undefined;
  return {
    vendorSales,
    salesByDay,
    salesCurrency: main,
    fillRate,
    units: totals,
    acknowledgedPurchaseOrders: counted,
  };
}
