/**
 * The console's pages as data: a table page is one entry naming its route, where the rows are
 * and its columns. Adding a page for a new route (invoices, credit memos, …) is one entry here; a
 * route this deployment does not have (404) renders "not available in this deployment".
 */

export interface Column {
  readonly label: string;
  /** Dotted path in a row: `acknowledgement.state`, `purchaseOrders.length`. */
  readonly field: string;
  /** `time` renders an ISO instant as `2026-06-01 14:05 UTC`; `json` as compact JSON. */
  readonly format?: 'time' | 'json' | 'list';
  /**
   * Renders the cell as a link: a console hash (`#audit?entity=CreditMemo:{memoId}`) with `{field}`
   * placeholders filled from the row, URI-encoded. A console page's hash query (`?memoId=…`) is
   * added to its route; the audit page fills its search form with it.
   */
  readonly link?: string;
}

/**
 * A button on each row, shown to the groups it is for: POSTs `body` to `route` (`{field}`
 * placeholders filled from the row, URI-encoded), then reloads the page. The API decides again.
 */
export interface RowAction {
  readonly label: string;
  readonly route: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly groups: readonly string[];
}

export interface TablePage {
  readonly kind: 'table';
  readonly id: string;
  readonly title: string;
  /** GET route with its query string. */
  readonly route: string;
  /** Where the rows are in the answer. @default 'items' */
  readonly rows?: string;
  readonly columns: readonly Column[];
  readonly intro?: string;
  readonly actions?: readonly RowAction[];
}

/** Pages with their own rendering (KPIs, audit search, errors, automation, status). */
export interface SpecialPage {
  readonly kind: 'kpis' | 'audit' | 'errors' | 'automation' | 'status';
  readonly id: string;
  readonly title: string;
}

export type Page = TablePage | SpecialPage;

