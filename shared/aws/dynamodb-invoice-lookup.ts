import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { InvoiceFacts } from '../domain/payments/reconciliation.ts';
import type { InvoiceLookup } from '../use-cases/payments/ports.ts';

/**
 * Invoicing's invoice record as the payments module reads it: pk `INVOICE#<invoiceNumber>`, sk
 * `INVOICE` (the contract with the invoicing capability). Only the fields reconciliation needs;
 * anything else on the item is ignored.
 */
const invoiceItemSchema = z.looseObject({
  invoiceNumber: z.string().min(1),
  invoiceType: z.enum(['Invoice', 'CreditNote']),
  vendorCode: z.string().min(1),
  marketplace: z.string().length(2),
  currency: z.string().length(3),
  invoiceDate: z.string().regex(/^\d{4}-\d{2}-\d{2}/),
  total: z.string().regex(/^-?\d+(\.\d+)?$/),
  purchaseOrderNumbers: z.array(z.string()).default([]),
  paymentStatus: z.string().optional(),
  paymentTermsNetDays: z.number().int().nonnegative().optional(),
});

/** Keys of invoicing's invoice record. */
export const invoiceKeys = {
  pk: (invoiceNumber: string) => `INVOICE#${invoiceNumber}`,
  sk: 'INVOICE',
} as const;

/** Reads invoices by number with BatchGetItem (100 keys a request, unprocessed keys retried). */
export class DynamoDbInvoiceLookup implements InvoiceLookup {
  readonly #doc: DynamoDBDocumentClient;
  constructor(private readonly deps: { client: DynamoDBClient; tableName: string }) {
    this.#doc = DynamoDBDocumentClient.from(deps.client);
  }

  async get(invoiceNumbers: readonly string[]): Promise<Map<string, InvoiceFacts>> {
    const found = new Map<string, InvoiceFacts>();
    const unique = [...new Set(invoiceNumbers)];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = unique
        .slice(i, i + 100)
        .map((n) => ({ pk: invoiceKeys.pk(n), sk: invoiceKeys.sk }));
      for (let attempt = 0; keys && keys.length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** attempt)));
        const res = await this.#doc.send(
          new BatchGetCommand({ RequestItems: { [this.deps.tableName]: { Keys: keys } } }),
        );
        for (const item of res.Responses?.[this.deps.tableName] ?? []) {
          const parsed = invoiceItemSchema.safeParse(item);
          if (!parsed.success) continue;
          const {
            invoiceNumber,
            invoiceType,
            vendorCode,
            marketplace,
            currency,
            invoiceDate,
            total,
            purchaseOrderNumbers,
            paymentStatus,
            paymentTermsNetDays,
          } = parsed.data;
          found.set(invoiceNumber, {
            invoiceNumber,
            invoiceType,
            vendorCode,
            marketplace,
            currency,
            invoiceDate,
            total,
            purchaseOrderNumbers,
            ...(paymentStatus ? { paymentStatus } : {}),
            ...(paymentTermsNetDays !== undefined ? { paymentTermsNetDays } : {}),
          });
        }
        keys = res.UnprocessedKeys?.[this.deps.tableName]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return found;
  }
}
