/**
 * Event `source` and `detail-type` constants: the one place bus events are named (STYLE rule 14).
 */
export const EVENT_SOURCE = {
  vendorIngest: 'acorn.vendor-ingest',
  purchaseOrders: 'acorn.purchase-orders',
  shipments: 'acorn.shipments',
  invoices: 'acorn.invoices',
  creditMemos: 'acorn.credit-memos',
  payments: 'acorn.payments',
  inventory: 'acorn.inventory',
  notifications: 'acorn.notifications',
} as const;

export const DETAIL_TYPE = {
  purchaseOrderReceived: 'PurchaseOrderReceived',
  purchaseOrderChanged: 'PurchaseOrderChanged',
  purchaseOrderStatusChanged: 'PurchaseOrderStatusChanged',
  spApiCredentialRotated: 'SpApiCredentialRotated',
  purchaseOrderNeedsReview: 'PurchaseOrderNeedsReview',
  purchaseOrderAcknowledged: 'PurchaseOrderAcknowledged',
  acknowledgementFailed: 'AcknowledgementFailed',
  acknowledgementDeadlineReminder: 'AcknowledgementDeadlineReminder',
  acknowledgementDeadlineEscalation: 'AcknowledgementDeadlineEscalation',
  inboxFileRejectedRows: 'InboxFileRejectedRows',
  shipmentConfirmed: 'ShipmentConfirmed',
  shipmentConfirmationFailed: 'ShipmentConfirmationFailed',
  shipWindowReminder: 'ShipWindowReminder',
  shipWindowEscalation: 'ShipWindowEscalation',
  asnDeadlineReminder: 'AsnDeadlineReminder',
  asnDeadlineEscalation: 'AsnDeadlineEscalation',
  /** A return of goods to the vendor became known (returns export); detail: shared/domain/credit-memos/credit-request.ts. */
  returnReceived: 'ReturnReceived',
  /** Amazon asks for a credit (debit note, remittance deduction, API); detail: shared/domain/credit-memos/credit-request.ts. */
  creditRequested: 'CreditRequested',
  // Invoicing (source EVENT_SOURCE.invoices); details built in shared/use-cases/invoices/.
  /** Amazon took an invoice (202, transaction id): `{ invoiceNumber, vendorCode, marketplace, transactionId, total, currency, purchaseOrderNumbers }`. */
  invoiceSubmitted: 'InvoiceSubmitted',
  /** Still Processing 15 minutes after submission, Amazon's way of saying accepted. */
  invoiceAccepted: 'InvoiceAccepted',
  /** Amazon refused an invoice (transaction Failure or a 4xx): its errors are in `errors`; an alert. */
  invoiceFailed: 'InvoiceFailed',
  /** The Finances Invoices API reported a new payment status: `{ invoiceNumber, before, after }`. */
  invoicePaymentStatusChanged: 'InvoicePaymentStatusChanged',
  // Credit memos (shared/use-cases/credit-memos): the workflow's outcomes and its alerts.
  creditMemoApprovalRequested: 'CreditMemoApprovalRequested',
  creditMemoApprovalReminder: 'CreditMemoApprovalReminder',
  creditMemoApproved: 'CreditMemoApproved',
  creditMemoRejected: 'CreditMemoRejected',
  creditMemoSubmitted: 'CreditMemoSubmitted',
  creditMemoAccepted: 'CreditMemoAccepted',
  creditMemoFilingRequired: 'CreditMemoFilingRequired',
  creditMemoFiled: 'CreditMemoFiled',
  creditMemoEscalated: 'CreditMemoEscalated',
  creditMemoFailed: 'CreditMemoFailed',
  /** A remittance export was imported (source payments); detail: shared/use-cases/payments/import-remittance.ts. */
  remittanceImported: 'RemittanceImported',
  /** Paid ≠ billed − explained deductions, a deduction or payment with no invoice, an invoice unpaid past terms. */
  paymentDiscrepancyFound: 'PaymentDiscrepancyFound',
  /** A shortage or price claim worth disputing, with its evidence references. */
  disputeCandidateFound: 'DisputeCandidateFound',
} as const;

/** Inventory (issue #9): under EVENT_SOURCE.inventory. */
export const INVENTORY_DETAIL_TYPE = {
  /** A SKU's stock or commitments changed (count, PO reservation, Shopify order): detail `{ skus, cause }`. */
  stockPositionChanged: 'StockPositionChanged',
  /** A Shopify order (or its refund) was applied: detail `{ orderId, topic, skus }` (no customer data). */
  shopifyOrderReceived: 'ShopifyOrderReceived',
  /** The reconciliation found Shopify's available off what Acorn expected: detail `{ drifts: [{ sku, expected, actual }] }`. */
  inventoryDriftDetected: 'InventoryDriftDetected',
  /** A stock file or push had rows Acorn did not use: detail `{ source, problems, totalProblems }`. */
  stockPositionsRejected: 'StockPositionsRejected',
} as const;
