import { describe, expect, it } from 'vitest';
import { DATASETS } from '#shared/domain/archive/datasets.ts';
import { datasetObjectKey, hourOf, nextHour, quarantineObjectKey } from '#shared/domain/archive/layout.ts';
import {
  acknowledgementRows,
  auditEventRows,
  checkRow,
  creditMemoRows,
  invoiceRows,
  outboxMessageRows,
  purchaseOrderRows,
} from '#shared/domain/archive/rows.ts';
import { spApiFixture } from '../support/fixtures.ts';

const STORED_AT = '2026-11-24T08:00:00.000Z';

function poItem(order: unknown = spApiFixture('purchase-order')) {
  return {
    purchaseOrderNumber: '4Z32PABC',
    vendorCode: 'ACMEDE',
    version: '2026-11-24T06:05:00.000Z',
    storedAt: STORED_AT,
    document: JSON.stringify(order),
  };
}

const ackRecord = {
  purchaseOrderNumber: '4Z32PABC',
  vendorCode: 'ACMEDE',
  marketplace: 'DE',
  purchaseOrderDate: '2026-11-23T09:41:00.000Z',
  deadline: '2026-11-24T09:41:00.000Z',
  state: 'submitted',
  revision: 3,
  messageKey: 'ack#4Z32PABC',
  transactionId: 'tx-1',
  submittedAt: '2026-11-23T10:00:00.000Z',
  remindersSent: [],
  updatedAt: '2026-11-23T10:00:00.000Z',
  lines: [
    {
      itemSequenceNumber: '1',
      sku: 'SKU-1',
      outcome: 'decided',
      ruleId: 'stock',
      reason: 'Accepted 20 of 24, backordered 4',
      itemAcknowledgements: [
        {
          acknowledgementCode: 'Accepted',
          acknowledgedQuantity: { amount: 20, unitOfMeasure: 'Eaches', unitSize: 1 },
          scheduledShipDate: '2026-11-25T00:00:00Z',
        },
        { acknowledgementCode: 'Backordered', acknowledgedQuantity: { amount: 4, unitOfMeasure: 'Eaches' } },
      ],
      decidedBy: { type: 'rule', id: 'stock' },
      decidedAt: '2026-11-23T09:59:00.000Z',
    },
    {
      itemSequenceNumber: '2',
      outcome: 'decided',
      ruleId: 'obsolete',
      reason: 'Discontinued',
      itemAcknowledgements: [
        {
          acknowledgementCode: 'Rejected',
          acknowledgedQuantity: { amount: 10, unitOfMeasure: 'Cases', unitSize: 6 },
          rejectionReason: 'ObsoleteProduct',
        },
      ],
      decidedBy: { type: 'person', id: 'sub-123', name: 'Dana Approver' },
      decidedAt: '2026-11-23T09:59:30.000Z',
    },
    {
      itemSequenceNumber: '3',
      outcome: 'review',
      ruleId: 'cost-mismatch',
      reason: 'Cost differs',
      decidedBy: { type: 'rule', id: 'cost-mismatch' },
      decidedAt: '2026-11-23T09:59:00.000Z',
    },
  ],
};

describe('the archive layout', () => {
  it('names one Parquet file per dataset partition and hour, and one quarantine file per dataset and hour', () => {
    expect(
      datasetObjectKey(DATASETS.purchase_orders, { marketplace: 'DE', dt: '2026-11-23' }, '2026-11-24T08'),
    ).toBe('datasets/purchase_orders/marketplace=DE/dt=2026-11-23/2026-11-24T08.parquet');
    expect(datasetObjectKey(DATASETS.audit_events, { dt: '2026-11-24' }, '2026-11-24T08')).toBe(
      'datasets/audit_events/dt=2026-11-24/2026-11-24T08.parquet',
    );
    expect(quarantineObjectKey('purchase_orders', '2026-11-24T08')).toBe(
      'quarantine/purchase_orders/dt=2026-11-24/2026-11-24T08.ndjson',
    );
  });

  it('refuses a partition value that would change the path', () => {
    expect(() => datasetObjectKey(DATASETS.purchase_orders, { dt: '2026-11-23' }, '2026-11-24T08')).toThrow(
      /marketplace/,
    );
    expect(() =>
      datasetObjectKey(DATASETS.purchase_orders, { marketplace: 'DE/x', dt: '2026-11-23' }, '2026-11-24T08'),
    ).toThrow(/plain value/);
  });

  it('counts hours in UTC across days', () => {
    expect(hourOf(new Date('2026-11-24T23:59:59.999Z'))).toBe('2026-11-24T23');
    expect(nextHour('2026-11-24T23')).toBe('2026-11-25T00');
  });
});

