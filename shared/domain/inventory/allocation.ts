/**
 * One SKU's stock shared by two channels, as pure data and pure functions: the record stored per
 * SKU (one DynamoDB item, written with one conditional update per change), and the allocation
 * that says how much each channel may still take.
 *
 * Units are promised three ways and never twice:
 * - `amazon`: eaches reserved for accepted PO lines not yet shipped (by PO);
 * - `shopify.orders`: eaches in Shopify orders not yet fulfilled (by order);
 * - `shopify.exposed`: the `available` quantity Shopify shows now, which shoppers may buy without
 *   asking us. Raising it is a reservation (recorded before the push); lowering it is recorded
 *   after Shopify took the new value.
 * The invariant `amazon + orders + unseen + exposed ≤ onHand − safetyStock` holds for every change
 * Acorn makes; only a lower stock count can break it (then the next sync lowers Shopify first).
 *
 * A shipped PO line or a fulfilled order keeps counting until every location's count is newer
 * than the shipment: until then the ERP's on-hand still includes those units.
 */
import * as z from 'zod';
import type { LocationPosition } from './stock-positions.ts';

/** A commitment of one channel's document (a PO, an order) to this SKU. */
export interface Commitment {
  /** Eaches committed, before refunds. */
  readonly quantity: number;
  /** When the commitment was made or last changed (the source's time). */
  readonly at: string;
  /** When the units left (shipped, fulfilled): they count until every location is counted after this. */
  readonly releasedAt?: string;
}

/** A PO's reservation of this SKU, with what shipments took of it (by shipment id, each once). */
export interface AmazonCommitment extends Commitment {
  /** Eaches each confirmed shipment took and when it left: they count until the ERP counts after that. */
  readonly shipped?: Readonly<Record<string, { readonly quantity: number; readonly at: string }>>;
}

/** A Shopify order's commitment to this SKU, with the refunds applied to it (by refund id). */
export interface OrderCommitment extends Commitment {
  /** Refunded eaches by refund id: a refund delivered twice is applied once. */
  readonly refunds: Readonly<Record<string, number>>;
  /** The order's `updated_at` we last applied: an older delivery of the same order is ignored. */
  readonly orderUpdatedAt?: string;
  readonly cancelled?: boolean;
}

/** Where the SKU lives at Shopify, once looked up (absent: not looked up; `null`: no such SKU there). */
export interface ShopifyItem {
  readonly inventoryItemId: string;
  readonly locationId: string;
}

/** The stored state of one SKU. JSON-safe. */
export interface InventoryRecord {
  readonly sku: string;
  /** +1 on every write; each write is conditional on the revision read. 0 = not stored yet. */
  readonly revision: number;
  readonly locations: Readonly<Record<string, { readonly onHand: number; readonly asOf: string }>>;
  /** Reservations for accepted PO lines, by PO number. */
  readonly amazon: Readonly<Record<string, AmazonCommitment>>;
  readonly shopify: {
    readonly orders: Readonly<Record<string, OrderCommitment>>;
    /** What Shopify shows as `available` now, as far as we know (the `changeFromQuantity` of the next push). */
    readonly exposed: number;
    /** A raise of Shopify's available in flight: counted as exposed until Shopify took or refused it. */
    readonly raising?: number;
    /** Sales Shopify reported (its available fell below `exposed`) whose orders have not reached us yet. */
    readonly unseen: number;
    readonly item?: ShopifyItem | null;
    /** Last successful push or read of Shopify's quantity. */
    readonly lastSyncAt?: string;
    /** Shopify's `available` minus what we expected, at the last full reconciliation (0 = none). */
    readonly drift?: number;
    readonly driftAt?: string;
    /** One sync of this SKU at a time: who holds it and until when (a lease, one conditional write). */
    readonly lease?: { readonly owner: string; readonly until: string };
  };
  readonly updatedAt: string;
}

const commitmentSchema = z.object({
  quantity: z.number(),
  at: z.string(),
  releasedAt: z.string().optional(),
});
/**
 * The stored record as its adapter and the archive read it back: a hand-edited item fails
 * loudly (the adapter) or goes to quarantine (the archive export), never silently.
 */
