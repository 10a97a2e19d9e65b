import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { DynamoDbExistingInvoices, DynamoDbInvoiceStore } from '#shared/aws/dynamodb-invoices.ts';
import { clockFromEnv } from '#shared/clock.ts';
import { requireEnv } from '#shared/config/runtime.ts';
import { POLICIES } from '#shared/domain/authorization.ts';
import { INVOICE_STATES, type InvoiceRecord } from '#shared/domain/invoices/invoice-record.ts';
import { withObservability } from '#shared/observability.ts';
import { makeParallelRunReport } from '#shared/use-cases/invoices/parallel-run.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { authorized, errorResponse, json } from './http.ts';

const clock = clockFromEnv();
const table = { client: new DynamoDBClient({}), tableName: requireEnv('TABLE_NAME') };
const invoices = new DynamoDbInvoiceStore(table);
const report = makeParallelRunReport({ invoices, existing: new DynamoDbExistingInvoices(table) });

const querySchema = z.object({
  state: z.enum(INVOICE_STATES).optional(),
  /** With `report=parallel-run`: the side-by-side report of this vendor code. */
  vendorCode: z
    .string()
    .regex(/^[A-Z0-9]{3,10}$/)
    .optional(),
  report: z.enum(['parallel-run']).optional(),
  days: z.coerce.number().int().min(1).max(400).default(31),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const row = (r: InvoiceRecord) => ({
  invoiceNumber: r.invoiceNumber,
  invoiceType: r.invoiceType,
  vendorCode: r.vendorCode,
  marketplace: r.marketplace,
  invoiceDate: r.invoiceDate,
  currency: r.currency,
  total: r.total,
  taxTotal: r.taxTotal,
  purchaseOrderNumbers: r.purchaseOrderNumbers,
  state: r.state,
  ...(r.paymentStatus ? { paymentStatus: r.paymentStatus } : {}),
  ...(r.transactionId ? { transactionId: r.transactionId } : {}),
  ...(r.errors?.length ? { errors: r.errors } : {}),
  pdf: `/api/invoices/${encodeURIComponent(r.invoiceNumber)}/pdf`,
});

/**
 * GET /api/invoices?state=…&days=N — the latest invoices (from a date index, never a scan) with
 * their state and payment status; `?report=parallel-run&vendorCode=X` — Acorn's parallel-run
 * invoices beside the vendor's existing ones.
 */
export async function listInvoices(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const q = parseOrThrow(querySchema, event.queryStringParameters ?? {}, 'query');
    if (q.report === 'parallel-run') {
      if (!q.vendorCode)
        return json(400, {
          error: 'ValidationError',
          message: 'vendorCode is required for the parallel-run report',
          issues: [{ path: 'vendorCode', message: 'required' }],
        });
      return json(200, await report(q.vendorCode, q.limit));
    }
    const records = q.state
      ? await invoices.listByState(q.state, q.limit)
      : await invoices.listRecent(clock.now().toISOString(), q.days, q.limit);
    return json(200, { invoices: records.map(row) });
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = withObservability(authorized(POLICIES.read, listInvoices));
