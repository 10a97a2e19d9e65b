import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { DynamoDbPaymentsStore } from '#shared/aws/dynamodb-payments.ts';
import { clockFromEnv } from '#shared/clock.ts';
import { requireEnv, runtimeConfigFromEnv } from '#shared/config/runtime.ts';
import { POLICIES } from '#shared/domain/authorization.ts';
import { agingReport, type InvoiceReconciliation } from '#shared/domain/payments/reconciliation.ts';
import { withObservability } from '#shared/observability.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { authorized, errorResponse, json } from './http.ts';

const config = runtimeConfigFromEnv();
const clock = clockFromEnv();
const store = new DynamoDbPaymentsStore({
  client: new DynamoDBClient({}),
  tableName: requireEnv('TABLE_NAME'),
});

const querySchema = z.object({
  vendorCode: z.string().min(1).optional(),
  /** One invoice: its record and every remittance line applied to it. */
  invoiceNumber: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const row = (r: InvoiceReconciliation) => {
  const { appliedLines, ...rest } = r;
  return { ...rest, lines: appliedLines.length };
};

const vendorsOf = (vendorCode: string | undefined) =>
  vendorCode ? [vendorCode] : config.vendors.map((v) => v.vendorCode);

/**
 * GET /api/payments — per invoice what was billed, paid, deducted (by kind) and is still open,
 * latest change first; `invoiceNumber=` one invoice with its remittance lines.
 * GET /api/payments/aging — open receivables per currency in aging buckets (days past due).
 * Index queries and key reads only, never a scan.
 */
export async function listPayments(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const query = parseOrThrow(querySchema, event.queryStringParameters ?? {}, 'query string');
    if (event.rawPath?.endsWith('/aging')) {
      const records: InvoiceReconciliation[] = [];
      for (const vendor of vendorsOf(query.vendorCode))
        for await (const r of store.openReceivables(vendor)) records.push(r);
      return json(200, agingReport(records, clock.now().toISOString().slice(0, 10)));
    }
    if (query.invoiceNumber) {
      const found = await store.invoice(query.invoiceNumber);
      if (!found.record && found.lines.length === 0) {
        return json(404, {
          error: 'NotFound',
          message: `No payment or deduction for invoice ${query.invoiceNumber} yet`,
        });
      }
      return json(200, { ...(found.record ? { reconciliation: found.record } : {}), lines: found.lines });
    }
    const records = (
      await Promise.all(vendorsOf(query.vendorCode).map((v) => store.latest(v, query.limit)))
    ).flat();
    return json(200, { items: records.slice(0, query.limit).map(row) });
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = withObservability(authorized(POLICIES.read, listPayments));