export const inventoryRecordSchema: z.ZodType<InventoryRecord> = z.object({
  sku: z.string(),
  revision: z.number().int(),
  locations: z.record(z.string(), z.object({ onHand: z.number(), asOf: z.string() })),
  amazon: z.record(
    z.string(),
    commitmentSchema.extend({
      shipped: z.record(z.string(), z.object({ quantity: z.number(), at: z.string() })).optional(),
    }),
  ),
  shopify: z.object({
    orders: z.record(
      z.string(),
      commitmentSchema.extend({
        refunds: z.record(z.string(), z.number()),
        orderUpdatedAt: z.string().optional(),
        cancelled: z.boolean().optional(),
      }),
    ),
    exposed: z.number(),
    raising: z.number().optional(),
    unseen: z.number(),
    item: z.object({ inventoryItemId: z.string(), locationId: z.string() }).nullable().optional(),
    lastSyncAt: z.string().optional(),
    drift: z.number().optional(),
    driftAt: z.string().optional(),
    lease: z.object({ owner: z.string(), until: z.string() }).optional(),
  }),
  updatedAt: z.string(),
}) as z.ZodType<InventoryRecord>;

/** A SKU nobody has told us about yet. */
export function emptyRecord(sku: string, at: string): InventoryRecord {
  return {
    sku,
    revision: 0,
    locations: {},
    amazon: {},
    shopify: { orders: {}, exposed: 0, unseen: 0 },
    updatedAt: at,
  };
}

// ---- rules ---------------------------------------------------------------------------------------

const channelRuleSchema = z.strictObject({
  /** Most eaches the channel may hold committed at once. */
  cap: z.number().int().min(0).optional(),
  /** Largest fraction of the sellable units (on hand − safety stock) the channel may hold. */
  share: z.number().min(0).max(1).optional(),
  /**
   * Lower goes first. A channel with a cap or share and a better priority keeps the unused part of
   * it out of reach of the other channel: its ring-fence.
   */
  priority: z.number().int().min(0).max(100).optional(),
});
const skuRuleSchema = z.strictObject({
  safetyStock: z.number().int().min(0).optional(),
  amazon: channelRuleSchema.optional(),
  shopify: channelRuleSchema.optional(),
});

/** `inventory.allocation` in the configuration: defaults and per-SKU overrides. */
export const allocationRulesSchema = z.strictObject({
  safetyStock: z.number().int().min(0),
  amazon: channelRuleSchema,
  shopify: channelRuleSchema,
  skus: z.record(z.string(), skuRuleSchema).default({}),
});
export type AllocationRules = z.infer<typeof allocationRulesSchema>;

/**
 * Without configuration: no safety stock; Amazon goes first; Shopify may show up to 30 % of the
 * sellable units (what Amazon has not reserved); Amazon gets the rest.
 */
export const DEFAULT_ALLOCATION_RULES: AllocationRules = {
  safetyStock: 0,
  amazon: { priority: 10 },
  shopify: { share: 0.3, priority: 20 },
  skus: {},
};

/** Reads `inventory.allocation` from the runtime configuration (defaults when absent). */
export function validateAllocationRules(raw: unknown): AllocationRules {
  if (raw === undefined) return DEFAULT_ALLOCATION_RULES;
  return allocationRulesSchema.parse(raw);
}
export type ChannelRule = z.infer<typeof channelRuleSchema>;

/** The rules of one SKU: its overrides over the defaults. */
export function rulesOf(rules: AllocationRules, sku: string) {
  const own = rules.skus[sku];
  return {
    safetyStock: own?.safetyStock ?? rules.safetyStock,
    amazon: { ...rules.amazon, ...own?.amazon },
    shopify: { ...rules.shopify, ...own?.shopify },
  };
}

// ---- allocation ----------------------------------------------------------------------------------

/** What a SKU holds and what each channel may still take. */
export interface Allocation {
  readonly sku: string;
  readonly onHand: number;
  readonly safetyStock: number;
  /** Oldest location count: commitments released before it are in the ERP's count already. */
  readonly countedAt?: string;
  /**
   * `reserved`: eaches held for PO lines not shipped yet; `shipped`: eaches shipped against POs
   * that the ERP's counts still include (they count until every location is counted after).
   */
  readonly amazon: { readonly reserved: number; readonly shipped: number; readonly available: number };
  readonly shopify: {
    readonly committed: number;
    readonly unseen: number;
    readonly exposed: number;
    /** What Shopify should show as available. */
    readonly target: number;
  };
  /** Sellable units no channel holds or is offered. */
  readonly idle: number;
}

