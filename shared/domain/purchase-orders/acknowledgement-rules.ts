/**
 * The acknowledgement rules engine: for each line of a purchase order, accept, backorder, reject or
 * send to a person, with the rule that decided and a reason an operator can read.
 *
 * Amazon's rules it keeps (notes/domain.md 1.3): an acknowledged quantity never exceeds the
 * ordered one; a line is split into Accepted + Backordered only when the PO allows backorders;
 * unknown products are rejected `InvalidProductIdentifier`, discontinued ones `ObsoleteProduct`,
 * everything else `TemporarilyUnavailable`. Stock is allocated line by line across the PO (and
 * across POs: pass the returned remaining stock to the next call, or use decidePurchaseOrders),
 * so the same eaches are never promised twice.
 *
 * Pure and fast: no I/O, no clock (`now` is an input), no schema parsing per line.
 */
import {
  type Decimal,
  formatDecimal,
  formatMoney,
  isWithinTolerance,
  type Money,
  parseDecimal,
  parseMoney,
  percentDifference,
} from '#shared/domain/money.ts';
import type { OrderItem, OrderItemAcknowledgement, PurchaseOrder } from '#shared/sp-api/schemas/orders.ts';
import type { CatalogIndex, IndexedCatalogEntry } from './catalog.ts';
import {
  CORRECTION_WINDOW_HOURS,
  type DateTimeInterval,
  formatInstant,
  parseDateTime,
  parseDateTimeInterval,
} from './deadlines.ts';
import { PurchaseOrderNotDecidableError } from './errors.ts';
import type { AcknowledgementRules } from './rules-config.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Every rule that can decide a line, in the order they are tried. */
export const RULE_IDS = [
  'line.unreadable-quantity',
  'line.cancelled',
  'item.unknown',
  'item.ambiguous',
  'item.not-in-marketplace',
  'sku.never-accept',
  'item.discontinued',
  'sku.always-review',
  'quantity.above-sku-max',
  'quantity.above-threshold',
  'cost.missing',
  'cost.currency',
  'cost.by-weight',
  'cost.mismatch',
  'sku.always-accept',
  'stock.missing',
  'stock.available',
  'stock.backorder',
  'stock.partial',
  'stock.unavailable',
] as const;
/** The id of the rule that decided a line. */
export type RuleId = (typeof RULE_IDS)[number];

interface LineDecisionBase {
  readonly itemSequenceNumber: string;
  /** Our SKU, when the catalogue knows the line's product. */
  readonly sku?: string;
  /** The rule that decided (for a review, the first reason to look). */
  readonly ruleId: RuleId;
  /** Why, in words: `Accepted 40 of 40: 120 available to promise`. */
  readonly reason: string;
  /** Eaches of available-to-promise this line takes (holds, for a review). */
  readonly allocated: number;
}

/** A line the rules decided: its acknowledgement is ready to send. */
export interface DecidedLine extends LineDecisionBase {
  readonly outcome: 'decided';
  readonly itemAcknowledgements: OrderItemAcknowledgement[];
}

/** A line a person must decide. */
export interface ReviewLine extends LineDecisionBase {
  readonly outcome: 'review';
  /** What the stock rules would send if the person approves, when they could tell. */
  readonly proposal?: OrderItemAcknowledgement[];
}

/** The decision for one PO line. */
export type LineDecision = DecidedLine | ReviewLine;

/** The decision for one PO, line by line, in the PO's line order. */
export interface PurchaseOrderDecision {
  readonly purchaseOrderNumber: string;
  readonly vendorCode: string;
  readonly marketplace: string;
  /** `now` of the decision, ISO-8601. */
  readonly decidedAt: string;
  readonly lines: LineDecision[];
  /** Whether every line is decided (no review), so the acknowledgement can go out. */
  readonly complete: boolean;
  /** Eaches this PO takes (or holds for review) per SKU. */
  readonly allocations: ReadonlyMap<string, number>;
  /** Available-to-promise per SKU after this PO: pass it as `stock` when deciding the next PO. */
  readonly remainingStock: ReadonlyMap<string, number>;
}

/** What {@link decidePurchaseOrder} needs. */
export interface DecidePurchaseOrderInput {
  readonly order: PurchaseOrder;
  /** Marketplace code as in acorn.config.json (`DE`): picks the catalogue's expected cost. */
  readonly marketplace: string;
  readonly vendorCode: string;
  readonly catalog: CatalogIndex;
  /** Available-to-promise eaches per SKU (never modified). */
  readonly stock: ReadonlyMap<string, number>;
  readonly rules: AcknowledgementRules;
  readonly now: Date;
}

/** One PO of a batch. */
export interface PurchaseOrderToDecide {
  readonly order: PurchaseOrder;
  readonly marketplace: string;
  readonly vendorCode: string;
}

