/**
 * The analytical datasets of the archive: one definition per dataset, from which the Parquet
 * schema (shared/archive/parquet.ts), the Glue table (infra/constructs/analytics.ts), the local
 * DuckDB views (local/analytics/) and the row checks (./rows.ts) are all derived. Pure data.
 *
 * No personal data (ARCHITECTURE rule 13): the columns are business facts and pseudonymous ids.
 * Parties appear as Amazon party ids (vendor codes, fulfilment-centre codes) and a country code,
 * never with a name or street address; a person appears as the id the audit trail gives them.
 */

/** Column types, as both engines name them: Glue/Athena (Trino) and DuckDB. */
export type ColumnType = 'string' | 'int' | 'bigint' | 'boolean' | 'timestamp' | 'decimal';

/**
 * Money and unit costs: DECIMAL(38, 10), stored as 16-byte fixed-length Parquet decimals. Ten
 * places hold any cost Amazon sends (two to four in practice) without rounding (rule 2).
 */
export const DECIMAL_PRECISION = 38;
export const DECIMAL_SCALE = 10;

/** One column of a dataset. */
export interface ColumnDefinition {
  /** snake_case, lower case: Glue lower-cases names, so the file and the catalog agree. */
  readonly name: string;
  readonly type: ColumnType;
  /** Never null: a record without it goes to quarantine. */
  readonly required?: boolean;
  /** What the column holds (the Glue column comment). */
  readonly comment: string;
}

/** Partition keys of a dataset, in path order: `marketplace=DE/dt=2026-03-01/`. */
export type PartitionKey = 'marketplace' | 'dt';

/** One analytical dataset. */
export interface DatasetDefinition {
  /** Folder under `datasets/` and the table name in Glue and DuckDB. */
  readonly name: DatasetName;
  readonly description: string;
  readonly partitionKeys: readonly PartitionKey[];
  /** What the `dt` partition is the day of (UTC). */
  readonly dtMeaning: string;
  readonly columns: readonly ColumnDefinition[];
}

export const DATASET_NAMES = [
  'purchase_orders',
  'purchase_order_lines',
  'acknowledgements',
  'acknowledgement_lines',
  'audit_events',
  'outbox_messages',
  'remittance_lines',
  'reconciliation',
  'credit_memos',
  'credit_memo_lines',
  'invoices',
  'invoice_lines',
  'inventory_snapshots',
] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

const col = (name: string, type: ColumnType, comment: string, required = false): ColumnDefinition => ({
  name,
  type,
  comment,
  ...(required ? { required } : {}),
});
const req = (name: string, type: ColumnType, comment: string) => col(name, type, comment, true);

const BY_MARKETPLACE_AND_DAY: readonly PartitionKey[] = ['marketplace', 'dt'];
const BY_DAY: readonly PartitionKey[] = ['dt'];

const PO_DATE_DT =
  'the purchase-order date, so every version of a PO lands in one partition and "latest version" queries over a dt range see all of them';

const MEMO_DT =
  'the day Acorn claimed the memo (created_at), so every revision of a memo lands in one partition';

const INVOICE_DT =
  'the invoice date, so every revision of an invoice lands in one partition and "latest revision" queries over a dt range see all of them';

