/** Retail Procurement Payments v1: invoices and credit notes. */
import { submitInvoicesRequestSchema } from '#shared/sp-api/schemas/invoices.ts';
import { checkInvoices } from '../business-rules.ts';
import type { Route } from '../http.ts';
import { newTransactionId, type SandboxServices } from '../services.ts';

/** The invoices route. */
export function invoiceRoutes(services: SandboxServices): Route[] {
  return [
    {
      kind: 'sp-api',
      method: 'POST',
      path: '/vendor/payments/v1/invoices',
      operation: 'submitInvoices',
      body: submitInvoicesRequestSchema,
      handle(request) {
        const body = submitInvoicesRequestSchema.parse(request.body);
        const now = services.clock.now().getTime();
        const { errors, countries } = checkInvoices(body.invoices, {
          book: services.book,
          state: services.state,
          now,
        });
        const transactionId = newTransactionId(services, now);
        const decidedAt = now + services.timings.invoiceProcessingMs;
        const accepted = errors.length === 0;
        services.state.recordSubmission({
          // Like acknowledgements, accepted invoices stay Processing for ever.
          transaction: {
            transactionId,
            operation: 'submitInvoices',
            submittedAt: now,
            decidedAt,
            outcome: accepted ? 'Processing' : 'Failure',
            errors,
          },
          invoices: body.invoices.map((invoice, i) => ({
            transactionId,
            receivedAt: now,
            decidedAt,
            accepted,
            invoice,
            ...(countries[i] ? { country: countries[i] } : {}),
          })),
        });
        return { status: 202, body: { payload: { transactionId } } };
      },
    },
  ];
}