export const PAGES: readonly Page[] = [
  { kind: 'kpis', id: 'kpis', title: 'KPIs' },
  {
    kind: 'table',
    id: 'deadlines',
    title: 'POs by deadline',
    route: '/api/acknowledgements?state=due&hours=168',
    intro: 'Open acknowledgements due in the next 7 days, soonest first.',
    columns: [
      { label: 'PO', field: 'purchaseOrderNumber' },
      { label: 'Vendor code', field: 'vendorCode' },
      { label: 'Marketplace', field: 'marketplace' },
      { label: 'State', field: 'state' },
      { label: 'Deadline', field: 'deadline', format: 'time' },
      { label: 'Lines in review', field: 'linesInReview' },
    ],
  },
  {
    kind: 'table',
    id: 'review',
    title: 'Acknowledgements in review',
    route: '/api/acknowledgements?state=review',
    columns: [
      { label: 'PO', field: 'purchaseOrderNumber' },
      { label: 'Vendor code', field: 'vendorCode' },
      { label: 'Marketplace', field: 'marketplace' },
      { label: 'Deadline', field: 'deadline', format: 'time' },
      { label: 'Lines in review', field: 'linesInReview' },
      { label: 'Lines', field: 'lines' },
    ],
  },
  {
    kind: 'table',
    id: 'purchase-orders',
    title: 'Purchase orders',
    route: '/api/purchase-orders?limit=100',
    columns: [
      { label: 'PO', field: 'purchaseOrderNumber' },
      { label: 'Vendor code', field: 'vendorCode' },
      { label: 'Amazon state', field: 'state' },
      { label: 'Acknowledgement', field: 'acknowledgement.state' },
      { label: 'Deadline', field: 'acknowledgement.deadline', format: 'time' },
      { label: 'PO date', field: 'purchaseOrderDate', format: 'time' },
      { label: 'Lines', field: 'lineCount' },
    ],
  },
  {
    kind: 'table',
    id: 'shipments',
    title: 'Shipments',
    route: '/api/shipments',
    columns: [
      { label: 'Shipment', field: 'shipmentId' },
      { label: 'Vendor code', field: 'vendorCode' },
      { label: 'ASN', field: 'state' },
      { label: 'Shipped', field: 'shippedDate', format: 'time' },
      { label: 'ASN due', field: 'asnDeadline', format: 'time' },
      { label: 'Cartons', field: 'cartons' },
      { label: 'Pallets', field: 'pallets' },
    ],
  },
  {
    kind: 'table',
    id: 'approvals',
    title: 'Approvals',
    route: '/api/approvals?state=pending',
    intro:
      'Credit memos waiting for a person, soonest expiry first. Each approver decides here when signed in as an approver, from the signed link emailed to them, or with the Slack buttons; the memo link shows its lines, totals and reference invoice, the history link why the policy asked.',
    actions: [
      {
        label: 'Approve',
        route: '/api/approvals/{approvalId}/decision',
        body: { decision: 'approve' },
        groups: ['approver'],
      },
      {
        label: 'Reject',
        route: '/api/approvals/{approvalId}/decision',
        body: { decision: 'reject' },
        groups: ['approver'],
      },
    ],
    columns: [
      { label: 'Credit memo', field: 'memoId', link: '#credit-memos?memoId={memoId}' },
      { label: 'History', field: 'summary.reference', link: '#audit?entity=CreditMemo:{memoId}' },
      { label: 'Vendor', field: 'summary.vendorCode' },
      { label: 'Marketplace', field: 'summary.marketplace' },
      { label: 'Total', field: 'summary.total' },
      { label: 'Currency', field: 'summary.currency' },
      { label: 'Why asked', field: 'summary.reasons', format: 'list' },
      { label: 'Approvers', field: 'approvers', format: 'list' },
      { label: 'Reminders', field: 'remindersSent' },
      { label: 'Expires', field: 'expiresAt', format: 'time' },
    ],
  },
  {
    kind: 'table',
    id: 'credit-memos',
    title: 'Credit memos',
    route: '/api/credit-memos',
    columns: [
      { label: 'Credit memo', field: 'memoId', link: '#audit?entity=CreditMemo:{memoId}' },
      { label: 'Kind', field: 'kind' },
      { label: 'Vendor', field: 'vendorCode' },
      { label: 'Marketplace', field: 'marketplace' },
      { label: 'Reference', field: 'reference' },
      { label: 'Total', field: 'totals.total' },
      { label: 'Currency', field: 'currency' },
      { label: 'Invoice', field: 'referenceInvoiceNumber' },
      { label: 'State', field: 'state' },
      { label: 'Credit note', field: 'creditNoteNumber' },
      { label: 'Respond by', field: 'respondBy', format: 'time' },
      { label: 'Updated', field: 'updatedAt', format: 'time' },
    ],
  },
  {
    kind: 'table',
    id: 'invoices',
    title: 'Invoices',
    route: '/api/invoices',
    rows: 'invoices',
    columns: [
      { label: 'Invoice', field: 'invoiceNumber' },
      { label: 'Type', field: 'invoiceType' },
      { label: 'Vendor', field: 'vendorCode' },
      { label: 'Marketplace', field: 'marketplace' },
      { label: 'Total', field: 'total' },
      { label: 'Currency', field: 'currency' },
      { label: 'POs', field: 'purchaseOrderNumbers', format: 'list' },
      { label: 'State', field: 'state' },
      { label: 'Payment', field: 'paymentStatus' },
      { label: 'Date', field: 'invoiceDate', format: 'time' },
    ],
  },
  {
    kind: 'table',
    id: 'payments',
    title: 'Payments',
    route: '/api/payments',
    intro: 'Per invoice: billed, paid, deducted and still open, latest change first.',
    columns: [
      { label: 'Invoice', field: 'invoiceNumber' },
      { label: 'Vendor', field: 'vendorCode' },
      { label: 'Marketplace', field: 'marketplace' },
      { label: 'Currency', field: 'currency' },
      { label: 'Billed', field: 'billed' },
      { label: 'Paid', field: 'paid' },
      { label: 'Deducted', field: 'deductedTotal' },
      { label: 'Open', field: 'open' },
      { label: 'Status', field: 'status' },
      { label: 'Due', field: 'dueDate' },
      { label: 'Last payment', field: 'lastPaymentDate' },
      { label: 'Lines', field: 'lines' },
    ],
  },
  {
    kind: 'table',
    id: 'discrepancies',
    title: 'Discrepancies',
    route: '/api/discrepancies',
    columns: [
      { label: 'Kind', field: 'kind' },
      { label: 'Vendor', field: 'vendorCode' },
      { label: 'Marketplace', field: 'marketplace' },
      { label: 'Invoice', field: 'invoiceNumber' },
      { label: 'Payment', field: 'paymentNumber' },
      { label: 'Amount', field: 'amount' },
      { label: 'Currency', field: 'currency' },
      { label: 'What', field: 'message' },
      { label: 'Detected', field: 'detectedAt', format: 'time' },
    ],
  },
  {
    kind: 'table',
    id: 'inventory',
    title: 'Inventory',
    route: '/api/inventory',
    columns: [
      { label: 'SKU', field: 'sku' },
      { label: 'On hand', field: 'onHand' },
      { label: 'Safety stock', field: 'safetyStock' },
      { label: 'Reserved Amazon', field: 'reserved.amazon' },
      { label: 'Reserved Shopify', field: 'reserved.shopify' },
      { label: 'Available Amazon', field: 'available.amazon' },
      { label: 'Available Shopify', field: 'available.shopify' },
      { label: 'Shopify shows', field: 'shopify.shown' },
      { label: 'Drift', field: 'shopify.drift' },
      { label: 'Last sync', field: 'shopify.lastSyncAt', format: 'time' },
    ],
  },
  {
    kind: 'table',
    id: 'alerts',
    title: 'Alerts',
    route: '/api/alerts',
    columns: [
      { label: 'Alert', field: 'title' },
      { label: 'Severity', field: 'severity' },
      { label: 'Event', field: 'detailType' },
      { label: 'Channel', field: 'channel' },
      { label: 'Delivery', field: 'state' },
      { label: 'Created', field: 'createdAt', format: 'time' },
      { label: 'Delivered', field: 'deliveredAt', format: 'time' },
      { label: 'Error', field: 'error' },
    ],
  },
  { kind: 'errors', id: 'errors', title: 'Errors' },
  { kind: 'audit', id: 'audit', title: 'Audit log' },
  { kind: 'automation', id: 'automation', title: 'Automation modes' },
  { kind: 'status', id: 'status', title: 'System' },
];
