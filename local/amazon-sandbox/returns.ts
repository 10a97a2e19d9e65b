import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as z from 'zod';
import type { Clock } from '#shared/clock.ts';
import type { PurchaseOrder } from '#shared/sp-api/schemas/orders.ts';
import type { ShipmentRecord } from './state.ts';

/**
 * Amazon's returns, as Vendor Central exports them: the sandbox sends back some of the goods it
 * received (accepted shipment confirmations) and writes a returns export (CSV) per round. A new
 * return is first reported `In Transit`; the next round reports it again as `Delivered to
 * Warehouse`, which is what lets the credit memo through the receipt gate. Quantities are picked
 * so that some memos stay under the auto-approval limit and some need a person.
 */

const stateSchema = z.object({
  next: z.number().int(),
  returns: z.array(
    z.object({
      reference: z.string(),
      vendorCode: z.string(),
      marketplace: z.string(),
      currency: z.string(),
      returnDate: z.string(),
      status: z.enum(['In Transit', 'Delivered to Warehouse']),
      purchaseOrderNumber: z.string(),
      asin: z.string().optional(),
      vendorSku: z.string().optional(),
      quantity: z.number().int(),
      unitCost: z.string().optional(),
      shipmentKey: z.string(),
    }),
  ),
});
type ReturnsState = z.infer<typeof stateSchema>;

export const RETURNS_HEADER =
  'Return ID,Vendor Code,Marketplace,Return Date,Status,ASIN,Vendor SKU,PO Number,Quantity,Unit Cost,Currency,Reason,Debit Note Number';

const CURRENCY_MARKETPLACE: Record<string, string> = {
  EUR: 'DE',
  GBP: 'UK',
  USD: 'US',
  CAD: 'CA',
  JPY: 'JP',
};

export function makeReturnsExports(options: {
  shipments: () => readonly ShipmentRecord[];
  purchaseOrder: (po: string) => PurchaseOrder | undefined;
  clock: Clock;
  stateFile: string;
  /** Most new returns per round. @default 2 */
  perRound?: number;
}) {
  const state: ReturnsState = existsSync(options.stateFile)
    ? stateSchema.parse(JSON.parse(readFileSync(options.stateFile, 'utf8')))
    : { next: 1, returns: [] };
  const save = () => writeFileSync(options.stateFile, JSON.stringify(state));

  /** The export of this round (undefined when there is nothing to report), or throws nothing. */
  function round(): { key: string; body: string } | undefined {
    const now = options.clock.now();
    const rows: typeof state.returns = [];
    for (const r of state.returns) {
      if (r.status === 'In Transit') {
        r.status = 'Delivered to Warehouse';
        rows.push(r);
      }
    }
    const taken = new Set(state.returns.map((r) => r.shipmentKey));
    let fresh = 0;
    for (const shipment of options.shipments()) {
      if (!shipment.accepted || fresh >= (options.perRound ?? 2)) continue;
      const vendorCode = shipment.confirmation.sellingParty.partyId;
      for (const item of shipment.confirmation.shippedItems) {
        const po = item.itemDetails?.purchaseOrderNumber;
        const key = `${shipment.confirmation.shipmentIdentifier}#${item.itemSequenceNumber}`;
        if (!po || taken.has(key) || fresh >= (options.perRound ?? 2)) continue;
        const order = options.purchaseOrder(po);
        const line = order?.orderDetails?.items?.find(
          (l) =>
            (item.amazonProductIdentifier && l.amazonProductIdentifier === item.amazonProductIdentifier) ||
            (item.vendorProductIdentifier && l.vendorProductIdentifier === item.vendorProductIdentifier),
        );
        const currency = line?.netCost?.currencyCode;
        if (!line || !currency || !line.netCost?.amount) continue;
        const shipped =
          item.shippedQuantity.amount *
          (item.shippedQuantity.unitOfMeasure === 'Cases' ? (item.shippedQuantity.unitSize ?? 1) : 1);
        // Every other return is large enough to need an approver (above the default 100 limit).
        const large = state.next % 2 === 0;
        const quantity = Math.max(
          1,
          Math.min(shipped, large ? Math.ceil(150 / Number(line.netCost.amount)) : 1),
        );
        const record = {
          reference: `RN-${String(state.next).padStart(7, '0')}`,
          vendorCode,
          marketplace: CURRENCY_MARKETPLACE[currency] ?? 'US',
          currency,
          returnDate: now.toISOString(),
          status: 'In Transit' as const,
          purchaseOrderNumber: po,
          ...(item.amazonProductIdentifier ? { asin: item.amazonProductIdentifier } : {}),
          ...(item.vendorProductIdentifier ? { vendorSku: item.vendorProductIdentifier } : {}),
          quantity,
          unitCost: line.netCost.amount,
          shipmentKey: key,
        };
        state.next++;
        state.returns.push(record);
        rows.push(record);
        taken.add(key);
        fresh++;
      }
    }
    if (rows.length === 0) return undefined;
    save();
    const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    const lines = rows.map((r) =>
      [
        r.reference,
        r.vendorCode,
        r.marketplace,
        r.returnDate,
        r.status,
        r.asin ?? '',
        r.vendorSku ?? '',
        r.purchaseOrderNumber,
        String(r.quantity),
        r.unitCost ?? '',
        r.currency,
        'Overstock',
        '',
      ]
        .map(csvCell)
        .join(','),
    );
    return {
      key: `returns/vc-returns-${now.toISOString().replace(/[:.]/g, '-')}.csv`,
      body: `${RETURNS_HEADER}\n${lines.join('\n')}\n`,
    };
  }

  return { round };
}
