import { describe, expect, it } from 'vitest';
import { reconciliationRows, remittanceLineRows } from '#shared/domain/archive/rows.ts';

const line = {
  lineId: '7001:INV1SC:1',
  vendorCode: 'ACMEDE',
  marketplace: 'DE',
  file: 'remittance/ACMEDE/DE/r.csv',
  row: 12,
  paymentNumber: '7001',
  paymentDate: '2026-09-15',
  number: 'INV1SC',
  kind: 'shortage-claim',
  rule: 'suffix SC: shortage claim',
  invoiceNumber: 'INV1',
  matched: true,
  purchaseOrderNumbers: ['PO1', 'PO2'],
  currency: 'EUR',
  invoiceAmount: '-12.5',
  amountPaid: '-12.5',
  withholdingAmount: '0',
  termsDiscount: '0',
  importedAt: '2026-09-16T08:00:00.000Z',
};
const record = {
  invoiceNumber: 'INV1',
  vendorCode: 'ACMEDE',
  marketplace: 'DE',
  currency: 'EUR',
  billed: '100.00',
  invoiceDate: '2026-07-01',
  dueDate: '2026-08-30',
  purchaseOrderNumbers: ['PO1'],
  paid: '87.50',
  paymentReceived: true,
  deducted: { 'shortage-claim': '12.50' },
  deductedTotal: '12.50',
  open: '0.00',
  status: 'settled',
  payments: ['7001'],
  lastPaymentDate: '2026-09-15',
  appliedLines: ['a', 'b'],
};

describe('the payments rows of the archive', () => {
  it('maps a stored remittance line to its row in the marketplace and payment day', () => {
    const result = remittanceLineRows({ document: JSON.stringify(line) });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.rows).toHaveLength(1);
    const [{ dataset, partition, row }] = result.rows as [(typeof result.rows)[number]];
    expect({ dataset, partition }).toEqual({
      dataset: 'remittance_lines',
      partition: { marketplace: 'DE', dt: '2026-09-15' },
    });
    expect(row).toMatchObject({
      kind: 'shortage-claim',
      deduction_kind: 'shortage-claim',
      purchase_order_numbers: 'PO1,PO2',
      amount_paid: -125_000_000_000n,
      source_row: 12,
      matched: true,
    });
  });

  it('sends a line with an amount that is not a number to quarantine, naming the field', () => {
    const result = remittanceLineRows({ document: JSON.stringify({ ...line, amountPaid: 'twelve' }) });
    expect(result).toEqual({
      ok: false,
      dataset: 'remittance_lines',
      reason: expect.stringContaining('amountPaid'),
    });
  });

  it('maps a reconciliation record on the day it changed, and refuses one without a due date', () => {
    const ok = reconciliationRows({
      updatedAt: '2026-09-16T08:00:00.000Z',
      document: JSON.stringify(record),
    });
    expect(ok.ok && ok.rows[0]).toMatchObject({
      dataset: 'reconciliation',
      partition: { marketplace: 'DE', dt: '2026-09-16' },
      row: { open_amount: 0n, line_count: 2, deducted_json: '{"shortage-claim":"12.50"}', status: 'settled' },
    });
    const { dueDate: _due, ...noDue } = record;
    const bad = reconciliationRows({
      updatedAt: '2026-09-16T08:00:00.000Z',
      document: JSON.stringify(noDue),
    });
    expect(bad).toEqual({ ok: false, dataset: 'reconciliation', reason: expect.stringContaining('dueDate') });
  });
});