describe('purchase order rows', () => {
  it('maps a PO version to its header and lines in its marketplace and PO-date partition', () => {
    const result = purchaseOrderRows(poItem(), ['DE', 'FR']);

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [header, ...lines] = result.rows;
    expect(header).toMatchObject({
      dataset: 'purchase_orders',
      partition: { marketplace: 'DE', dt: '2026-11-23' },
      row: {
        purchase_order_number: '4Z32PABC',
        vendor_code: 'ACMEDE',
        po_version: new Date('2026-11-24T06:05:00.000Z'),
        ship_to_party_id: 'DUS2',
        ship_to_country: 'DE',
        delivery_window_start: new Date('2026-11-30T07:00:00Z'),
        delivery_window_end: new Date('2026-12-04T07:00:00Z'),
        ship_window_start: null,
        line_count: 3,
        // 24 eaches + 10 cases of 6 + 0.
        ordered_eaches: 84n,
        net_cost_currency: 'EUR',
        // 24 × 12.45 + 60 × 3.80 = 526.80, exactly, at DECIMAL(38,10).
        total_net_cost: 5_268_000_000_000n,
        archived_at: new Date(STORED_AT),
      },
    });
    expect(
      lines.map((l) => [l.dataset, l.row.item_sequence_number, l.row.ordered_eaches, l.row.net_cost]),
    ).toEqual([
      ['purchase_order_lines', '1', 24n, 124_500_000_000n],
      ['purchase_order_lines', '2', 60n, 38_000_000_000n],
      ['purchase_order_lines', '3', 0n, 411_000_000_000n],
    ]);
  });

  it('keeps no address or name of any party (rule 13)', () => {
    const result = purchaseOrderRows(poItem(), ['DE']);
    const text = JSON.stringify(result, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

    expect(text).not.toMatch(/Amazonstrasse|Rheinberg|Marcel-Breuer|Niederlassung|DE999999901/);
  });

  it('rejects a PO whose amount is not a decimal, naming the field', () => {
    const order = spApiFixture('purchase-order') as {
      orderDetails: { items: { netCost: { amount: string } }[] };
    };
    order.orderDetails.items[1]!.netCost.amount = 'twelve';

    expect(purchaseOrderRows(poItem(order), ['DE'])).toEqual({
      ok: false,
      dataset: 'purchase_orders',
      reason: expect.stringMatching(/^document\.orderDetails\.items\[1\]\.netCost\.amount: /),
    });
  });

  it('rejects a PO without details, and an item that is not JSON', () => {
    expect(
      purchaseOrderRows(poItem({ purchaseOrderNumber: 'X', purchaseOrderState: 'New' }), ['DE']),
    ).toMatchObject({
      ok: false,
      reason: 'orderDetails: required, missing',
    });
    expect(purchaseOrderRows({ ...poItem(), document: '{' }, ['DE'])).toMatchObject({
      ok: false,
      reason: 'document: not JSON',
    });
  });

  it('rejects a unit cost with more decimals than the dataset holds exactly', () => {
    const order = spApiFixture('purchase-order') as {
      orderDetails: { items: { netCost: { amount: string } }[] };
    };
    order.orderDetails.items[0]!.netCost.amount = '1.00000000001';

    expect(purchaseOrderRows(poItem(order), ['DE'])).toMatchObject({
      ok: false,
      reason: expect.stringMatching(
        /^purchase_orders: total_net_cost: 252\.00000000024 has more than 10 decimal places/,
      ),
    });
  });
});

describe('acknowledgement rows', () => {
  it('maps a revision and its lines, in eaches, without the decider’s name', () => {
    const result = acknowledgementRows({ document: JSON.stringify(ackRecord) });

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [header, ...lines] = result.rows;
    expect(header).toMatchObject({
      dataset: 'acknowledgements',
      partition: { marketplace: 'DE', dt: '2026-11-23' },
      row: { state: 'submitted', revision: 3, line_count: 3, lines_in_review: 1, error_codes: null },
    });
    expect(
      lines.map((l) => [
        l.row.item_sequence_number,
        l.row.accepted_eaches,
        l.row.backordered_eaches,
        l.row.rejected_eaches,
        l.row.rejection_reason,
        l.row.decided_by_id,
      ]),
    ).toEqual([
      ['1', 20n, 4n, 0n, null, 'stock'],
      ['2', 0n, 0n, 60n, 'ObsoleteProduct', 'sub-123'],
      ['3', null, null, null, null, 'cost-mismatch'],
    ]);
    expect(JSON.stringify(result, (_k, v: unknown) => (typeof v === 'bigint' ? 0 : v))).not.toContain('Dana');
  });

  it('rejects a record without its marketplace', () => {
    const { marketplace: _m, ...record } = ackRecord;
    expect(acknowledgementRows({ document: JSON.stringify(record) })).toMatchObject({
      ok: false,
      dataset: 'acknowledgements',
      reason: expect.stringMatching(/^document\.marketplace: /),
    });
  });
});

describe('audit event and outbox rows', () => {
  it('archives an audit event by its day, without the actor’s display name', () => {
    const event = {
      id: 'po:4Z32PABC:decided',
      at: '2026-11-23T09:59:00.000Z',
      actor: { type: 'person', id: 'sub-123', name: 'Dana Approver' },
      action: 'purchaseOrder.decided',
      entity: { type: 'PurchaseOrder', id: '4Z32PABC' },
      reason: 'Lines decided',
      after: { state: 'queued' },
      module: 'purchaseOrders',
    };
    const result = auditEventRows({ event: JSON.stringify(event) });

    expect(result).toMatchObject({
      ok: true,
      rows: [
        {
          dataset: 'audit_events',
          partition: { dt: '2026-11-23' },
          row: { actor_id: 'sub-123', after_json: '{"state":"queued"}', before_json: null },
        },
      ],
    });
    expect(JSON.stringify(result)).not.toContain('Dana');
  });

  it('archives a settled message’s outcome and the key and digest of its exact payload', () => {
    const result = outboxMessageRows(
      {
        key: 'ack#4Z32PABC',
        module: 'purchaseOrders',
        operation: 'submitAcknowledgement',
        target: 'example-eu',
        subjectType: 'PurchaseOrder',
        subjectId: '4Z32PABC',
        payload: '{"acknowledgements":[]}',
        requestedBy: JSON.stringify({ type: 'rule', id: 'acknowledgement-rules' }),
        state: 'failed',
        attempts: 2,
        createdAt: '2026-11-23T10:00:00.000Z',
        updatedAt: '2026-11-24T00:10:00.000Z',
        lastError: JSON.stringify({
          name: 'SpApiError',
          message: 'Invalid input',
          code: 'InvalidInput',
          status: 400,
        }),
      },
      (text) => `sha(${text.length})`,
    );

    expect(result).toMatchObject({
      ok: true,
      rows: [
        {
          dataset: 'outbox_messages',
          partition: { dt: '2026-11-24' },
          row: {
            state: 'failed',
            attempts: 2,
            payload_bytes: 23,
            payload_sha256: 'sha(23)',
            document_key: 'documents/purchaseOrders/submitAcknowledgement/dt=2026-11-24/ack#4Z32PABC.json',
            error_code: 'InvalidInput',
            http_status: 400,
          },
        },
      ],
    });
  });
});

describe('checkRow', () => {
  it('names every column that is missing, unknown or of the wrong type', () => {
    const result = checkRow(DATASETS.audit_events, {
      event_id: 'e1',
      occurred_at: 'yesterday',
      actor_type: 'rule',
      actor_id: 'r',
      action: 'a.b',
      entity_type: 'PurchaseOrder',
      entity_id: 7,
      extra: 'x',
    });

    expect(result).toEqual({
      ok: false,
      problems: [
        'extra: not a column of audit_events',
        'occurred_at: expected an ISO-8601 instant, got yesterday',
        'entity_id: expected text, got number',
        'reason: required, missing',
      ],
    });
  });
});

describe('creditMemoRows', () => {
  const memo = {
    memoId: 'RET-ACMEDE-R1',
    sourceKey: 'RETURN#ACMEDE#R1',
    request: {
      kind: 'return',
      detail: {
        vendorCode: 'ACMEDE',
        marketplace: 'DE',
        returnReference: 'R1',
        source: 'returns-export',
        returnDate: '2026-11-20T08:00:00.000Z',
        respondBy: '2026-11-23T08:00:00.000Z',
        currency: 'EUR',
        items: [{ asin: 'B0X', quantity: 2, reason: 'Damaged in transit' }],
      },
    },
    state: 'accepted',
    revision: 5,
    createdAt: '2026-11-20T09:00:00.000Z',
    updatedAt: '2026-11-21T10:00:00.000Z',
    respondBy: '2026-11-23T08:00:00.000Z',
    lines: [
      {
        itemSequenceNumber: 1,
        asin: 'B0X',
        purchaseOrderNumber: 'PO1',
        quantity: 2,
        netCost: '10.00',
        taxAmount: '3.80',
        taxRate: '19',
        lineNet: '20.00',
      },
    ],
    totals: { net: '20.00', tax: '3.80', total: '23.80' },
    decision: { by: 'sub-9', at: '2026-11-20T12:00:00.000Z', outcome: 'approved', note: 'call Dana' },
    creditNoteNumber: 'CN-7',
    filing: 'api',
  };

  it('maps a revision to its memo row and line rows, partitioned by marketplace and claim day, without people', () => {
    const result = creditMemoRows({ document: JSON.stringify(memo) });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.rows.map((r) => [r.dataset, r.partition])).toEqual([
      ['credit_memos', { marketplace: 'DE', dt: '2026-11-20' }],
      ['credit_memo_lines', { marketplace: 'DE', dt: '2026-11-20' }],
    ]);
    expect(result.rows[0]!.row).toMatchObject({
      memo_id: 'RET-ACMEDE-R1',
      kind: 'return',
      claim_kind: null,
      source_reference: 'R1',
      source_at: new Date('2026-11-20T08:00:00.000Z'),
      state: 'accepted',
      line_count: 1,
      total_amount: 238000000000n,
      decision_outcome: 'approved',
    });
    expect(result.rows[1]!.row).toMatchObject({ asin: 'B0X', quantity: 2, line_net: 200000000000n });
    const text = JSON.stringify(result.rows, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
    expect(text).not.toContain('sub-9');
    expect(text).not.toContain('Dana');
    expect(text).not.toContain('Damaged');
  });

  it('quarantines a memo that does not fit, naming the field', () => {
    const result = creditMemoRows({ document: JSON.stringify({ ...memo, revision: 'five' }) });
    expect(result).toEqual({
      ok: false,
      dataset: 'credit_memos',
      reason: expect.stringMatching(/^document\.revision: /),
    });
  });
});

describe('invoiceRows', () => {
  const invoice = {
    pk: 'INVOICE#INV-0007',
    sk: 'INVOICE',
    gsi1pk: 'INVSTATE#rejected',
    invoiceNumber: 'INV-0007',
    invoiceType: 'Invoice',
    vendorCode: 'ACMEDE',
    marketplace: 'DE',
    currency: 'EUR',
    invoiceDate: '2026-11-22T16:00:00.000Z',
    total: '59.50',
    taxTotal: '9.50',
    netTotal: '50.00',
    purchaseOrderNumbers: ['PO1', 'PO2'],
    lines: [
      {
        itemSequenceNumber: 1,
        purchaseOrderNumber: 'PO1',
        amazonProductIdentifier: 'B0X',
        vendorProductIdentifier: 'SKU-1',
        quantity: 3,
        netCost: '10.00',
        taxAmount: '5.70',
        taxRate: '19',
        unitOfMeasure: 'Eaches',
        purchaseOrderItemSequenceNumber: '00001',
      },
      { itemSequenceNumber: 2, purchaseOrderNumber: 'PO2', quantity: 4, netCost: '5.00', taxAmount: '3.80' },
    ],
    state: 'rejected',
    paymentTermsNetDays: 60,
    legalEntity: 'ACMEREMIT',
    series: 'INV',
    sequence: 7,
    shipments: [
      { purchaseOrderNumber: 'PO1', shipmentId: 'S1' },
      { purchaseOrderNumber: 'PO2', shipmentId: 'S2' },
    ],
    transactionId: 'tx-9',
    submittedAt: '2026-11-22T16:05:00.000Z',
    errors: [{ code: 'InvalidTaxId', message: 'Tax id of Jane Doe, 1 Main St is invalid' }],
    documents: { json: 'documents/invoices/INV-0007.json', pdf: 'documents/invoices/INV-0007.pdf' },
    revision: 4,
    createdAt: '2026-11-22T16:00:00.000Z',
    updatedAt: '2026-11-24T08:15:00.000Z',
  };

  it('maps a revision to its invoice row and line rows, partitioned by marketplace and invoice day', () => {
    const result = invoiceRows(invoice);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.rows.map((r) => [r.dataset, r.partition])).toEqual([
      ['invoices', { marketplace: 'DE', dt: '2026-11-22' }],
      ['invoice_lines', { marketplace: 'DE', dt: '2026-11-22' }],
      ['invoice_lines', { marketplace: 'DE', dt: '2026-11-22' }],
    ]);
    expect(result.rows[0]!.row).toMatchObject({
      invoice_number: 'INV-0007',
      invoice_type: 'Invoice',
      state: 'rejected',
      revision: 4,
      invoice_date: new Date('2026-11-22T16:00:00.000Z'),
      supply_date: null,
      total: 595000000000n,
      line_count: 2,
      purchase_order_numbers: 'PO1,PO2',
      shipment_count: 2,
      sequence: 7n,
      payment_terms_net_days: 60,
      payment_status: null,
      error_codes: 'InvalidTaxId',
      updated_at: new Date('2026-11-24T08:15:00.000Z'),
    });
    expect(result.rows[1]!.row).toMatchObject({
      asin: 'B0X',
      vendor_sku: 'SKU-1',
      quantity: 3,
      line_net: 300000000000n,
      tax_rate: 190000000000n,
      purchase_order_item_sequence_number: '00001',
    });
    expect(result.rows[2]!.row).toMatchObject({
      asin: null,
      quantity: 4,
      line_net: 200000000000n,
      tax_rate: null,
    });
    const text = JSON.stringify(result.rows, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
    expect(text).not.toContain('Jane Doe');
    expect(text).not.toContain('Main St');
  });

  it('quarantines an invoice that does not fit, naming the field', () => {
    expect(invoiceRows({ ...invoice, revision: 'four' })).toEqual({
      ok: false,
      dataset: 'invoices',
      reason: expect.stringMatching(/^revision: /),
    });
    expect(invoiceRows({ ...invoice, lines: [{ ...invoice.lines[0], netCost: '1.00000000001' }] })).toEqual({
      ok: false,
      dataset: 'invoices',
      reason: expect.stringMatching(/^invoice_lines row 1: net_cost: /),
    });
  });
});