/** What {@link decidePurchaseOrders} needs: the POs in the order they should get stock. */
export interface DecidePurchaseOrdersInput
  extends Omit<DecidePurchaseOrderInput, 'order' | 'marketplace' | 'vendorCode'> {
  readonly orders: readonly PurchaseOrderToDecide[];
}

/** The decisions of a batch and the stock left after all of them. */
export interface PurchaseOrdersDecision {
  readonly decisions: Omit<PurchaseOrderDecision, 'remainingStock'>[];
  readonly remainingStock: ReadonlyMap<string, number>;
}

/**
 * Decides every line of one PO. Stock is taken line by line in PO order; the returned
 * `remainingStock` is what is left for the next PO.
 */
export function decidePurchaseOrder(input: DecidePurchaseOrderInput): PurchaseOrderDecision {
  const ledger = new StockLedger(input.stock);
  const decision = decideOrder(input, compile(input.rules), ledger, input.now);
  return { ...decision, remainingStock: ledger.snapshot() };
}

/**
 * Decides many POs against one stock, in the order given (put the most urgent first). Same result
 * as chaining decidePurchaseOrder through `remainingStock`, without copying the stock per PO.
 */
export function decidePurchaseOrders(input: DecidePurchaseOrdersInput): PurchaseOrdersDecision {
  const ledger = new StockLedger(input.stock);
  const rules = compile(input.rules);
  const decisions = input.orders.map((po) => decideOrder({ ...input, ...po }, rules, ledger, input.now));
  return { decisions, remainingStock: ledger.remaining() };
}

// ---- stock ----------------------------------------------------------------------------------

/** Available-to-promise with what has been taken so far; the input map is never written. */
class StockLedger {
  readonly #base: ReadonlyMap<string, number>;
  readonly #taken = new Map<string, number>();

  constructor(base: ReadonlyMap<string, number>) {
    this.#base = base;
  }

