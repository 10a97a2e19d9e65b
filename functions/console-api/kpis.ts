import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DynamoDbAcknowledgementStore } from '#shared/aws/dynamodb-acknowledgements.ts';
import { DynamoDbPurchaseOrderReader } from '#shared/aws/dynamodb-catalog.ts';
import { DynamoDbCreditMemoStore } from '#shared/aws/dynamodb-credit-memos.ts';
import { DynamoDbDtcConversionStore } from '#shared/aws/dynamodb-dtc-conversion.ts';
import { DynamoDbOutboxStore } from '#shared/aws/dynamodb-outbox.ts';
import { DynamoDbPaymentsStore } from '#shared/aws/dynamodb-payments.ts';
import { clockFromEnv } from '#shared/clock.ts';
import { requireEnv, runtimeConfigFromEnv } from '#shared/config/runtime.ts';
import { POLICIES } from '#shared/domain/authorization.ts';
import { KPI_DAYS, moneyKpis, purchaseOrderKpis } from '#shared/domain/console-kpis.ts';
import { CREDIT_MEMO_CREDITED_STATES } from '#shared/domain/credit-memos/credit-memo.ts';
import { dtcConversionKpi, lastDays } from '#shared/domain/storefront/dtc-conversion.ts';
import { withObservability } from '#shared/observability.ts';
import { authorized, errorResponse, json } from './http.ts';

const config = runtimeConfigFromEnv();
const clock = clockFromEnv();
const dynamo = new DynamoDBClient({});
const tableName = requireEnv('TABLE_NAME');
const acknowledgements = new DynamoDbAcknowledgementStore({ client: dynamo, tableName });
const orders = new DynamoDbPurchaseOrderReader({ client: dynamo, tableName });
const outbox = new DynamoDbOutboxStore({ client: dynamo, tableName });
const memos = new DynamoDbCreditMemoStore({ client: dynamo, tableName });
const payments = new DynamoDbPaymentsStore({ client: dynamo, tableName });
const dtcDays = new DynamoDbDtcConversionStore({ client: dynamo, tableName });

/** Days of the DTC conversion chart and its period rate. */
const DTC_PERIOD_DAYS = 30;

/** Credit-memo states whose totals were credited: the refund side of the refund rate. */

/** Days the refund rate and the deductions cover: credit memos and invoice reconciliations changed since. */
const MONEY_DAYS = 90;

/** At most this many records per state or vendor code in a KPI window (a bound on one page load). */
const MAX_RECORDS = 10_000;

/**
 * GET /api/kpis — vendor sales from accepted PO lines (per currency and by day) and PO fill rate
 * of the POs dated in the last {@link KPI_DAYS} days (every acknowledgement changed since then,
 * read by gsi1's time range, and their POs by batch); acknowledgements waiting for a person, open
 * ones due in 24 h, failed submissions; refund rate (credited credit memos against billed
 * invoices) and deductions per currency over the credit memos and invoice reconciliations changed
 * in the last {@link MONEY_DAYS} days (index time ranges); DTC conversion (Shopify sessions that
 * completed a checkout) per day for the last {@link DTC_PERIOD_DAYS} days, by key. Index queries
 * and key reads, never a scan.
 */
export async function kpis(_event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const now = clock.now();
    // A PO dated in the window was acknowledged (changed) after the window began.
    const windowStart = new Date(now.getTime() - (KPI_DAYS + 1) * 86_400_000);
    const moneySince = new Date(now.getTime() - MONEY_DAYS * 86_400_000);
    const [simulated, submitted, accepted, review, failed, due, credited, reconciliations, dtc] =
      await Promise.all([
        acknowledgements.changedSince('simulated', windowStart, MAX_RECORDS),
        acknowledgements.changedSince('submitted', windowStart, MAX_RECORDS),
        acknowledgements.changedSince('accepted', windowStart, MAX_RECORDS),
        acknowledgements.listByState('review', 500),
        outbox.listByState('failed', { limit: 100 }),
        Promise.all(
          config.vendors.map((v) =>
            acknowledgements.dueBefore(v.vendorCode, new Date(now.getTime() + 24 * 3_600_000), 500),
          ),
        ),
        Promise.all(
          CREDIT_MEMO_CREDITED_STATES.map((state) => memos.changedSince(state, moneySince, MAX_RECORDS)),
        ),
        Promise.all(config.vendors.map((v) => payments.changedSince(v.vendorCode, moneySince, MAX_RECORDS))),
        dtcDays.getDays(lastDays(now, DTC_PERIOD_DAYS)),
      ]);
    const records = [...simulated, ...submitted, ...accepted];
    const byNumber = await orders.getMany(records.map((r) => r.purchaseOrderNumber));
    return json(200, {
      at: now.toISOString(),
      purchaseOrders: purchaseOrderKpis({ records, orders: byNumber, now }),
      acknowledgementsInReview: review.length,
      dueIn24Hours: due.flat().length,
      failedSubmissions: failed.items.length,
      ...moneyKpis({ memos: credited.flat(), reconciliations: reconciliations.flat() }),
      dtcConversion: dtcConversionKpi({ days: dtc, now, periodDays: DTC_PERIOD_DAYS }),
    });
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = withObservability(authorized(POLICIES.read, kpis));
