import { documentsPrefix } from '../archive/layout.ts';

/** The archive keys of an invoice's documents (`documents/invoices/invoiceDocuments/…`, docs/archive.md). */
export function invoiceDocumentKeys(
  invoiceNumber: string,
  invoiceDate: string,
): { json: string; pdf: string } {
  const base = `${documentsPrefix('invoices')}invoiceDocuments/dt=${invoiceDate.slice(0, 10)}/${invoiceNumber}`;
  return { json: `${base}.json`, pdf: `${base}.pdf` };
}

/** The outbox key of an invoice's submission: one per number, ever. */
export function invoiceMessageKey(invoiceNumber: string): string {
  return `invoice#${invoiceNumber}`;
}
