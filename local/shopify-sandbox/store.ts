/**
 * The state of the Shopify sandbox: one store with variants (SKU → inventory item), locations,
 * `available` / `committed` per item and location, and orders. Shopify's own behaviour where
 * inventory meets orders: an order lowers `available` and raises `committed`; a fulfilment
 * lowers `committed`; a cancellation restocks. Pure and synchronous; the server persists it.
 */

export interface SandboxOrder {
  readonly id: number;
  readonly lines: { sku: string; quantity: number; fulfillable: number }[];
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  refunds: { id: number; createdAt: string; lines: { sku: string; quantity: number; restock: boolean }[] }[];
}

export interface StoreState {
  nextId: number;
  locations: { id: string; name: string; isActive: boolean }[];
  /** SKU → inventory item id. */
  items: Record<string, string>;
  /** `${itemId}|${locationId}` → quantities. */
  levels: Record<string, { available: number; committed: number; updatedAt: string }>;
  orders: SandboxOrder[];
  /** When the store opened: sessions count from here (absent in stores saved before analytics). */
  openedAt?: string;
}

export function newStore(skus: readonly string[], at: string): StoreState {
  const state: StoreState = {
    nextId: 1001,
    locations: [{ id: 'gid://shopify/Location/1', name: 'Shop warehouse', isActive: true }],
    items: {},
    levels: {},
    orders: [],
    openedAt: at,
  };
  for (const sku of skus) addItem(state, sku, at);
  return state;
}

export function addItem(state: StoreState, sku: string, at: string): string {
  const existing = state.items[sku];
  if (existing) return existing;
  const id = `gid://shopify/InventoryItem/${state.nextId++}`;
  state.items[sku] = id;
  for (const location of state.locations)
    state.levels[`${id}|${location.id}`] = { available: 0, committed: 0, updatedAt: at };
  return id;
}

export function level(state: StoreState, itemId: string, locationId: string) {
  return state.levels[`${itemId}|${locationId}`];
}

export function skuOf(state: StoreState, itemId: string): string | undefined {
  return Object.entries(state.items).find(([, id]) => id === itemId)?.[0];
}

/** A shopper's order: refused (undefined) when Shopify shows too little available. */
export function placeOrder(
  state: StoreState,
  lines: readonly { sku: string; quantity: number }[],
  at: string,
): SandboxOrder | undefined {
  const location = state.locations[0]?.id ?? '';
  for (const line of lines) {
    const id = state.items[line.sku];
    const l = id ? level(state, id, location) : undefined;
    if (!l || l.available < line.quantity) return undefined;
  }
  for (const line of lines) {
    const l = level(state, state.items[line.sku] ?? '', location);
    if (!l) continue;
    l.available -= line.quantity;
    l.committed += line.quantity;
    l.updatedAt = at;
  }
  const order: SandboxOrder = {
    id: state.nextId++,
    lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity, fulfillable: l.quantity })),
    createdAt: at,
    updatedAt: at,
    cancelledAt: null,
    refunds: [],
  };
  state.orders.push(order);
  return order;
}

export function fulfilOrder(state: StoreState, orderId: number, at: string): SandboxOrder | undefined {
  const order = state.orders.find((o) => o.id === orderId);
  if (!order || order.cancelledAt) return undefined;
  const location = state.locations[0]?.id ?? '';
  for (const line of order.lines) {
    const l = level(state, state.items[line.sku] ?? '', location);
    if (l) {
      l.committed -= line.fulfillable;
      l.updatedAt = at;
    }
    line.fulfillable = 0;
  }
  order.updatedAt = at;
  return order;
}

export function cancelOrder(state: StoreState, orderId: number, at: string): SandboxOrder | undefined {
  const order = state.orders.find((o) => o.id === orderId);
  if (!order || order.cancelledAt) return undefined;
  const location = state.locations[0]?.id ?? '';
  for (const line of order.lines) {
    const l = level(state, state.items[line.sku] ?? '', location);
    if (l) {
      l.committed -= line.fulfillable;
      l.available += line.fulfillable;
      l.updatedAt = at;
    }
    line.fulfillable = 0;
  }
  order.cancelledAt = at;
  order.updatedAt = at;
  return order;
}

/** The REST-shaped order a webhook carries (only the fields inventory uses, plus ids). */
export function orderPayload(order: SandboxOrder) {
  return {
    id: order.id,
    admin_graphql_api_id: `gid://shopify/Order/${order.id}`,
    name: `#${order.id}`,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    cancelled_at: order.cancelledAt,
    fulfillment_status:
      order.lines.every((l) => l.fulfillable === 0) && !order.cancelledAt ? 'fulfilled' : null,
    line_items: order.lines.map((l, i) => ({
      id: order.id * 100 + i,
      sku: l.sku,
      quantity: l.quantity,
      fulfillable_quantity: l.fulfillable,
    })),
  };
}
