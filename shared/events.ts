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
} as const;