function stillCounts(c: Commitment, countedAt: string | undefined): boolean {
  return !c.releasedAt || !countedAt || c.releasedAt > countedAt;
}

/** Eaches a PO still holds that no shipment took (nothing once the whole PO was marked shipped). */
function openQuantity(c: AmazonCommitment): number {
  if (c.releasedAt) return 0;
  const shipped = Object.values(c.shipped ?? {}).reduce((s, x) => s + x.quantity, 0);
  return Math.max(0, c.quantity - shipped);
}

/** Eaches that left the dock against a PO and are still in the ERP's count (shipped after `countedAt`). */
function shippedNotCounted(c: AmazonCommitment, countedAt: string | undefined): number {
  const after = (at: string) => !countedAt || at > countedAt;
  const byShipment = Object.values(c.shipped ?? {})
    .filter((x) => after(x.at))
    .reduce((s, x) => s + x.quantity, 0);
  if (!c.releasedAt || !after(c.releasedAt)) return byShipment;
  return Math.max(byShipment, c.quantity);
}

/** Eaches of an order commitment after refunds (a cancelled order holds nothing). */
export function orderQuantity(c: OrderCommitment): number {
  if (c.cancelled) return 0;
  const refunded = Object.values(c.refunds).reduce((s, q) => s + q, 0);
  return Math.max(0, c.quantity - refunded);
}

function limitOf(rule: ChannelRule, sellable: number): number {
  let limit = Number.POSITIVE_INFINITY;
  if (rule.cap !== undefined) limit = Math.min(limit, rule.cap);
  if (rule.share !== undefined) limit = Math.min(limit, Math.floor(rule.share * sellable));
  return limit;
}

/** Available per channel = on hand − Amazon reservations − Shopify orders − safety stock, within the rules. */
export function allocate(record: InventoryRecord, rules: AllocationRules): Allocation {
  const rule = rulesOf(rules, record.sku);
  const counts = Object.values(record.locations);
  const onHand = counts.reduce((s, l) => s + Math.max(0, l.onHand), 0);
  const countedAt = counts.length ? counts.map((l) => l.asOf).sort()[0] : undefined;
  const reserved = Object.values(record.amazon).reduce((s, c) => s + openQuantity(c), 0);
  const shipped = Object.values(record.amazon).reduce((s, c) => s + shippedNotCounted(c, countedAt), 0);
  // Amazon's hold on the sellable units: what is reserved and what left but is still counted.
  const held = reserved + shipped;
  const committed = Object.values(record.shopify.orders)
    .filter((c) => stillCounts(c, countedAt))
    .reduce((s, c) => s + orderQuantity(c), 0);
  const unseen = record.shopify.unseen;
  const exposed = Math.max(record.shopify.exposed, record.shopify.raising ?? 0);
  const sellable = Math.max(0, onHand - rule.safetyStock);
  const free = Math.max(0, sellable - held - committed - unseen);

  const amazonLimit = limitOf(rule.amazon, sellable);
  const shopifyLimit = limitOf(rule.shopify, sellable);
  const amazonRoom = Math.max(0, amazonLimit - held);
  const shopifyRoom = Math.max(0, shopifyLimit - committed - unseen);
  const amazonFirst = (rule.amazon.priority ?? 50) < (rule.shopify.priority ?? 50);
  const shopifyFirst = (rule.shopify.priority ?? 50) < (rule.amazon.priority ?? 50);
  // A finite limit of the channel that goes first is kept for it.
  const fenceForAmazon = amazonFirst && Number.isFinite(amazonLimit) ? amazonRoom : 0;
  const fenceForShopify = shopifyFirst && Number.isFinite(shopifyLimit) ? shopifyRoom : 0;

  const target = Math.max(0, Math.min(shopifyRoom, free - fenceForAmazon));
  const amazonAvailable = Math.max(0, Math.min(amazonRoom, free - Math.max(exposed, fenceForShopify)));
  const idle = Math.max(0, free - exposed - amazonAvailable);
  return {
    sku: record.sku,
    onHand,
    safetyStock: rule.safetyStock,
    ...(countedAt ? { countedAt } : {}),
    amazon: { reserved, shipped, available: amazonAvailable },
    shopify: { committed, unseen, exposed, target },
    idle,
  };
}

