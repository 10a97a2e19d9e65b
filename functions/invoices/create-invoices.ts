import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { actorOf, POLICIES, type Principal } from '#shared/domain/authorization.ts';
import { AlreadyInvoicedError } from '#shared/domain/invoices/errors.ts';
import { ValidationError } from '#shared/errors.ts';
import { withObservability } from '#shared/observability.ts';
import { makeIssueInvoices } from '#shared/use-cases/invoices/issue-invoices.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { authorized, errorResponse, json, jsonBodyOf } from '../console-api/http.ts';
import { invoiceDependencies } from './dependencies.ts';

const { deps } = invoiceDependencies();
const issue = makeIssueInvoices(deps);

const bodySchema = z.strictObject({
  purchaseOrderNumbers: z
    .array(z.string().regex(/^[A-Z0-9]{8}$/, 'an 8-character PO number'))
    .min(1)
    .max(100),
});

/**
 * POST /api/invoices `{ purchaseOrderNumbers: [...] }` — invoices what was accepted and confirmed
 * shipped on those POs and not billed yet. 201 with the invoices; 422 with every field and rule
 * when the invoice would be refused (nothing is numbered or sent then); 409 when another invoice
 * bills the same shipments.
 */
export async function createInvoices(
  event: APIGatewayProxyEventV2,
  principal: Principal,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const raw = jsonBodyOf(event, 'expected { "purchaseOrderNumbers": [...] }');
    const body = parseOrThrow(bodySchema, raw, 'POST /api/invoices body');
    const invoices = await issue({
      purchaseOrderNumbers: body.purchaseOrderNumbers,
      actor: actorOf(principal),
    });
    return json(201, { invoices });
  } catch (error) {
    if (error instanceof ValidationError) {
      return json(422, { error: error.name, message: error.message, issues: error.issues });
    }
    if (error instanceof AlreadyInvoicedError)
      return json(409, { error: error.name, message: error.message });
    return errorResponse(error);
  }
}

export const handler = withObservability(authorized(POLICIES.operate, createInvoices));
