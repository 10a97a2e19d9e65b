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
  /** A remittance export was imported (source payments); detail: shared/use-cases/payments/import-remittance.ts. */
  remittanceImported: 'RemittanceImported',
  /** Paid ≠ billed − explained deductions, a deduction or payment with no invoice, an invoice unpaid past terms. */
  paymentDiscrepancyFound: 'PaymentDiscrepancyFound',
  /** A shortage or price claim worth disputing, with its evidence references. */
  disputeCandidateFound: 'DisputeCandidateFound',
} as const;
