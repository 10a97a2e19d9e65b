import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod';
import type { InvoiceFacts } from '../domain/payments/reconciliation.ts';
import type { InvoiceLookup } from '../use-cases/payments/ports.ts';
import { batchGetItems } from './dynamodb-query.ts';

/**
 * Invoicing's invoice record as the payments module reads it: pk `INVOICE#<invoiceNumber>`, sk
 * `INVOICE` (the contract with the invoicing capability). Only the fields reconciliation needs;
 * anything else on the item is left out of the parsed value.
 */
const invoiceItemSchema = z.object({
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
  constructor(private readonly deps: { client: DynamoDBClient; tableName: string }) {}

  async get(invoiceNumbers: readonly string[]): Promise<Map<string, InvoiceFacts>> {
    const found = new Map<string, InvoiceFacts>();
    const keys = [...new Set(invoiceNumbers)].map((n) =>
      marshall({ pk: invoiceKeys.pk(n), sk: invoiceKeys.sk }),
    );
    for (const stored of await batchGetItems(this.deps.client, this.deps.tableName, keys)) {
      const parsed = invoiceItemSchema.safeParse(unmarshall(stored));
      if (!parsed.success) continue;
      const { paymentStatus, paymentTermsNetDays, ...facts } = parsed.data;
      found.set(facts.invoiceNumber, {
        ...facts,
        ...(paymentStatus ? { paymentStatus } : {}),
        ...(paymentTermsNetDays !== undefined ? { paymentTermsNetDays } : {}),
      });
    }
    return found;
  }
}
