/**
 * The inventory operations Acorn uses, over {@link ShopifyGraphqlClient}: SKU → inventory item,
 * the store's location, `available` at that location, and `inventorySetQuantities` with the
 * mandatory `changeFromQuantity` (API 2026-04).
 */
import * as z from 'zod';
import type { ShopifyGraphqlClient } from './client.ts';
import { ShopifyUserError } from './errors.ts';

/** The variables of one `inventorySetQuantities` call: what the outbox stores and sends as is. */
export interface SetQuantitiesVariables {
  readonly input: {
    readonly name: 'available';
    readonly reason: 'correction';
    readonly referenceDocumentUri: string;
    readonly quantities: readonly {
      readonly inventoryItemId: string;
      readonly locationId: string;
      readonly quantity: number;
      readonly changeFromQuantity: number;
    }[];
  };
}

export const ITEMS_BY_SKU = `query AcornInventoryItemsBySku($query: String!) {
  productVariants(first: 250, query: $query) { nodes { sku inventoryItem { id } } }
}`;
export const LOCATIONS = `query AcornLocations {
  locations(first: 50) { nodes { id name isActive } }
}`;
export const AVAILABLE = `query AcornAvailable($ids: [ID!]!, $locationId: ID!) {
  nodes(ids: $ids) { ... on InventoryItem { id inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } } } }
}`;
export const SET_QUANTITIES = `mutation AcornSetQuantities($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { id createdAt }
    userErrors { code field message }
  }
}`;

const itemsSchema = z.object({
  productVariants: z.object({
    nodes: z.array(z.object({ sku: z.string().nullable(), inventoryItem: z.object({ id: z.string() }) })),
  }),
});
const locationsSchema = z.object({
  locations: z.object({
    nodes: z.array(z.object({ id: z.string(), name: z.string(), isActive: z.boolean() })),
  }),
});
const availableSchema = z.object({
  nodes: z.array(
    z
      .object({
        id: z.string(),
        inventoryLevel: z
          .object({ quantities: z.array(z.object({ name: z.string(), quantity: z.number().int() })) })
          .nullable(),
      })
      .nullable(),
  ),
});
const setSchema = z.object({
  inventorySetQuantities: z.object({
    inventoryAdjustmentGroup: z.object({ id: z.string(), createdAt: z.string() }).nullable(),
    userErrors: z.array(
      z.object({ code: z.string().nullable(), field: z.array(z.string()).nullable(), message: z.string() }),
    ),
  }),
});

/** SKUs go to Shopify in a search query: quote them, escape what the syntax needs. */
function skuTerm(sku: string): string {
  return `sku:"${sku.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

export class ShopifyInventoryApi {
  constructor(private readonly client: ShopifyGraphqlClient) {}

  /** Inventory item ids per SKU (Shopify does not enforce unique SKUs: more than one id is possible). */
  async itemsBySku(skus: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (let i = 0; i < skus.length; i += 50) {
      const batch = skus.slice(i, i + 50);
      const { data } = await this.client.request(
        ITEMS_BY_SKU,
        { query: batch.map(skuTerm).join(' OR ') },
        {
          expectedCost: 252,
          schema: itemsSchema,
        },
      );
      for (const node of data.productVariants.nodes) {
        if (!node.sku || !batch.includes(node.sku)) continue;
        out.set(node.sku, [...(out.get(node.sku) ?? []), node.inventoryItem.id]);
      }
    }
    return out;
  }

  /** The first active location (the store's), unless one is configured. */
  async primaryLocation(): Promise<string | undefined> {
    const { data } = await this.client.request(LOCATIONS, {}, { expectedCost: 52, schema: locationsSchema });
    return data.locations.nodes.find((l) => l.isActive)?.id;
  }

  /** `available` per inventory item at a location (absent: not stocked there). */
  async available(inventoryItemIds: readonly string[], locationId: string): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (let i = 0; i < inventoryItemIds.length; i += 100) {
      const ids = inventoryItemIds.slice(i, i + 100);
      const { data } = await this.client.request(
        AVAILABLE,
        { ids, locationId },
        {
          expectedCost: 3 * ids.length + 1,
          schema: availableSchema,
        },
      );
      for (const node of data.nodes) {
        const quantity = node?.inventoryLevel?.quantities.find((q) => q.name === 'available')?.quantity;
        if (node && quantity !== undefined) out.set(node.id, quantity);
      }
    }
    return out;
  }

  /**
   * Sets `available` with compare-and-set: Shopify applies it only if the current quantity is
   * `changeFromQuantity`. A stale value throws {@link ShopifyUserError} `CHANGE_FROM_QUANTITY_STALE`.
   */
  async setQuantities(variables: SetQuantitiesVariables): Promise<{ adjustmentGroupId: string | null }> {
    const { data } = await this.client.request(
      SET_QUANTITIES,
      { ...variables },
      {
        expectedCost: 10,
        mutation: true,
        schema: setSchema,
      },
    );
    const errors = data.inventorySetQuantities.userErrors;
    if (errors.length > 0) {
      const list = errors.map((e) => ({ code: e.code ?? 'USER_ERROR', message: e.message }));
      throw new ShopifyUserError(
        `Shopify refused inventorySetQuantities: ${list.map((e) => `${e.code}: ${e.message}`).join('; ')}`,
        list[0]?.code ?? 'USER_ERROR',
        list,
      );
    }
    return { adjustmentGroupId: data.inventorySetQuantities.inventoryAdjustmentGroup?.id ?? null };
  }
}