// ---- changes (each returns the next record, or undefined when nothing changes) --------------------

/** The outcome of applying a count. */
export type PositionOutcome = 'applied' | 'older' | 'unchanged' | 'conflict';

/**
 * Applies one location's count unless a newer one is held: an older snapshot never overwrites a
 * newer one. Same instant, same count: unchanged; same instant, another count: the held one stays.
 */
export function applyPosition(
  record: InventoryRecord,
  position: LocationPosition,
  at: string,
): { outcome: PositionOutcome; next?: InventoryRecord } {
  const held = record.locations[position.location];
  if (held) {
    if (position.asOf < held.asOf) return { outcome: 'older' };
    if (position.asOf === held.asOf) {
      return { outcome: held.onHand === position.onHand ? 'unchanged' : 'conflict' };
    }
  }
  const next: InventoryRecord = {
    ...record,
    locations: { ...record.locations, [position.location]: { onHand: position.onHand, asOf: position.asOf } },
    updatedAt: at,
  };
  return { outcome: 'applied', next: pruneReleased(next) };
}

/** Drops released commitments the ERP's counts include now, so the record does not grow forever. */
function pruneReleased(record: InventoryRecord): InventoryRecord {
  const counts = Object.values(record.locations);
  if (counts.length === 0) return record;
  const countedAt = counts.map((l) => l.asOf).sort()[0] ?? '';
  const keep = <C extends Commitment>(m: Readonly<Record<string, C>>) =>
    Object.fromEntries(Object.entries(m).filter(([, c]) => stillCounts(c, countedAt)));
  // A PO's reservation goes once nothing of it is open and everything it shipped is counted; until
  // then its shipments stay, so a redelivered confirmation is recognised.
  const amazon = Object.fromEntries(
    Object.entries(record.amazon).filter(
      ([, c]) => openQuantity(c) > 0 || shippedNotCounted(c, countedAt) > 0 || (!c.shipped && !c.releasedAt),
    ),
  );
  return {
    ...record,
    amazon,
    shopify: { ...record.shopify, orders: keep(record.shopify.orders) },
  };
}

/**
 * Reserves eaches for a PO if Amazon may take them: `reserved` (also when the PO holds them
 * already: a replay takes nothing more), or `short` with what is available.
 */
export function reserveForPurchaseOrder(
  record: InventoryRecord,
  rules: AllocationRules,
  purchaseOrderNumber: string,
  quantity: number,
  at: string,
): { outcome: 'reserved'; next?: InventoryRecord } | { outcome: 'short'; available: number } {
  if (record.amazon[purchaseOrderNumber]) return { outcome: 'reserved' };
  const { available } = allocate(record, rules).amazon;
  if (quantity > available) return { outcome: 'short', available };
  return {
    outcome: 'reserved',
    next: { ...record, amazon: { ...record.amazon, [purchaseOrderNumber]: { quantity, at } }, updatedAt: at },
  };
}

/** Gives a PO's reservation back (a decision taken again). */
export function releasePurchaseOrder(record: InventoryRecord, purchaseOrderNumber: string, at: string) {
  if (!record.amazon[purchaseOrderNumber]) return undefined;
  const { [purchaseOrderNumber]: _released, ...amazon } = record.amazon;
  return { ...record, amazon, updatedAt: at };
}

/**
 * Amazon closed the PO (received, or the rest cancelled): what no shipment took goes back to
 * stock, so a partly shipped PO stops holding its unshipped remainder. The shipped eaches keep
 * counting as shipped until the ERP counts after them. Undefined when there is nothing to give back.
 */