/** Every dataset, by name. */
export const DATASETS: { readonly [N in DatasetName]: DatasetDefinition & { readonly name: N } } = {
  purchase_orders: {
    name: 'purchase_orders',
    description:
      'Each stored version of each purchase order (header): one row per PO per version; the latest po_version is the current one.',
    partitionKeys: BY_MARKETPLACE_AND_DAY,
    dtMeaning: PO_DATE_DT,
    columns: [
      req('purchase_order_number', 'string', 'Amazon PO number'),
      req('vendor_code', 'string', 'Selling party (vendor code)'),
      req(
        'po_version',
        'timestamp',
        'Latest of the PO, change and state-change dates: a newer version supersedes',
      ),
      req('purchase_order_state', 'string', 'New, Acknowledged or Closed'),
      col('purchase_order_type', 'string', 'RegularOrder, ConsignedOrder, NewProductIntroduction, RushOrder'),
      req('purchase_order_date', 'timestamp', 'When Amazon placed the PO'),
      col('purchase_order_changed_date', 'timestamp', 'Last change by Amazon'),
      col('state_changed_date', 'timestamp', 'Last state change'),
      col('payment_method', 'string', 'Invoice, Consignment, CreditCard, Prepaid'),
      col('deal_code', 'string', 'Deal the PO is for'),
      col('buying_party_id', 'string', 'Amazon buying party id'),
      col('selling_party_id', 'string', 'Selling party id'),
      col('ship_to_party_id', 'string', 'Amazon fulfilment centre code'),
      col('ship_to_country', 'string', 'Country of the fulfilment centre'),
      col('bill_to_party_id', 'string', 'Amazon bill-to party id'),
      col('ship_window_start', 'timestamp', 'Ship window start'),
      col('ship_window_end', 'timestamp', 'Ship window end'),
      col('delivery_window_start', 'timestamp', 'Delivery window start'),
      col('delivery_window_end', 'timestamp', 'Delivery window end'),
      req('line_count', 'int', 'Lines on the PO'),
      req('ordered_eaches', 'bigint', 'Units ordered over all lines, cases converted to eaches'),
      col('net_cost_currency', 'string', 'Currency of the net costs, when all lines share one'),
      col('total_net_cost', 'decimal', 'Sum of ordered eaches × net unit cost, when every line has a cost'),
      req('archived_at', 'timestamp', 'When Acorn stored this version'),
    ],
  },
  purchase_order_lines: {
    name: 'purchase_order_lines',
    description: 'The lines of each stored PO version: one row per line per version.',
    partitionKeys: BY_MARKETPLACE_AND_DAY,
    dtMeaning: PO_DATE_DT,
    columns: [
      req('purchase_order_number', 'string', 'Amazon PO number'),
      req('vendor_code', 'string', 'Selling party (vendor code)'),
      req('po_version', 'timestamp', 'Version of the PO this line belongs to'),
      req('item_sequence_number', 'string', 'Line number on the PO'),
      col('asin', 'string', 'Amazon product identifier (ASIN)'),
      col('vendor_sku', 'string', 'Vendor product identifier (SKU)'),
      col('ordered_quantity', 'int', 'Quantity ordered, in unit_of_measure'),
      col('unit_of_measure', 'string', 'Cases or Eaches'),
      col('unit_size', 'int', 'Eaches per case'),
      req('ordered_eaches', 'bigint', 'Quantity ordered in eaches'),
      req('is_back_order_allowed', 'boolean', 'Whether the line may be backordered'),
      col('net_cost', 'decimal', 'Net cost per each'),
      col('net_cost_currency', 'string', 'Currency of net_cost'),
      col('list_price', 'decimal', 'List price per each'),
      col('list_price_currency', 'string', 'Currency of list_price'),
      req('archived_at', 'timestamp', 'When Acorn stored this PO version'),
    ],
  },
  acknowledgements: {
    name: 'acknowledgements',
    description:
      "Acorn's acknowledgement record of each PO: one row per exported revision; the highest revision is the current one.",
    partitionKeys: BY_MARKETPLACE_AND_DAY,
    dtMeaning: PO_DATE_DT,
    columns: [
      req('purchase_order_number', 'string', 'Amazon PO number'),
      req('vendor_code', 'string', 'Selling party (vendor code)'),
      req('revision', 'int', 'Bumped by every change of the record'),
      req(
        'state',
        'string',
        'review, queued, held, simulated, submitted, accepted, rejected, failed or unknown',
      ),
      req('purchase_order_date', 'timestamp', 'When Amazon placed the PO'),
      req('deadline', 'timestamp', 'When Amazon expects the acknowledgement'),
      col('message_key', 'string', 'Outbox message that carries the acknowledgement'),
      col('transaction_id', 'string', "Amazon's transaction id of the submission"),
      col('submitted_at', 'timestamp', 'When Amazon took the submission'),
      col('error_codes', 'string', "Amazon's error codes, comma-separated, when refused"),
      req('line_count', 'int', 'Lines on the PO'),
      req('lines_in_review', 'int', 'Lines waiting for a person'),
      req('updated_at', 'timestamp', 'When this revision was written'),
    ],
  },
  acknowledgement_lines: {
    name: 'acknowledgement_lines',
    description: 'How each PO line was decided, per exported revision of the acknowledgement record.',
    partitionKeys: BY_MARKETPLACE_AND_DAY,
    dtMeaning: PO_DATE_DT,
    columns: [
      req('purchase_order_number', 'string', 'Amazon PO number'),
      req('vendor_code', 'string', 'Selling party (vendor code)'),
      req('revision', 'int', 'Revision of the acknowledgement record'),
      req('item_sequence_number', 'string', 'Line number on the PO'),
      col('sku', 'string', 'Our SKU, when the catalogue knows the product'),
      req('outcome', 'string', 'decided or review'),
      req('rule_id', 'string', 'Rule that decided (or sent to review)'),
      req('reason', 'string', 'Why, in words'),
      req('decided_by_type', 'string', 'rule or person'),
      req('decided_by_id', 'string', 'Rule id or the pseudonymous id of the person'),
      req('decided_at', 'timestamp', 'When the line was decided'),
      col('accepted_eaches', 'bigint', 'Eaches accepted (decided lines)'),
      col('backordered_eaches', 'bigint', 'Eaches backordered (decided lines)'),
      col('rejected_eaches', 'bigint', 'Eaches rejected (decided lines)'),
      col(
        'rejection_reason',
        'string',
        'TemporarilyUnavailable, InvalidProductIdentifier or ObsoleteProduct',
      ),
      col('scheduled_ship_date', 'timestamp', 'Promised ship date of the accepted or backordered part'),
      req('updated_at', 'timestamp', 'When this revision was written'),
    ],
  },
  audit_events: {
    name: 'audit_events',
    description:
      'Every state change (ARCHITECTURE rule 5): who did what to which entity, why, before and after. Without display names.',
    partitionKeys: BY_DAY,
    dtMeaning: 'the event (occurred_at)',
    columns: [
      req('event_id', 'string', 'Unique, stable event id'),
      req('occurred_at', 'timestamp', 'When the change happened'),
      req('actor_type', 'string', 'rule, person or system'),
      req('actor_id', 'string', 'Rule id, pseudonymous person id (Cognito sub) or system component'),
      req('action', 'string', 'Dotted verb, e.g. outbox.sent, creditMemo.approved'),
      req('entity_type', 'string', 'PurchaseOrder, CreditMemo, …'),
      req('entity_id', 'string', 'Id of the entity'),
      req('reason', 'string', 'Why, in words'),
      col('module', 'string', 'Automation module'),
      col('before_json', 'string', 'State before the change (JSON)'),
      col('after_json', 'string', 'State after the change (JSON)'),
    ],
  },
  outbox_messages: {
    name: 'outbox_messages',
    description:
      'Every settled write to the outside world (sent, simulated, failed) with its outcome; the exact payload is the document at document_key.',
    partitionKeys: BY_DAY,
    dtMeaning: 'when the message settled (settled_at)',
    columns: [
      req('message_key', 'string', 'Idempotency key'),
      req('module', 'string', 'Automation module'),
      req('operation', 'string', 'What was called, e.g. submitAcknowledgement'),
      req('target', 'string', 'Where it went, e.g. an SP-API account id'),
      req('subject_type', 'string', 'Business object type, e.g. PurchaseOrder'),
      req('subject_id', 'string', 'Business object id'),
      req('state', 'string', 'sent, simulated or failed'),
      req('attempts', 'int', 'Times a worker set out to send it'),
      req('created_at', 'timestamp', 'When it was enqueued'),
      req('settled_at', 'timestamp', 'When it reached its final state'),
      req('requested_by_type', 'string', 'rule, person or system'),
      req('requested_by_id', 'string', 'Pseudonymous id of who asked'),
      req('payload_bytes', 'int', 'Size of the exact payload'),
      req('payload_sha256', 'string', 'SHA-256 (hex) of the exact payload'),
      req('document_key', 'string', 'Archive key of the exact payload and its outcome'),
      col('error_code', 'string', "The other side's first error code"),
      col('error_message', 'string', 'What went wrong'),
      col('http_status', 'int', 'HTTP status of the last failure'),
      col('result_json', 'string', 'What the other side answered on success (JSON)'),
      col('resolution', 'string', 'How an unknown outcome was resolved'),
    ],
  },
  remittance_lines: {
    name: 'remittance_lines',
    description:
      'Each line of the Vendor Central remittance exports Acorn imported, classified: one row per line, written once (a file dropped again adds nothing).',
    partitionKeys: BY_MARKETPLACE_AND_DAY,
    dtMeaning: 'the payment date',
    columns: [
      req('line_id', 'string', 'Stable identity: payment number, line number as Amazon wrote it, occurrence'),
      req('vendor_code', 'string', 'Vendor code the remittance was exported for'),
      req('payment_number', 'string', "Amazon's payment number"),
      req('payment_date', 'timestamp', 'Day Amazon paid'),
      req('line_number', 'string', 'Invoice or deduction number as Amazon wrote it (with its suffix)'),
      req(
        'kind',
        'string',
        'invoice-payment, shortage-claim, shortage-claim-reversal, shortage-claim-revised, price-claim, price-claim-reversal, chargeback, coop, returns-debit-note, provision, provision-reversal, price-protection or unclassified',
      ),
      col(
        'deduction_kind',
        'string',
        'Deduction the line counts towards (reversals towards their claim); null for a payment',
      ),
      req('rule', 'string', 'Which classification rule decided, in words'),
      col('invoice_number', 'string', 'Vendor invoice the line concerns, when it names one'),
      req('matched', 'boolean', 'Whether Acorn billed that invoice (unmatched lines are quarantined)'),
      col('purchase_order_numbers', 'string', "The invoice's POs, comma-separated"),
      col('transaction_type', 'string', 'Transaction type column of the export'),
      col('description', 'string', 'Transaction description column of the export'),
      req('currency', 'string', 'Currency of the amounts'),
      req('invoice_amount', 'decimal', 'Invoice Amount column (deductions negative)'),
      req(
        'amount_paid',
        'decimal',
        'Amount Paid: cash for the line (deductions negative, reversals positive)',
      ),
      req('withholding_amount', 'decimal', 'Withholding taken from a payment'),
      req('terms_discount', 'decimal', 'Terms (quick-pay) discount taken from a payment'),
      req('source_file', 'string', 'Inbox key of the export the line was first imported from'),
      req('source_row', 'int', 'Row of the line in that file'),
      req('imported_at', 'timestamp', 'When Acorn imported the line'),
    ],
  },
  reconciliation: {
    name: 'reconciliation',
    description:
      "Each exported change of an invoice's reconciliation: billed, paid, deducted, open and status; the latest updated_at per invoice is the current one.",
    partitionKeys: BY_MARKETPLACE_AND_DAY,
    dtMeaning: 'the change (updated_at)',
    columns: [
      req('invoice_number', 'string', 'Vendor invoice number'),
      req('vendor_code', 'string', 'Vendor code of the invoice'),
      req('currency', 'string', 'Currency of the amounts'),
      req('billed', 'decimal', 'Invoice total including tax'),
      req('invoice_date', 'timestamp', 'Invoice date'),
      req('due_date', 'timestamp', 'Invoice date + payment terms'),
      col('purchase_order_numbers', 'string', "The invoice's POs, comma-separated"),
      req('paid', 'decimal', 'Cash received: payments less the deductions taken against the invoice'),
      req('payment_received', 'boolean', 'Whether a payment of the invoice itself was seen'),
      req('deducted_total', 'decimal', 'Deductions explaining the difference (reversals subtracted)'),
      col('deducted_json', 'string', 'Deducted per deduction kind (JSON object of decimal strings)'),
      req('open_amount', 'decimal', 'billed − paid − deducted: positive is owed, negative overpaid'),
      req('status', 'string', 'unpaid, short-paid, settled or overpaid'),
      col('payment_numbers', 'string', 'Payments that touched the invoice, comma-separated'),
      col('last_payment_date', 'timestamp', 'Latest of those payment dates'),
      req('line_count', 'int', 'Remittance lines applied so far'),
      req('updated_at', 'timestamp', 'When this state was written'),
    ],
  },
  credit_memos: {
    name: 'credit_memos',
    description:
      'Each exported revision of each credit memo (one per return or debit note): state, source, amounts, credit note; the highest revision is the current one.',
    partitionKeys: BY_MARKETPLACE_AND_DAY,
    dtMeaning: MEMO_DT,
    columns: [
      req('memo_id', 'string', 'Acorn memo id, derived from the source reference'),
      req('vendor_code', 'string', 'Vendor code the credit is asked of'),
      req('revision', 'int', 'Bumped by every change of the memo'),
      req(
        'state',
        'string',
        'claimed, awaiting-receipt, pending-approval, approved, rejected, submitted, awaiting-filing, accepted, filed, simulated, expired or failed',
      ),
      req('kind', 'string', 'return (a returns notice) or debit-note'),
      col('claim_kind', 'string', "The debit note's kind: returns, price-claim, shortage-claim, coop, other"),
      req('source', 'string', 'Where the request came from: returns-export, remittance or api'),
      req('source_reference', 'string', "Amazon's return reference or debit-note number"),
      req('source_at', 'timestamp', 'When Amazon raised the return or asked for the credit'),
      req('created_at', 'timestamp', 'When Acorn claimed the memo (the request arrived)'),
      req('respond_by', 'timestamp', "Amazon's response deadline"),
      req('currency', 'string', 'Currency of the amounts'),
      col('requested_amount', 'decimal', "The debit note's amount (debit notes only)"),
      col('net_amount', 'decimal', 'Memo net, once computed'),
      col('tax_amount', 'decimal', 'Memo tax, once computed'),
      col('total_amount', 'decimal', 'Memo total (net + tax), once computed'),
      req('line_count', 'int', 'Lines on the memo (0 before they are computed)'),
      col('reference_invoice_number', 'string', 'Vendor invoice the memo corrects'),
      col('policy_decision', 'string', "The policy's answer: auto-approve, reject or ask"),
      col('decision_outcome', 'string', "A person's decision: approved or rejected"),
      col('decided_at', 'timestamp', 'When the person decided'),
      col('credit_note_number', 'string', 'Our credit-note number'),
      col('filing', 'string', 'How the credit note goes to Amazon: api or vendor-central'),
      col('transaction_id', 'string', "Amazon's transaction id of the submission"),
      col('submitted_at', 'timestamp', 'When Amazon took the submission'),
      col('failure_error', 'string', 'Why the workflow failed, when it did'),
      req('updated_at', 'timestamp', 'When this revision was written'),
    ],
  },
  credit_memo_lines: {
    name: 'credit_memo_lines',
    description: 'The lines of each exported credit-memo revision: product, quantity, amounts.',
    partitionKeys: BY_MARKETPLACE_AND_DAY,
    dtMeaning: MEMO_DT,
    columns: [
      req('memo_id', 'string', 'Acorn memo id'),
      req('vendor_code', 'string', 'Vendor code'),
      req('revision', 'int', 'Revision of the memo this line belongs to'),
      req('state', 'string', "The memo's state at that revision"),
      req('kind', 'string', 'return or debit-note'),
      req('item_sequence_number', 'int', 'Line number on the memo'),
      col('asin', 'string', 'Amazon product identifier (ASIN)'),
      col('vendor_sku', 'string', 'Vendor product identifier (SKU)'),
      col('purchase_order_number', 'string', 'PO the credited goods were ordered on'),
      req('quantity', 'int', 'Units credited (1 for a debit note credited as an amount)'),
      req('net_cost', 'decimal', 'Net cost per unit, excluding tax'),
      req('line_net', 'decimal', 'quantity × net_cost'),
      req('tax_amount', 'decimal', 'Tax of the whole line'),
      col('tax_rate', 'decimal', 'Tax rate in percent, when stated'),
      req('currency', 'string', 'Currency of the amounts'),
      req('updated_at', 'timestamp', 'When this revision was written'),
    ],
  },
  invoices: {
    name: 'invoices',
    description:
      'Each exported revision of each invoice and credit note Acorn issued: state, amounts, POs billed, Amazon submission and payment status; the highest revision is the current one.',
    partitionKeys: BY_MARKETPLACE_AND_DAY,
    dtMeaning: INVOICE_DT,
    columns: [
      req('invoice_number', 'string', 'Invoice (or credit-note) number'),
      req('invoice_type', 'string', 'Invoice or CreditNote'),
      req('vendor_code', 'string', 'Vendor code billed under'),
      req('revision', 'int', 'Bumped by every change of the record'),
      req(
        'state',
        'string',
        'parallel-run, queued, held, simulated, submitted, accepted, rejected, failed or unknown',
      ),
      req('invoice_date', 'timestamp', 'Invoice date on the document'),
      col('supply_date', 'timestamp', 'When the goods left (date of supply)'),
      req('currency', 'string', 'Currency of the amounts'),
      req('net_total', 'decimal', 'Total excluding tax'),
      req('tax_total', 'decimal', 'Tax total'),
      req('total', 'decimal', 'Gross total including tax'),
      req('line_count', 'int', 'Lines on the invoice'),
      col('purchase_order_numbers', 'string', 'POs billed, comma-separated'),
      req('shipment_count', 'int', 'Confirmed shipments the invoice bills'),
      col('reference_invoice_number', 'string', 'For a credit note: the invoice it corrects'),
      req('legal_entity', 'string', 'Remit-to party id (an Amazon party id) the number was drawn for'),
      req('series', 'string', 'Number series'),
      req('sequence', 'bigint', 'Position in the number series'),
      col('payment_terms_net_days', 'int', 'Payment terms, net days'),
      col('payment_status', 'string', "Amazon's payment status (Finances Invoices API)"),
      col('payment_status_updated_at', 'timestamp', 'When the payment status was last read'),
      col('transaction_id', 'string', "Amazon's transaction id of the submission"),
      col('submitted_at', 'timestamp', 'When Amazon took the submission'),
      col('accepted_at', 'timestamp', 'When Acorn recorded the invoice accepted'),
      col('error_codes', 'string', "Amazon's error codes, comma-separated, when rejected or failed"),
      req('created_at', 'timestamp', 'When Acorn issued the invoice'),
      req('updated_at', 'timestamp', 'When this revision was written'),
    ],
  },
  invoice_lines: {
    name: 'invoice_lines',
    description: 'The lines of each exported invoice revision: PO line, product, quantity, amounts.',
    partitionKeys: BY_MARKETPLACE_AND_DAY,
    dtMeaning: INVOICE_DT,
    columns: [
      req('invoice_number', 'string', 'Invoice (or credit-note) number'),
      req('invoice_type', 'string', 'Invoice or CreditNote'),
      req('vendor_code', 'string', 'Vendor code'),
      req('revision', 'int', 'Revision of the invoice this line belongs to'),
      req('state', 'string', "The invoice's state at that revision"),
      req('item_sequence_number', 'int', 'Line number on the invoice'),
      col('purchase_order_number', 'string', 'PO the line bills'),
      col(
        'purchase_order_item_sequence_number',
        'string',
        "The PO line it bills (the PO's own sequence number)",
      ),
      col('asin', 'string', 'Amazon product identifier (ASIN)'),
      col('vendor_sku', 'string', 'Vendor product identifier (SKU)'),
      req('quantity', 'int', 'Eaches billed'),
      col('unit_of_measure', 'string', 'Unit invoiced in: Cases or Eaches'),
      col('unit_size', 'int', 'Case size, for cases'),
      req('net_cost', 'decimal', 'Net cost per each, excluding tax'),
      req('line_net', 'decimal', 'quantity × net_cost'),
      req('tax_amount', 'decimal', 'Tax of the whole line'),
      col('tax_rate', 'decimal', 'Tax rate in percent, when stated'),
      req('currency', 'string', 'Currency of the amounts'),
      req('updated_at', 'timestamp', 'When this revision was written'),
    ],
  },
  inventory_snapshots: {
    name: 'inventory_snapshots',
    description:
      "Each exported revision of each SKU's stock position, shared by Amazon and Shopify: on hand, what each channel holds, what the allocation leaves available; the highest revision is the current one.",
    partitionKeys: BY_DAY,
    dtMeaning: 'the change (updated_at)',
    columns: [
      req('sku', 'string', 'Our SKU'),
      req('revision', 'int', 'Bumped by every write of the position'),
      req('updated_at', 'timestamp', 'When this revision was written'),
      req('on_hand', 'bigint', 'Eaches on hand over all locations (negative counts as 0)'),
      req('location_count', 'int', 'Locations with a count'),
      col('locations_json', 'string', 'Per location: {"onHand", "asOf"} (JSON object by location id)'),
      col('counted_at', 'timestamp', 'Oldest location count: commitments released before it are in on_hand'),
      req('safety_stock', 'int', 'Eaches kept back from both channels (allocation rules at export)'),
      req('amazon_reserved', 'bigint', 'Eaches reserved for accepted PO lines, not shipped yet'),
      req('amazon_shipped', 'bigint', 'Eaches shipped against POs that on_hand still includes'),
      req('amazon_po_count', 'int', 'POs holding a reservation or shipment of the SKU'),
      req('shopify_committed', 'bigint', 'Eaches in open Shopify orders (after refunds and cancellations)'),
      req('shopify_unseen', 'bigint', 'Sales Shopify reported whose orders have not reached Acorn yet'),
      req('shopify_exposed', 'bigint', 'What Shopify was last told (or showed) as available'),
      col(
        'shopify_raising',
        'bigint',
        'A raise of Shopify available in flight, until Shopify took or refused it',
      ),
      req(
        'amazon_available',
        'bigint',
        'Eaches Amazon may still be promised (the allocation, rules at export)',
      ),
      req('shopify_available', 'bigint', 'What Shopify should show as available (the allocation target)'),
      req('idle', 'bigint', 'Sellable eaches no channel holds or is offered'),
      col(
        'drift',
        'bigint',
        "Shopify's available minus what Acorn expected, at the last full reconciliation",
      ),
      col('drift_at', 'timestamp', 'When that drift was found'),
      col('last_sync_at', 'timestamp', "Last successful push or read of Shopify's quantity"),
    ],
  },
};

/** The datasets in catalog order. */
export const DATASET_LIST: readonly DatasetDefinition[] = DATASET_NAMES.map((name) => DATASETS[name]);

/** The Glue / Athena type of a column: `decimal(38,10)`, `timestamp`, `string`, … */
export function glueType(type: ColumnType): string {
  return type === 'decimal' ? `decimal(${DECIMAL_PRECISION},${DECIMAL_SCALE})` : type;
}

/** The DuckDB type of a column. */
export function duckDbType(type: ColumnType): string {
  switch (type) {
    case 'string':
      return 'VARCHAR';
    case 'int':
      return 'INTEGER';
    case 'bigint':
      return 'BIGINT';
    case 'boolean':
      return 'BOOLEAN';
    case 'timestamp':
      return 'TIMESTAMP';
    case 'decimal':
      return `DECIMAL(${DECIMAL_PRECISION},${DECIMAL_SCALE})`;
  }
}
