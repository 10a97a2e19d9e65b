import type { PurchaseOrder } from '../sp-api/schemas/orders.ts';
import { CREDIT_MEMO_CREDITED_STATES } from './credit-memos/credit-memo.ts';
import {
  addMoney,
  formatAmount,
  type Money,
  multiplyMoney,
  parseMoney,
  percentDifference,
  zeroMoney,
} from './money.ts';
import type { AcknowledgementRecord } from './purchase-orders/acknowledgement-record.ts';

/**
 * The console's purchase-order KPIs, computed from acknowledgement records and their POs. Pure:
 * money through money.ts (bigint decimals), amounts leave as strings.
 */

/** Days the purchase-order KPIs cover, by PO date. */
export const KPI_DAYS = 14;

/** Acknowledgements that count as sales: sent (or, in simulate, what would have been sent). */
const SALES_STATES = new Set(['simulated', 'submitted', 'accepted']);

/**
 * The purchase-order KPIs of the POs dated in the last `days` days (today included): what was
 * sold lately, not since the system started.
 */
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
  const days = input.days ?? KPI_DAYS;
  const firstDay = new Date(input.now.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
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
    const day = record.purchaseOrderDate.slice(0, 10);
    if (day < firstDay) continue;
    counted++;
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

const CREDITED_STATES = new Set<string>(CREDIT_MEMO_CREDITED_STATES);

export interface MoneyKpis {
  /** Per currency: credits granted by credit memos against what was billed, percent with one decimal. */
  readonly refunds: { currency: string; credited: string; billed: string; rate: string | undefined }[];
  /** Per currency: deductions Amazon took in its remittances, in total and by kind. */
  readonly deductions: {
    currency: string;
    total: string;
    byKind: Record<string, string>;
    invoices: number;
  }[];
}

/**
 * Refund rate and deductions from credit-memo records and per-invoice payment reconciliations.
 * A memo counts once it is granted ({@link CREDITED_STATES}) and has totals; an invoice's billed
 * total counts once Acorn knows it. Pure: money through money.ts, amounts leave as strings.
 */
export function moneyKpis(input: {
  memos: readonly { state: string; request: { detail: { currency: string } }; totals?: { total: string } }[];
  reconciliations: readonly {
    currency: string;
    billed?: string;
    deducted: Readonly<Partial<Record<string, string>>>;
    deductedTotal: string;
  }[];
}): MoneyKpis {
  const credited = new Map<string, Money>();
  const billed = new Map<string, Money>();
  const deducted = new Map<string, { total: Money; byKind: Map<string, Money>; invoices: number }>();
  const add = (map: Map<string, Money>, amount: string, currency: string) =>
    map.set(currency, addMoney(map.get(currency) ?? zeroMoney(currency), parseMoney(amount, currency)));
  for (const memo of input.memos) {
    if (!CREDITED_STATES.has(memo.state) || !memo.totals) continue;
    add(credited, memo.totals.total, memo.request.detail.currency);
  }
  for (const r of input.reconciliations) {
    if (r.billed !== undefined) add(billed, r.billed, r.currency);
    const entry = deducted.get(r.currency) ?? {
      total: zeroMoney(r.currency),
      byKind: new Map<string, Money>(),
      invoices: 0,
    };
    entry.total = addMoney(entry.total, parseMoney(r.deductedTotal, r.currency));
    for (const [kind, amount] of Object.entries(r.deducted)) {
      if (amount === undefined) continue;
      const sum = entry.byKind.get(kind) ?? zeroMoney(r.currency);
      entry.byKind.set(kind, addMoney(sum, parseMoney(amount, r.currency)));
    }
    if (Object.values(r.deducted).some((a) => a !== undefined)) entry.invoices++;
    deducted.set(r.currency, entry);
  }
  const currencies = [...new Set([...credited.keys(), ...billed.keys()])].sort();
  return {
    refunds: currencies.map((currency) => {
      const c = credited.get(currency) ?? zeroMoney(currency);
      const b = billed.get(currency) ?? zeroMoney(currency);
      // credited / billed as a percentage: |(billed + credited) − billed| / |billed|.
      return {
        currency,
        credited: formatAmount(c),
        billed: formatAmount(b),
        rate: percentDifference(addMoney(b, c), b),
      };
    }),
    deductions: [...deducted.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, d]) => ({
        currency,
        total: formatAmount(d.total),
        byKind: Object.fromEntries([...d.byKind.entries()].map(([k, v]) => [k, formatAmount(v)])),
        invoices: d.invoices,
      })),
  };
}
