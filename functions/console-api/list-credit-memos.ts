import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { DynamoDbCreditMemoStore } from '#shared/aws/dynamodb-credit-memos.ts';
import { requireEnv } from '#shared/config/runtime.ts';
import { POLICIES } from '#shared/domain/authorization.ts';
import { CREDIT_MEMO_STATES, type CreditMemoRecord } from '#shared/domain/credit-memos/credit-memo.ts';
import { withObservability } from '#shared/observability.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { authorized, errorResponse, json } from './http.ts';

const memos = new DynamoDbCreditMemoStore({
  client: new DynamoDBClient({}),
  tableName: requireEnv('TABLE_NAME'),
});

const querySchema = z.object({
  state: z.enum(CREDIT_MEMO_STATES).optional(),
  memoId: z.string().min(1).max(120).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(2000).optional(),
});

function row(m: CreditMemoRecord) {
  const d = m.request.detail;
  return {
    memoId: m.memoId,
    state: m.state,
    kind: m.request.kind,
    vendorCode: d.vendorCode,
    marketplace: d.marketplace,
    reference:
      m.request.kind === 'return' ? m.request.detail.returnReference : m.request.detail.debitNoteNumber,
    source: d.source,
    currency: d.currency,
    respondBy: m.respondBy,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    ...(m.totals ? { totals: m.totals } : {}),
    ...(m.lines ? { lines: m.lines } : {}),
    ...(m.referenceInvoiceNumber ? { referenceInvoiceNumber: m.referenceInvoiceNumber } : {}),
    ...(m.policy ? { policy: m.policy } : {}),
    ...(m.approvalId ? { approvalId: m.approvalId } : {}),
    ...(m.decision ? { decision: m.decision } : {}),
    ...(m.creditNoteNumber ? { creditNoteNumber: m.creditNoteNumber } : {}),
    ...(m.filing ? { filing: m.filing } : {}),
    ...(m.outboxKey ? { outboxKey: m.outboxKey } : {}),
    ...(m.transactionId ? { transactionId: m.transactionId } : {}),
    ...(m.documentKey ? { documentKey: m.documentKey } : {}),
    ...(m.filedReference ? { filedReference: m.filedReference } : {}),
    ...(m.failure ? { failure: m.failure } : {}),
  };
}

/** GET /api/credit-memos?state=…&memoId=…&limit=…&cursor=… — newest first, from an index. */
export async function listCreditMemos(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const query = parseOrThrow(querySchema, event.queryStringParameters ?? {}, 'query');
    if (query.memoId) {
      const memo = await memos.get(query.memoId);
      return memo
        ? json(200, { items: [row(memo)] })
        : json(404, { error: 'NotFound', message: `no credit memo ${query.memoId}` });
    }
    const page = await memos.list({
      limit: query.limit,
      ...(query.state ? { state: query.state } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    return json(200, { items: page.items.map(row), ...(page.cursor ? { cursor: page.cursor } : {}) });
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = withObservability(authorized(POLICIES.read, listCreditMemos));
