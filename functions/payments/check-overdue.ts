import * as z from 'zod';
import { DETAIL_TYPE, EVENT_SOURCE } from '#shared/events.ts';
import { logger, metrics, withObservability } from '#shared/observability.ts';
import { makeCheckOverdue } from '#shared/use-cases/payments/check-overdue.ts';
import { makeRegisterReceivable } from '#shared/use-cases/payments/register-receivable.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { paymentDependencies } from './dependencies.ts';

const deps = paymentDependencies();
const check = makeCheckOverdue({
  clock: deps.clock,
  receivables: deps.store,
  store: deps.store,
  events: deps.events,
  audit: deps.audit,
  vendorCodes: deps.config.vendors.map((v) => v.vendorCode),
});
const register = makeRegisterReceivable({
  invoices: deps.invoices,
  store: deps.store,
  defaultTermsDays: deps.defaultTermsDays,
  clock: deps.clock,
});

const acceptedSchema = z.looseObject({
  source: z.literal(EVENT_SOURCE.invoices),
  'detail-type': z.literal(DETAIL_TYPE.invoiceAccepted),
  detail: z.looseObject({ invoiceNumber: z.string().min(1) }),
});

/**
 * Two triggers of the receivables: InvoiceAccepted registers the invoice as an open receivable
 * (so an invoice never paid is seen too); the schedule (`payments.checkOverdue`) announces
 * invoices unpaid past their terms, each once.
 */
export async function checkOverdueInvoices(event?: unknown) {
  const e = event as { source?: unknown } | undefined;
  if (e?.source === EVENT_SOURCE.invoices) {
    const { detail } = parseOrThrow(acceptedSchema, event, 'InvoiceAccepted event');
    const outcome = await register(detail.invoiceNumber);
    logger.info('Registered accepted invoice as receivable', {
      invoiceNumber: detail.invoiceNumber,
      outcome,
    });
    return { invoiceNumber: detail.invoiceNumber, outcome };
  }
  const summary = await check();
  metrics.addMetric('InvoicesUnpaidPastTerms', 'Count', summary.overdue);
  logger.info('Checked receivables for invoices unpaid past terms', { summary });
  return summary;
}

export const handler = withObservability(checkOverdueInvoices);