export function closePurchaseOrder(
  record: InventoryRecord,
  purchaseOrderNumber: string,
  at: string,
): InventoryRecord | undefined {
  const held = record.amazon[purchaseOrderNumber];
  if (!held || held.releasedAt) return undefined;
  const shipped = Object.values(held.shipped ?? {}).reduce((s, x) => s + x.quantity, 0);
  if (shipped >= held.quantity) return undefined;
  if (shipped === 0) return releasePurchaseOrder(record, purchaseOrderNumber, at);
  return {
    ...record,
    amazon: { ...record.amazon, [purchaseOrderNumber]: { ...held, quantity: shipped } },
    updatedAt: at,
  };
}

/** A PO's units left the dock: they count until the ERP counts after `shippedAt`. */
export function markShipped(
  record: InventoryRecord,
  purchaseOrderNumber: string,
  shippedAt: string,
  at: string,
) {
  const held = record.amazon[purchaseOrderNumber];
  if (!held || held.releasedAt) return undefined;
  return {
    ...record,
    amazon: { ...record.amazon, [purchaseOrderNumber]: { ...held, releasedAt: shippedAt } },
    updatedAt: at,
  };
}

/** What applying a shipment to a PO's reservation did. */
export type ShipmentOutcome = 'shipped' | 'replay' | 'unreserved';

/**
 * A confirmed shipment took `quantity` eaches of this SKU for a PO: they leave the PO's open
 * reservation and count as shipped until the ERP counts after `shippedAt`. Once per shipment id:
 * a redelivered confirmation is a `replay` and changes nothing; a PO that holds nothing of this
 * SKU (never reserved, or gone) is `unreserved`.
 */
export function shipFromReservation(
  record: InventoryRecord,
  purchaseOrderNumber: string,
  shipment: { shipmentId: string; quantity: number; shippedAt: string },
  at: string,
): { outcome: ShipmentOutcome; next?: InventoryRecord } {
  const held = record.amazon[purchaseOrderNumber];
  if (!held) return { outcome: 'unreserved' };
  if (held.releasedAt || held.shipped?.[shipment.shipmentId]) return { outcome: 'replay' };
  const next: AmazonCommitment = {
    ...held,
    shipped: {
      ...held.shipped,
      [shipment.shipmentId]: { quantity: shipment.quantity, at: shipment.shippedAt },
    },
  };
  return {
    outcome: 'shipped',
    next: { ...record, amazon: { ...record.amazon, [purchaseOrderNumber]: next }, updatedAt: at },
  };
}

/** What an order webhook says about one SKU. */
export interface OrderLineState {
  readonly orderId: string;
  /** The order's `updated_at`: deliveries of the same order are applied in this order, once. */
  readonly updatedAt: string;
  readonly quantity: number;
  readonly cancelled: boolean;
  /** When all of this SKU's units were fulfilled, if they were. */
  readonly fulfilledAt?: string;
}

/**
 * Applies an order's state for this SKU. Shopify lowered its `available` itself when the order
 * was placed, so a new commitment moves units from `exposed` (or from `unseen`, when a re-read
 * saw the sale first) to the order; a cancellation gives them back to `exposed` (Shopify restocks
 * a cancelled order). A delivery older than the one applied, or a replay, changes nothing.
 */
export function applyOrder(
  record: InventoryRecord,
  line: OrderLineState,
  at: string,
): InventoryRecord | undefined {
  const held = record.shopify.orders[line.orderId];
  if (held?.orderUpdatedAt && line.updatedAt <= held.orderUpdatedAt) return undefined;
  const before = held ? orderQuantity(held) : 0;
  const next: OrderCommitment = {
    quantity: line.quantity,
    at: held?.at ?? line.updatedAt,
    refunds: held?.refunds ?? {},
    orderUpdatedAt: line.updatedAt,
    ...(line.cancelled ? { cancelled: true } : {}),
    ...(line.fulfilledAt ? { releasedAt: line.fulfilledAt } : {}),
  };
  return withOrder(record, line.orderId, next, orderQuantity(next) - before, at);
}

/**
 * Applies a refund of `quantity` eaches of this SKU (by refund id, once). `restocked`: Shopify put
 * the units back on sale, so they move to `exposed`; otherwise they only stop counting as ordered.
 */