  /** Eaches left for a SKU, or undefined when the SKU has no stock position. */
  left(sku: string): number | undefined {
    const base = this.#base.get(sku);
    return base === undefined ? undefined : base - (this.#taken.get(sku) ?? 0);
  }

  take(sku: string, eaches: number): void {
    if (eaches > 0 && this.#base.has(sku)) this.#taken.set(sku, (this.#taken.get(sku) ?? 0) + eaches);
  }

  /** A full copy of the stock with what was taken subtracted. */
  remaining(): Map<string, number> {
    const out = new Map(this.#base);
    for (const [sku, taken] of this.#taken) out.set(sku, this.#base.get(sku)! - taken);
    return out;
  }

  /** The stock after what was taken, sharing the unchanged part with the input (see RemainingStock). */
  snapshot(): ReadonlyMap<string, number> {
    return RemainingStock.after(this.#base, this.#taken);
  }
}

/**
 * Available-to-promise after a PO, as a layer of the SKUs it changed over the stock it started
 * from. Chaining decidePurchaseOrder through `remainingStock` then costs the lines' SKUs per PO,
 * not a copy of the whole stock; every MAX_LAYERS POs the layers are folded into one plain map,
 * so a lookup never walks more than MAX_LAYERS small maps. Never modified once built.
 */
class RemainingStock implements ReadonlyMap<string, number> {
  static readonly MAX_LAYERS = 16;
  readonly #parent: ReadonlyMap<string, number>;
  readonly #changes: ReadonlyMap<string, number>;
  readonly #depth: number;

  private constructor(
    parent: ReadonlyMap<string, number>,
    changes: ReadonlyMap<string, number>,
    depth: number,
  ) {
    this.#parent = parent;
    this.#changes = changes;
    this.#depth = depth;
  }

  static after(
    base: ReadonlyMap<string, number>,
    taken: ReadonlyMap<string, number>,
  ): ReadonlyMap<string, number> {
    if (taken.size === 0) return base;
    const changes = new Map<string, number>();
    for (const [sku, eaches] of taken) changes.set(sku, base.get(sku)! - eaches);
    const depth = base instanceof RemainingStock ? base.#depth + 1 : 1;
    if (depth <= RemainingStock.MAX_LAYERS) return new RemainingStock(base, changes, depth);
    // Fold: copy the root natively, then replay the layers oldest first.
    const layers: ReadonlyMap<string, number>[] = [changes];
    let node = base;
    while (node instanceof RemainingStock) {
      layers.push(node.#changes);
      node = node.#parent;
    }
    const flat = new Map(node);
    for (let i = layers.length - 1; i >= 0; i--) for (const [sku, left] of layers[i]!) flat.set(sku, left);
    return flat;
  }

  /** The plain map at the bottom of the layers: it has every SKU. */
  #root(): ReadonlyMap<string, number> {
    let node: ReadonlyMap<string, number> = this;
    while (node instanceof RemainingStock) node = node.#parent;
    return node;
  }

  get(sku: string): number | undefined {
    let node: ReadonlyMap<string, number> = this;
    while (node instanceof RemainingStock) {
      const left = node.#changes.get(sku);
      if (left !== undefined) return left;
      node = node.#parent;
    }
    return node.get(sku);
  }

  has(sku: string): boolean {
    // Only SKUs of the root are ever taken from, so the root knows every key.
    return this.#root().has(sku);
  }

  get size(): number {
    return this.#root().size;
  }

  *entries(): MapIterator<[string, number]> {
    for (const sku of this.#root().keys()) yield [sku, this.get(sku)!];
  }

  keys(): MapIterator<string> {
    return this.#root().keys();
  }

  *values(): MapIterator<number> {
    for (const [, left] of this.entries()) yield left;
  }

  forEach(
    callback: (value: number, key: string, map: ReadonlyMap<string, number>) => void,
    thisArg?: unknown,
  ): void {
    for (const [sku, left] of this.entries()) callback.call(thisArg, left, sku, this);
  }

  [Symbol.iterator](): MapIterator<[string, number]> {
    return this.entries();
  }
}

// ---- compiled rules -------------------------------------------------------------------------

interface CompiledRules {
  readonly rules: AcknowledgementRules;
  readonly absolute: ReadonlyMap<string, Money>;
  readonly percent?: Decimal;
}

const compiledRules = new WeakMap<AcknowledgementRules, CompiledRules>();

/** Parses the tolerance amounts once per rule set, not once per line. */
function compile(rules: AcknowledgementRules): CompiledRules {
  let compiled = compiledRules.get(rules);
  if (!compiled) {
    const absolute = new Map<string, Money>();
    for (const [currency, amount] of Object.entries(rules.costTolerance.absolute)) {
      absolute.set(currency, parseMoney(amount, currency));
    }
    const percent = rules.costTolerance.percent;
    compiled = { rules, absolute, ...(percent === undefined ? {} : { percent: parseDecimal(percent) }) };
    compiledRules.set(rules, compiled);
  }
  return compiled;
}

function toleranceText(rules: CompiledRules, currency: string): string {
  const parts: string[] = [];
  const absolute = rules.absolute.get(currency);
  if (absolute) parts.push(formatMoney(absolute));
  if (rules.percent) parts.push(`${formatDecimal(rules.percent)} %`);
  return parts.length === 0 ? 'no tolerance' : `tolerance ${parts.join(' or ')}`;
}

// ---- one PO ---------------------------------------------------------------------------------

/** Dates of an acknowledgement part. */
interface Schedule {
  readonly scheduledShipDate?: string;
  readonly scheduledDeliveryDate?: string;
}

interface OrderContext {
  readonly marketplace: string;
  readonly catalog: CatalogIndex;
  readonly rules: CompiledRules;
  readonly ledger: StockLedger;
  readonly nowMs: number;
  readonly ship?: DateTimeInterval;
  readonly delivery?: DateTimeInterval;
  /** Dates of an Accepted part: the window's start, or now when the window has begun. */
  readonly accepted: Schedule;
  /** Backordered dates by lead time in days. */
  readonly backorders: Map<number, { schedule: Schedule; text: string }>;
}

function decideOrder(
  input: PurchaseOrderToDecide & Pick<DecidePurchaseOrderInput, 'catalog'>,
  rules: CompiledRules,
  ledger: StockLedger,
  now: Date,
): Omit<PurchaseOrderDecision, 'remainingStock'> {
  const { order, marketplace, vendorCode } = input;
  const po = order.purchaseOrderNumber;
  const details = order.orderDetails;
  if (!details) {
    throw new PurchaseOrderNotDecidableError(`PO ${po} has no details (fetched with includeDetails=false?)`);
  }
  if (order.purchaseOrderState === 'Closed') {
    throw new PurchaseOrderNotDecidableError(`PO ${po} is closed: there is nothing to acknowledge`);
  }
  const seller = details.sellingParty?.partyId;
  if (seller !== undefined && seller !== vendorCode) {
    throw new PurchaseOrderNotDecidableError(`PO ${po} is for vendor code ${seller}, not ${vendorCode}`);
  }
  const nowMs = now.getTime();
  const ship = readWindow(details.shipWindow);
  const delivery = readWindow(details.deliveryWindow);
  const transitMs = rules.rules.transitDays * DAY_MS;
  const accepted: Schedule = ship
    ? { scheduledShipDate: formatInstant(Math.max(ship.start.getTime(), nowMs)) }
    : delivery
      ? { scheduledDeliveryDate: formatInstant(Math.max(delivery.start.getTime(), nowMs + transitMs)) }
      : {};
  const ctx: OrderContext = {
    marketplace,
    catalog: input.catalog,
    rules,
    ledger,
    nowMs,
    ...(ship ? { ship } : {}),
    ...(delivery ? { delivery } : {}),
    accepted,
    backorders: new Map(),
  };

  const lines: LineDecision[] = [];
  const allocations = new Map<string, number>();
  let complete = true;
  for (const item of details.items) {
    const line = decideLine(item, ctx);
    lines.push(line);
    if (line.outcome === 'review') complete = false;
    if (line.allocated > 0 && line.sku !== undefined) {
      allocations.set(line.sku, (allocations.get(line.sku) ?? 0) + line.allocated);
    }
  }
  return {
    purchaseOrderNumber: po,
    vendorCode,
    marketplace,
    decidedAt: now.toISOString(),
    lines,
    complete,
    allocations,
  };
}

function readWindow(text: string | undefined): DateTimeInterval | undefined {
  if (text === undefined) return undefined;
  try {
    return parseDateTimeInterval(text);
  } catch {
    // An unreadable window only costs the scheduled dates, which are optional in the EU and NA.
    return undefined;
  }
}

/** When a backorder with this lead time ships (ship window) or arrives (delivery window). */
function backorderSchedule(ctx: OrderContext, leadTimeDays: number): { schedule: Schedule; text: string } {
  let found = ctx.backorders.get(leadTimeDays);
  if (!found) {
    const ready = ctx.nowMs + leadTimeDays * DAY_MS;
    if (ctx.delivery && !ctx.ship) {
      const at = formatInstant(
        Math.max(ready + ctx.rules.rules.transitDays * DAY_MS, ctx.delivery.start.getTime()),
      );
      found = { schedule: { scheduledDeliveryDate: at }, text: `arrives ${at.slice(0, 10)}` };
    } else {
      const at = formatInstant(Math.max(ready, ctx.ship?.start.getTime() ?? ready));
      found = { schedule: { scheduledShipDate: at }, text: `ships ${at.slice(0, 10)}` };
    }
    ctx.backorders.set(leadTimeDays, found);
  }
  return found;
}

// ---- one line -------------------------------------------------------------------------------

/** A line's quantity as the rules count it. */
interface LineQuantity {
  readonly item: OrderItem;
  readonly ordered: number;
  /** Eaches per unit ordered: the case size for Cases, 1 for Eaches. */
  readonly eachesPerUnit: number;
  readonly cases: boolean;
}

type Code = OrderItemAcknowledgement['acknowledgementCode'];
type RejectionReason = NonNullable<OrderItemAcknowledgement['rejectionReason']>;

function part(
  q: LineQuantity,
  code: Code,
  amount: number,
  schedule?: Schedule,
  rejectionReason?: RejectionReason,
): OrderItemAcknowledgement {
  const { unitOfMeasure, unitSize } = q.item.orderedQuantity;
  const acknowledgedQuantity: OrderItemAcknowledgement['acknowledgedQuantity'] = { amount };
  if (unitOfMeasure !== undefined) acknowledgedQuantity.unitOfMeasure = unitOfMeasure;
  if (unitSize !== undefined) acknowledgedQuantity.unitSize = unitSize;
  const ack: OrderItemAcknowledgement = { acknowledgementCode: code, acknowledgedQuantity };
  if (schedule?.scheduledShipDate) ack.scheduledShipDate = schedule.scheduledShipDate;
  if (schedule?.scheduledDeliveryDate) ack.scheduledDeliveryDate = schedule.scheduledDeliveryDate;
  if (rejectionReason) ack.rejectionReason = rejectionReason;
  return ack;
}

/** `40`, or `10 cases of 6` for a line ordered in cases. */
function ofOrdered(q: LineQuantity): string {
  return q.cases ? `${q.ordered} cases of ${q.eachesPerUnit}` : String(q.ordered);
}

function eachesText(eaches: number): string {
  return eaches <= 0 ? 'nothing' : `only ${eaches}`;
}

function decided(
  q: LineQuantity,
  sku: string | undefined,
  ruleId: RuleId,
  reason: string,
  itemAcknowledgements: OrderItemAcknowledgement[],
  allocated = 0,
): DecidedLine {
  return {
    outcome: 'decided',
    itemSequenceNumber: q.item.itemSequenceNumber,
    ...(sku === undefined ? {} : { sku }),
    ruleId,
    reason,
    allocated,
    itemAcknowledgements,
  };
}

function review(
  item: OrderItem,
  sku: string | undefined,
  ruleId: RuleId,
  reason: string,
  proposal?: StockOutcome,
  allocated = 0,
): ReviewLine {
  return {
    outcome: 'review',
    itemSequenceNumber: item.itemSequenceNumber,
    ...(sku === undefined ? {} : { sku }),
    ruleId,
    reason: proposal ? `Review: ${reason}. If approved: ${proposal.reason}` : `Review: ${reason}`,
    allocated,
    ...(proposal ? { proposal: proposal.acks } : {}),
  };
}

function rejectWhole(
  q: LineQuantity,
  sku: string | undefined,
  ruleId: RuleId,
  why: string,
  reason: RejectionReason,
) {
  return decided(q, sku, ruleId, `Rejected ${ofOrdered(q)} (${reason}): ${why}`, [
    part(q, 'Rejected', q.ordered, undefined, reason),
  ]);
}

function describeLine(item: OrderItem): string {
  const ids = [
    item.vendorProductIdentifier && `product ${item.vendorProductIdentifier}`,
    item.amazonProductIdentifier && `ASIN ${item.amazonProductIdentifier}`,
  ].filter(Boolean);
  return ids.length === 0 ? 'the line has no product identifier' : ids.join(' / ');
}

function decideLine(item: OrderItem, ctx: OrderContext): LineDecision {
  const rules = ctx.rules.rules;
  const { amount: ordered, unitOfMeasure, unitSize } = item.orderedQuantity;
  const cases = unitOfMeasure === 'Cases';
  if (ordered === undefined || !Number.isSafeInteger(ordered) || ordered < 0) {
    return review(
      item,
      undefined,
      'line.unreadable-quantity',
      `the ordered quantity ${ordered ?? '(none)'} cannot be read`,
    );
  }
  if (cases && (unitSize === undefined || unitSize < 1)) {
    return review(
      item,
      undefined,
      'line.unreadable-quantity',
      'the line is ordered in cases but has no case size',
    );
  }
  const q: LineQuantity = { item, ordered, eachesPerUnit: cases ? unitSize! : 1, cases };
  if (ordered === 0) {
    // A line Amazon cancelled (quantity 0): acknowledged as a zero rejection, as every line must be.
    return decided(q, undefined, 'line.cancelled', 'Rejected 0: Amazon cancelled the line (ordered 0)', [
      part(q, 'Rejected', 0, undefined, 'TemporarilyUnavailable'),
    ]);
  }

  // ---- which product
  const found = ctx.catalog.lookup(item, ctx.marketplace);
  if (found.kind === 'unknown') {
    const why = `${describeLine(item)} is not in the catalogue`;
    return rules.onUnknownItem === 'reject'
      ? rejectWhole(q, undefined, 'item.unknown', why, 'InvalidProductIdentifier')
      : review(item, undefined, 'item.unknown', why);
  }
  if (found.kind === 'ambiguous') {
    return review(
      item,
      undefined,
      'item.ambiguous',
      `${describeLine(item)} matches SKUs ${found.skus.join(', ')}`,
    );
  }
  if (found.kind === 'not-in-marketplace') {
    return review(
      item,
      found.sku,
      'item.not-in-marketplace',
      `SKU ${found.sku} is not listed for ${ctx.marketplace} (only ${found.marketplaces.join(', ')})`,
    );
  }
  const entry = found.entry;
  const sku = entry.sku;
  const skuRules = rules.skus[sku];

  // ---- decisive rejections
  if (skuRules?.neverAccept) {
    return rejectWhole(
      q,
      sku,
      'sku.never-accept',
      `SKU ${sku} is set to never accept`,
      'TemporarilyUnavailable',
    );
  }
  if (entry.status === 'discontinued') {
    const why = `SKU ${sku} is discontinued`;
    return rules.onDiscontinued === 'reject'
      ? rejectWhole(q, sku, 'item.discontinued', why, 'ObsoleteProduct')
      : review(item, sku, 'item.discontinued', why);
  }

  // ---- reasons for a person to look
  const flags: Flags = { reasons: [] };
  if (skuRules?.alwaysReview) flag(flags, 'sku.always-review', `SKU ${sku} is set to always review`);
  const eaches = ordered * q.eachesPerUnit;
  const max = skuRules?.maxOrderQuantity ?? entry.maxOrderQuantity;
  if (max !== undefined && eaches > max) {
    flag(
      flags,
      'quantity.above-sku-max',
      `${eaches} eaches ordered, above the maximum of ${max} for SKU ${sku}`,
    );
  } else if (rules.reviewAboveQuantity !== undefined && eaches > rules.reviewAboveQuantity) {
    flag(
      flags,
      'quantity.above-threshold',
      `${eaches} eaches ordered, above the review threshold of ${rules.reviewAboveQuantity}`,
    );
  }
  const costMismatch = checkCost(item, entry, ctx.rules, flags);
  if (costMismatch && rules.onCostMismatch === 'review') flag(flags, 'cost.mismatch', costMismatch);

  // ---- what the stock allows
  const left = ctx.ledger.left(sku);
  const stockKnown = left !== undefined || rules.onMissingStock === 'zero';
  const safety = skuRules?.safetyStock ?? rules.defaultSafetyStock;
  const leadTimeDays = skuRules?.leadTimeDays ?? entry.leadTimeDays;
  const outcome = skuRules?.alwaysAccept
    ? alwaysAccept(q, sku, left ?? 0, ctx.accepted)
    : stockKnown
      ? fromStock(q, left ?? 0, safety, leadTimeDays, ctx)
      : undefined;

  if (flags.rule !== undefined) {
    const hold = rules.reviewHoldsStock && outcome ? outcome.taken : 0;
    ctx.ledger.take(sku, hold);
    return review(item, sku, flags.rule, flags.reasons.join('; '), outcome, hold);
  }
  if (costMismatch) {
    return rejectWhole(q, sku, 'cost.mismatch', costMismatch, 'TemporarilyUnavailable');
  }
  if (!outcome) return review(item, sku, 'stock.missing', `there is no stock position for SKU ${sku}`);
  if (outcome.review) {
    const hold = rules.reviewHoldsStock ? outcome.taken : 0;
    ctx.ledger.take(sku, hold);
    return review(item, sku, outcome.ruleId, outcome.reason, undefined, hold);
  }
  ctx.ledger.take(sku, outcome.taken);
  return decided(q, sku, outcome.ruleId, outcome.reason, outcome.acks, outcome.taken);
}

/** The reasons found so far to send a line to a person; the first rule names the review. */
interface Flags {
  rule?: RuleId;
  readonly reasons: string[];
}

function flag(flags: Flags, rule: RuleId, reason: string): void {
  flags.rule ??= rule;
  flags.reasons.push(reason);
}

/**
 * Flags a PO net cost that cannot be compared; returns the mismatch text when it is outside the
 * tolerance (the caller decides review or reject).
 */
function checkCost(
  item: OrderItem,
  entry: IndexedCatalogEntry,
  rules: CompiledRules,
  flags: Flags,
): string | undefined {
  const netCost = item.netCost;
  const expected = entry.expectedCost;
  if (netCost?.amount === undefined) {
    flag(
      flags,
      'cost.missing',
      'the PO line has no net cost, and the acknowledgement must carry the invoice cost',
    );
    return undefined;
  }
  if (netCost.unitOfMeasure !== undefined) {
    flag(
      flags,
      'cost.by-weight',
      `the line is priced per ${netCost.unitOfMeasure}; the catalogue cost is per each`,
    );
    return undefined;
  }
  if (netCost.currencyCode !== expected.currency) {
    flag(
      flags,
      'cost.currency',
      `the net cost is in ${netCost.currencyCode ?? 'no currency'}, the catalogue expects ${expected.currency}`,
    );
    return undefined;
  }
  let actual: Money;
  try {
    actual = parseMoney(netCost.amount, expected.currency);
  } catch {
    flag(flags, 'cost.missing', `the net cost "${netCost.amount}" cannot be read`);
    return undefined;
  }
  if (actual.units <= 0n) {
    flag(flags, 'cost.missing', `the net cost ${formatMoney(actual)} is not above zero`);
    return undefined;
  }
  const tolerance = {
    ...(rules.absolute.has(expected.currency) ? { absolute: rules.absolute.get(expected.currency)! } : {}),
    ...(rules.percent ? { percent: rules.percent } : {}),
  };
  if (isWithinTolerance(actual, expected, tolerance)) return undefined;
  return `net cost ${formatMoney(actual)} differs from expected ${formatMoney(expected)} by ${percentDifference(actual, expected)} % (${toleranceText(rules, expected.currency)})`;
}

/** What the stock rules give a line. */
interface StockOutcome {
  readonly ruleId: RuleId;
  readonly reason: string;
  readonly acks: OrderItemAcknowledgement[];
  /** Eaches taken from available-to-promise. */
  readonly taken: number;
  /** The rules send it to a person (shortage with `otherwise: review`). */
  readonly review?: boolean;
}

function alwaysAccept(q: LineQuantity, sku: string, left: number, accepted: Schedule): StockOutcome {
  const need = q.ordered * q.eachesPerUnit;
  return {
    ruleId: 'sku.always-accept',
    reason: `Accepted ${q.ordered} of ${ofOrdered(q)}: SKU ${sku} is always accepted (stock not checked)`,
    acks: [part(q, 'Accepted', q.ordered, accepted)],
    taken: Math.min(need, Math.max(0, left)),
  };
}

function fromStock(
  q: LineQuantity,
  left: number,
  safety: number,
  leadTimeDays: number,
  ctx: OrderContext,
): StockOutcome {
  const rules = ctx.rules.rules;
  const usable = Math.max(0, left - safety);
  const units = Math.min(q.ordered, Math.floor(usable / q.eachesPerUnit));
  const onHand = units * q.eachesPerUnit;
  const atp = `${Math.max(0, usable)} ${q.cases ? 'eaches ' : ''}available to promise${
    safety > 0 ? ` (${safety} kept back as safety stock)` : ''
  }`;
  const accepted = ctx.accepted;
  if (units === q.ordered) {
    return {
      ruleId: 'stock.available',
      reason: `Accepted ${q.ordered} of ${ofOrdered(q)}: ${atp}`,
      acks: [part(q, 'Accepted', q.ordered, accepted)],
      taken: onHand,
    };
  }
  const short = q.ordered - units;
  const only = `${eachesText(usable)} ${q.cases && usable > 0 ? 'eaches ' : ''}available to promise${
    safety > 0 ? ` after ${safety} safety stock` : ''
  }`;
  const partial = rules.shortage.partialAcceptance && units > 0;

  let noBackorder: string | undefined;
  if (!rules.shortage.backorder) noBackorder = 'backorders are switched off';
  else if (!q.item.isBackOrderAllowed) noBackorder = 'the PO line does not allow backorders';
  else if (leadTimeDays > rules.shortage.maxBackorderLeadTimeDays) {
    noBackorder = `lead time ${leadTimeDays} days is above the ${rules.shortage.maxBackorderLeadTimeDays}-day backorder limit`;
  }

  if (noBackorder === undefined) {
    const later = backorderSchedule(ctx, leadTimeDays);
    const lead = `lead time ${leadTimeDays} day${leadTimeDays === 1 ? '' : 's'} → ${later.text}`;
    if (partial) {
      return {
        ruleId: 'stock.backorder',
        reason: `Accepted ${units}, backordered ${short} of ${ofOrdered(q)}: ${only}; ${lead}`,
        acks: [part(q, 'Accepted', units, accepted), part(q, 'Backordered', short, later.schedule)],
        taken: onHand,
      };
    }
    return {
      ruleId: 'stock.backorder',
      reason: `Backordered ${q.ordered} of ${ofOrdered(q)}: ${only}${
        units > 0 ? ' and partial acceptance is off' : ''
      }; ${lead}`,
      acks: [part(q, 'Backordered', q.ordered, later.schedule)],
      // The eaches on hand ship with the backorder: keep them for it.
      taken: onHand,
    };
  }
  if (partial) {
    return {
      ruleId: 'stock.partial',
      reason: `Accepted ${units}, rejected ${short} of ${ofOrdered(q)} (TemporarilyUnavailable): ${only}; ${noBackorder}`,
      acks: [
        part(q, 'Accepted', units, accepted),
        part(q, 'Rejected', short, undefined, 'TemporarilyUnavailable'),
      ],
      taken: onHand,
    };
  }
  const why = `${only}${units > 0 ? ', partial acceptance is off' : ''}; ${noBackorder}`;
  if (rules.shortage.otherwise === 'review') {
    return { ruleId: 'stock.unavailable', reason: why, acks: [], taken: onHand, review: true };
  }
  return {
    ruleId: 'stock.unavailable',
    reason: `Rejected ${ofOrdered(q)} (TemporarilyUnavailable): ${why}`,
    acks: [part(q, 'Rejected', q.ordered, undefined, 'TemporarilyUnavailable')],
    taken: 0,
  };
}

// ---- operator decisions ---------------------------------------------------------------------

/** What Amazon last accepted for a line, as far as we know. */
export interface CurrentLineAcknowledgement {
  readonly itemAcknowledgements: readonly OrderItemAcknowledgement[];
}

/** When the decision is made, against which PO date. */
export interface ManualDecisionContext {
  readonly purchaseOrderDate: string | Date;
  readonly now: Date;
  /** Hours after the PO date during which quantities may change (48). */
  readonly correctionWindowHours?: number;
}

/** Why an operator's decision cannot be sent. */
export interface ManualDecisionProblem {
  readonly code:
    | 'empty'
    | 'whole-quantity'
    | 'zero-quantity'
    | 'unit-mismatch'
    | 'duplicate-code'
    | 'above-ordered'
    | 'backorder-not-allowed'
    | 'backorder-without-date'
    | 'missing-rejection-reason'
    | 'reason-without-rejection'
    | 'missing-net-cost'
    | 'rejected-line'
    | 'correction-window-closed';
  readonly message: string;
}

/** The verdict on an operator's decision. */
export type ManualDecisionCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly problems: ManualDecisionProblem[] };

const codeSignature = (parts: readonly OrderItemAcknowledgement[]) =>
  parts
    .map((p) => `${p.acknowledgementCode}:${p.acknowledgedQuantity.amount ?? 0}`)
    .sort()
    .join(',');

/**
 * The checks every acknowledgement of a line must pass, whoever decided it: whole quantities in
 * the line's unit, at most the ordered quantity in total, one part per code, a backorder only where
 * the line allows it and with a date, a reason on (and only on) a rejection, and a net cost when
 * accepting (`netCost` stands in when the PO line has none).
 */
export function checkLineAcknowledgement(
  line: OrderItem,
  requested: readonly OrderItemAcknowledgement[],
  opts: { readonly netCost?: unknown } = {},
): ManualDecisionProblem[] {
  const problems: ManualDecisionProblem[] = [];
  const add = (code: ManualDecisionProblem['code'], message: string) => problems.push({ code, message });
  const seq = line.itemSequenceNumber;
  const ordered = line.orderedQuantity.amount ?? 0;
  const { unitOfMeasure, unitSize } = line.orderedQuantity;

  if (requested.length === 0)
    add('empty', `Line ${seq}: choose at least one of Accepted, Backordered or Rejected`);
  const codes = new Set<string>();
  let total = 0;
  for (const p of requested) {
    const code = p.acknowledgementCode;
    const amount = p.acknowledgedQuantity.amount;
    if (codes.has(code))
      add('duplicate-code', `Line ${seq}: ${code} appears twice; give one quantity per code`);
    codes.add(code);
    if (amount === undefined || !Number.isSafeInteger(amount) || amount < 0) {
      add('whole-quantity', `Line ${seq}: the ${code} quantity must be a whole number of at least 0`);
      continue;
    }
    if (amount === 0 && !(code === 'Rejected' && ordered === 0)) {
      add('zero-quantity', `Line ${seq}: a ${code} quantity of 0 is not allowed; leave the part out`);
    }
    total += amount;
    const q = p.acknowledgedQuantity;
    if ((q.unitOfMeasure ?? unitOfMeasure) !== unitOfMeasure || (q.unitSize ?? unitSize) !== unitSize) {
      add(
        'unit-mismatch',
        `Line ${seq}: acknowledge in the line's unit (${unitOfMeasure ?? 'Eaches'}${unitSize ? ` of ${unitSize}` : ''})`,
      );
    }
    if (code === 'Backordered') {
      if (!line.isBackOrderAllowed)
        add('backorder-not-allowed', `Line ${seq}: this PO line does not allow backorders`);
      if (!p.scheduledShipDate && !p.scheduledDeliveryDate) {
        add('backorder-without-date', `Line ${seq}: a backorder needs a scheduled ship or delivery date`);
      }
    }
    if (code === 'Rejected' && !p.rejectionReason) {
      add('missing-rejection-reason', `Line ${seq}: a rejection needs a reason`);
    }
    if (code !== 'Rejected' && p.rejectionReason) {
      add('reason-without-rejection', `Line ${seq}: only a Rejected part has a rejection reason`);
    }
  }
  if (total > ordered) {
    add('above-ordered', `Line ${seq}: ${total} acknowledged in total, but only ${ordered} ordered`);
  }
  const accepting = requested.some((p) => p.acknowledgementCode !== 'Rejected');
  if (accepting && line.netCost?.amount === undefined && opts.netCost === undefined) {
    add('missing-net-cost', `Line ${seq}: the PO line has no net cost, which Amazon needs to accept it`);
  }
  return problems;
}

/**
 * Checks an operator's acknowledgement of one PO line before it is sent: everything
 * {@link checkLineAcknowledgement} checks, plus Amazon's history rules — a rejected line is never
 * accepted or backordered later, and after the 48-hour correction window only dates may change.
 */
export function validateManualDecision(
  line: OrderItem,
  current: CurrentLineAcknowledgement | undefined,
  requested: readonly OrderItemAcknowledgement[],
  context: ManualDecisionContext,
): ManualDecisionCheck {
  const problems = checkLineAcknowledgement(line, requested);
  const add = (code: ManualDecisionProblem['code'], message: string) => problems.push({ code, message });
  const seq = line.itemSequenceNumber;
  const accepting = requested.some((p) => p.acknowledgementCode !== 'Rejected');
  const previous = current?.itemAcknowledgements ?? [];
  const wasRejected = previous.length > 0 && previous.every((p) => p.acknowledgementCode === 'Rejected');
  if (wasRejected && accepting) {
    add(
      'rejected-line',
      `Line ${seq} was rejected; Amazon does not let a rejected line be accepted or backordered`,
    );
  }
  const poDate =
    typeof context.purchaseOrderDate === 'string'
      ? parseDateTime(context.purchaseOrderDate, 'purchaseOrderDate')
      : context.purchaseOrderDate;
  const windowHours = context.correctionWindowHours ?? CORRECTION_WINDOW_HOURS;
  if (context.now.getTime() > poDate.getTime() + windowHours * HOUR_MS) {
    if (previous.length === 0) {
      add(
        'correction-window-closed',
        `Line ${seq}: the PO is older than ${windowHours} hours and the line was never acknowledged; Amazon no longer takes quantities for it`,
      );
    } else if (codeSignature(previous) !== codeSignature(requested)) {
      add(
        'correction-window-closed',
        `Line ${seq}: the PO is older than ${windowHours} hours: only the scheduled dates may still change (now ${codeSignature(previous)})`,
      );
    }
  }
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}
