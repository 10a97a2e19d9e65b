import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod';
import { NothingToInvoiceError } from '#shared/domain/invoices/errors.ts';
import { logger, withObservability } from '#shared/observability.ts';
import {
  INVOICING_ACTOR,
  type IssuedInvoice,
  makeIssueInvoices,
} from '#shared/use-cases/invoices/issue-invoices.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { invoiceDependencies } from './dependencies.ts';

const { deps } = invoiceDependencies();
const issue = makeIssueInvoices(deps);

const eventSchema = z.looseObject({
  detail: z.looseObject({
    shipmentId: z.string().min(1),
    vendorCode: z.string().min(1),
    purchaseOrders: z.array(z.looseObject({ purchaseOrderNumber: z.string().min(1) })).min(1),
  }),
});

/**
 * ShipmentConfirmed → the POs it ships are ready to bill: the confirmed quantities of this
 * shipment are invoiced (one invoice per marketplace, or per PO where the marketplace wants that).
 * A shipment already billed, or one that carries nothing accepted, is logged and left; a refused
 * invoice is announced (InvoiceFailed) and thrown, so the event is retried after the fix.
 */
export async function invoiceShipment(
  event: EventBridgeEvent<string, unknown>,
): Promise<{ invoices: IssuedInvoice[] }> {
  const detail = parseOrThrow(eventSchema, event, 'ShipmentConfirmed event').detail;
  try {
    const invoices = await issue({
      purchaseOrderNumbers: detail.purchaseOrders.map((p) => p.purchaseOrderNumber),
      shipmentId: detail.shipmentId,
      actor: INVOICING_ACTOR,
    });
    logger.info('Invoiced shipment', { shipmentId: detail.shipmentId, invoices });
    return { invoices };
  } catch (error) {
    if (error instanceof NothingToInvoiceError) {
      logger.info('Nothing to invoice', { shipmentId: detail.shipmentId, reason: error.message });
      return { invoices: [] };
    }
    throw error;
  }
}

export const handler = withObservability(invoiceShipment);