export function applyRefund(
  record: InventoryRecord,
  refund: { orderId: string; refundId: string; quantity: number; restocked: boolean; at: string },
  at: string,
): InventoryRecord | undefined {
  const held: OrderCommitment = record.shopify.orders[refund.orderId] ?? {
    quantity: 0,
    at: refund.at,
    refunds: {},
  };
  if (held.refunds[refund.refundId] !== undefined) return undefined;
  const before = orderQuantity(held);
  const next: OrderCommitment = { ...held, refunds: { ...held.refunds, [refund.refundId]: refund.quantity } };
  const delta = orderQuantity(next) - before;
  return withOrder(record, refund.orderId, next, refund.restocked ? delta : 0, at, !refund.restocked);
}

function withOrder(
  record: InventoryRecord,
  orderId: string,
  order: OrderCommitment,
  delta: number,
  at: string,
  dropOnly = false,
): InventoryRecord {
  let { exposed, unseen } = record.shopify;
  if (!dropOnly) {
    if (delta > 0) {
      // Shopify already took these from `available`: from the unseen sales first, then from exposed.
      const fromUnseen = Math.min(unseen, delta);
      unseen -= fromUnseen;
      exposed = Math.max(0, exposed - (delta - fromUnseen));
    } else if (delta < 0) {
      exposed += -delta;
    }
  }
  return {
    ...record,
    shopify: { ...record.shopify, exposed, unseen, orders: { ...record.shopify.orders, [orderId]: order } },
    updatedAt: at,
  };
}

/**
 * Shopify showed `actual` where we expected `exposed`: less means sales whose orders have not
 * reached us (kept as `unseen`, so nobody else is promised them); more means someone put units on
 * sale at Shopify (taken as exposed: they can be sold, so they must count).
 */
export function observeShopify(record: InventoryRecord, actual: number, at: string): InventoryRecord {
  const { exposed, unseen } = record.shopify;
  return {
    ...record,
    shopify: {
      ...record.shopify,
      exposed: actual,
      unseen: actual < exposed ? unseen + (exposed - actual) : unseen,
      lastSyncAt: at,
    },
    updatedAt: at,
  };
}

/** Shopify took `quantity` as its available (or, `quantity` undefined, the raise did not happen). */
export function pushed(record: InventoryRecord, quantity: number | undefined, at: string): InventoryRecord {
  const { raising: _done, ...shopify } = record.shopify;
  return {
    ...record,
    shopify: quantity === undefined ? shopify : { ...shopify, exposed: quantity, lastSyncAt: at },
    updatedAt: at,
  };
}

/** Reserves a raise of Shopify's available before pushing it: nobody else is promised those units meanwhile. */
export function exposeMore(
  record: InventoryRecord,
  quantity: number,
  at: string,
): InventoryRecord | undefined {
  if (quantity <= Math.max(record.shopify.exposed, record.shopify.raising ?? 0)) return undefined;
  return { ...record, shopify: { ...record.shopify, raising: quantity }, updatedAt: at };
}

/** Takes the SKU's sync lease, or undefined while another owner holds an unexpired one. */
export function takeLease(
  record: InventoryRecord,
  owner: string,
  now: string,
  until: string,
): InventoryRecord | undefined {
  const held = record.shopify.lease;
  if (held && held.owner !== owner && held.until > now) return undefined;
  return { ...record, shopify: { ...record.shopify, lease: { owner, until } }, updatedAt: now };
}

/** Gives the sync lease back (if `owner` still holds it). */
export function dropLease(record: InventoryRecord, owner: string): InventoryRecord {
  if (record.shopify.lease?.owner !== owner) return record;
  const { lease: _dropped, ...shopify } = record.shopify;
  return { ...record, shopify };
}

/** Records the drift a reconciliation found (Shopify's available minus what we expected). */
export function withDrift(record: InventoryRecord, drift: number, at: string): InventoryRecord {
  return { ...record, shopify: { ...record.shopify, drift, driftAt: at }, updatedAt: at };
}

/** Remembers where the SKU lives at Shopify (`null`: Shopify has no variant with this SKU). */
export function withShopifyItem(
  record: InventoryRecord,
  item: ShopifyItem | null,
  at: string,
): InventoryRecord {
  return { ...record, shopify: { ...record.shopify, item }, updatedAt: at };
}
