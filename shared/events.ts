/**
 * Event `source` and `detail-type` constants: the one place bus events are named (STYLE rule 14).
 */
export const EVENT_SOURCE = {
  vendorIngest: 'acorn.vendor-ingest',
  purchaseOrders: 'acorn.purchase-orders',
  shipments: 'acorn.shipments',
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
} as const;
