import type { Clock } from '../../clock.ts';

export { invoiceDocumentKeys, invoiceMessageKey } from '../../domain/invoices/keys.ts';

import type { AuditActor } from '../../domain/audit.ts';
import {
  AlreadyInvoicedError,
  InvoiceNumberCollisionError,
  InvoiceValidationError,
  NothingToInvoiceError,
} from '../../domain/invoices/errors.ts';
import {
  buildInvoicePayload,
  type InvoiceInput,
  type InvoiceLineInput,
  type InvoiceParty,
} from '../../domain/invoices/invoice-payload.ts';
import { renderInvoicePdf } from '../../domain/invoices/invoice-pdf.ts';
import type { InvoiceRecord, InvoiceState } from '../../domain/invoices/invoice-record.ts';
import { invoiceDocumentKeys, invoiceMessageKey } from '../../domain/invoices/keys.ts';
import { type MarketplaceRule, marketplaceRule, taxRateOf } from '../../domain/invoices/marketplace-rules.ts';
import { INVOICE_SERIES, type NumberSlot, PARALLEL_RUN_SERIES } from '../../domain/invoices/numbering.ts';
import { type AcknowledgedCost, validateInvoice } from '../../domain/invoices/validate-invoice.ts';
import { formatAmount } from '../../domain/money.ts';
import type { AcknowledgementRecord } from '../../domain/purchase-orders/acknowledgement-record.ts';
import { marketplaceOf } from '../../domain/purchase-orders/acknowledgement-record.ts';
import {
  acceptedFromAcknowledgement,
  acceptedFromStatus,
  type ShippedQuantities,
} from '../../domain/shipments/fulfilment.ts';
import { ConfigurationError } from '../../errors.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '../../events.ts';
import type { PartyIdentification } from '../../sp-api/schemas/common.ts';
import type { Invoice } from '../../sp-api/schemas/invoices.ts';
import type { PurchaseOrder } from '../../sp-api/schemas/orders.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { AuditTrail } from '../outbox/ports.ts';
import type { EventPublisher } from '../ports.ts';
import type { AcknowledgementStore, PurchaseOrderReader } from '../purchase-orders/ports.ts';
import type { PurchaseOrderStatusReader, ShippedQuantitiesStore } from '../shipments/ports.ts';
import type {
  InvoiceClaims,
  InvoiceDocumentArchive,
  InvoiceStore,
  NumberSeries,
  SeriesRef,
} from './ports.ts';
import { INVOICING_ACTOR, submitInvoice } from './submit-invoice.ts';

export {
  dispatchInvoice,
  INVOICING_ACTOR,
  InvoiceIssueError,
  submitInvoice,
  updateInvoice,
} from './submit-invoice.ts';

/** How a vendor code is invoiced. */
export interface InvoicingVendor {
  readonly vendorCode: string;
  readonly spApiAccount: string;
  readonly marketplaces: readonly string[];
  /**
   * `live`: invoices go to Amazon through the outbox (in the module's automation mode);
   * `parallel-run`: generated, validated and archived in their own series, never sent, and reported
   * beside the vendor's existing invoices until the vendor code is switched.
   */
  readonly invoicing: 'live' | 'parallel-run';
  readonly paymentTerms?: InvoiceInput['paymentTerms'];
}

/** The invoicing settings (acorn.config.json `invoices`, `parties`). */
export interface InvoiceSettings {
  /** The legal entity issuing the invoices: the remit-to party id. */
  readonly legalEntity: string;
  /** Prefix of the invoice numbers. */
  readonly numberPrefix: string;
  /** Who is paid: with every tax registration the vendor holds (the marketplace picks its own). */
  readonly remitTo: Omit<InvoiceParty, 'taxRegistrations'> & {
    readonly taxRegistrations: readonly { type: 'VAT' | 'GST'; number: string; country: string }[];
  };
  readonly shipFrom: readonly InvoiceParty[];
  readonly vendors: readonly InvoicingVendor[];
}

/** Everything the invoicing use cases talk to. */
export interface InvoicingDeps {
  readonly clock: Clock;
  readonly orders: PurchaseOrderReader;
  readonly acknowledgements: Pick<AcknowledgementStore, 'get'>;
  readonly statuses: PurchaseOrderStatusReader;
  readonly shipped: Pick<ShippedQuantitiesStore, 'ofPurchaseOrder'>;
  /** The net cost per PO line as we acknowledged it (read from the acknowledgement we sent). */
  readonly acknowledgedCosts: (record: AcknowledgementRecord) => Promise<ReadonlyMap<string, string>>;
  readonly series: NumberSeries;
  readonly invoices: InvoiceStore;
  readonly claims: InvoiceClaims;
  readonly documents: InvoiceDocumentArchive;
  readonly outbox: Outbox;
  readonly audit: AuditTrail;
  readonly events: EventPublisher;
  readonly settings: InvoiceSettings;
}

/** What one request asks to invoice. */
export interface InvoiceRequest {
  readonly purchaseOrderNumbers: readonly string[];
  /** Only this confirmed shipment (the event path); every uninvoiced one when absent. */
  readonly shipmentId?: string;
  readonly actor: AuditActor;
}

/** One invoice made by a request. */
export interface IssuedInvoice {
  readonly invoiceNumber: string;
  readonly state: InvoiceState;
  readonly purchaseOrderNumbers: readonly string[];
  readonly total: string;
  readonly currency: string;
}

interface PurchaseOrderToBill {
  readonly order: PurchaseOrder;
  readonly vendorCode: string;
  readonly rule: MarketplaceRule;
  readonly entries: readonly ShippedQuantities[];
  readonly accepted: ReadonlyMap<string, number>;
  readonly acknowledged: ReadonlyMap<string, string>;
}

function partyOfOrder(party: PartyIdentification | undefined): InvoiceParty | undefined {
  if (!party) return undefined;
  const a = party.address;
  const tax = party.taxInfo;
  return {
    partyId: party.partyId,
    ...(a
      ? {
          address: {
            name: a.name,
            addressLine1: a.addressLine1,
            ...(a.addressLine2 ? { addressLine2: a.addressLine2 } : {}),
            ...(a.city ? { city: a.city } : {}),
            ...(a.stateOrRegion ? { stateOrRegion: a.stateOrRegion } : {}),
            ...(a.postalCode ? { postalCode: a.postalCode } : {}),
            countryCode: a.countryCode,
          },
        }
      : {}),
    ...(tax
      ? { taxRegistrations: [{ type: tax.taxRegistrationType, number: tax.taxRegistrationNumber }] }
      : {}),
  };
}

/**
 * Invoices what Amazon accepted and Acorn's shipment confirmations confirmed, at the acknowledged
 * net cost: one invoice per vendor code and marketplace (per PO where the marketplace takes one PO
 * per invoice), numbered gap-free, validated before anything is reserved and again with its
 * number, archived (exact JSON and PDF), then submitted through the outbox — or, for a vendor code
 * in parallel run, archived only. A failure after the number was reserved voids the number with
 * its reason; a PO shipment is billed by one invoice, ever (a conditional claim).
 */
export function makeIssueInvoices(deps: InvoicingDeps) {
  const vendorOf = (code: string) => {
    const vendor = deps.settings.vendors.find((v) => v.vendorCode === code);
    if (!vendor) throw new ConfigurationError(`Vendor code ${code} is not configured`);
    return vendor;
  };

  async function load(po: string, shipmentId: string | undefined): Promise<PurchaseOrderToBill> {
    const stored = await deps.orders.get(po);
    if (!stored)
      throw new NothingToInvoiceError(`PO ${po} is not known`, [
        { path: 'purchaseOrderNumbers', message: `PO ${po} was never received` },
      ]);
    const vendor = vendorOf(stored.vendorCode);
    const ack = await deps.acknowledgements.get(po);
    const marketplace = ack?.marketplace ?? marketplaceOf(stored.order, vendor.marketplaces);
    const rule = marketplaceRule(marketplace);
    if (!rule) throw new ConfigurationError(`No invoicing rules for marketplace ${marketplace} (PO ${po})`);
    let accepted: ReadonlyMap<string, number> | undefined;
    let acknowledged: ReadonlyMap<string, string> = new Map();
    if (ack && ack.state !== 'review') {
      accepted = acceptedFromAcknowledgement(ack.lines);
      acknowledged = await deps.acknowledgedCosts(ack);
    } else {
      const status = await deps.statuses.get(po);
      accepted = status ? acceptedFromStatus(status) : undefined;
    }
    if (!accepted || [...accepted.values()].every((n) => n <= 0)) {
      throw new NothingToInvoiceError(`PO ${po} has no accepted lines`, [
        {
          path: 'purchaseOrderNumbers',
          message: `PO ${po}: Amazon accepted no line of it, so there is nothing to invoice`,
        },
      ]);
    }
    const billed = new Set(
      (await deps.claims.ofPurchaseOrder(po)).map((c) => `${c.vendorCode}#${c.shipmentId}`),
    );
    const entries = (await deps.shipped.ofPurchaseOrder(po)).filter(
      (e) => (!shipmentId || e.shipmentId === shipmentId) && !billed.has(`${e.vendorCode}#${e.shipmentId}`),
    );
    if (entries.length === 0) {
      throw new NothingToInvoiceError(`PO ${po} has nothing shipped to invoice`, [
        {
          path: 'purchaseOrderNumbers',
          message: `PO ${po}: no confirmed shipment${shipmentId ? ` ${shipmentId}` : ''} that is not invoiced already`,
        },
      ]);
    }
    return { order: stored.order, vendorCode: stored.vendorCode, rule, entries, accepted, acknowledged };
  }

  /** The lines of a group of POs and the acknowledged costs they are held against. */
  function linesOf(group: readonly PurchaseOrderToBill[]): {
    lines: InvoiceLineInput[];
    costs: AcknowledgedCost[];
    supplyDate: string;
  } {
    const lines: InvoiceLineInput[] = [];
    const costs: AcknowledgedCost[] = [];
    let supplyDate = '';
    let seq = 1;
    for (const po of group) {
      const items = po.order.orderDetails?.items ?? [];
      const shipped = new Map<string, number>();
      for (const entry of po.entries) {
        if (entry.shippedDate > supplyDate) supplyDate = entry.shippedDate;
        for (const line of entry.lines) {
          shipped.set(
            line.itemSequenceNumber,
            (shipped.get(line.itemSequenceNumber) ?? 0) + line.shippedQuantity.amount,
          );
        }
      }
      const region = po.order.orderDetails?.shipToParty?.address?.stateOrRegion;
      for (const item of items) {
        const amount = Math.min(
          shipped.get(item.itemSequenceNumber) ?? 0,
          po.accepted.get(item.itemSequenceNumber) ?? 0,
        );
        if (amount <= 0) continue;
        const ackCost = po.acknowledged.get(item.itemSequenceNumber);
        const poCost = item.netCost?.amount;
        const netCost = ackCost ?? poCost ?? '0';
        const unitOfMeasure = item.orderedQuantity.unitOfMeasure === 'Cases' ? 'Cases' : 'Eaches';
        const rate = taxRateOf(po.rule, region);
        lines.push({
          itemSequenceNumber: seq++,
          purchaseOrderNumber: po.order.purchaseOrderNumber,
          ...(item.amazonProductIdentifier ? { amazonProductIdentifier: item.amazonProductIdentifier } : {}),
          ...(item.vendorProductIdentifier ? { vendorProductIdentifier: item.vendorProductIdentifier } : {}),
          quantity: {
            amount,
            unitOfMeasure,
            unitSize: unitOfMeasure === 'Cases' ? (item.orderedQuantity.unitSize ?? 1) : 1,
          },
          netCost,
          ...(rate === undefined ? {} : { taxRate: rate }),
        });
        costs.push({
          purchaseOrderNumber: po.order.purchaseOrderNumber,
          ...(item.amazonProductIdentifier ? { amazonProductIdentifier: item.amazonProductIdentifier } : {}),
          ...(item.vendorProductIdentifier ? { vendorProductIdentifier: item.vendorProductIdentifier } : {}),
          netCost,
          ...(ackCost !== undefined && poCost !== undefined ? { currentNetCost: poCost } : {}),
        });
      }
    }
    return { lines, costs, supplyDate };
  }

  function inputOf(
    group: readonly PurchaseOrderToBill[],
    number: string,
    date: string,
  ): { input: InvoiceInput; costs: AcknowledgedCost[]; supplyDate: string } {
    const first = group[0]!;
    const rule = first.rule;
    const vendor = vendorOf(first.vendorCode);
    const { lines, costs, supplyDate } = linesOf(group);
    const remit = deps.settings.remitTo;
    const details = first.order.orderDetails;
    const billTo = partyOfOrder(details?.billToParty);
    const shipTo = partyOfOrder(details?.shipToParty);
    const input: InvoiceInput = {
      invoiceType: 'Invoice',
      invoiceNumber: number,
      invoiceDate: date,
      currency: rule.currency,
      remitTo: {
        partyId: remit.partyId,
        ...(remit.address ? { address: remit.address } : {}),
        // Only the registrations issued in the marketplace's country go on its invoices.
        taxRegistrations: remit.taxRegistrations
          .filter((r) => r.country === rule.country || (rule.country === 'GB' && r.country === 'UK'))
          .map((r) => ({ type: r.type, number: r.number })),
      },
      ...(billTo ? { billTo } : {}),
      ...(shipTo ? { shipTo } : {}),
      ...(deps.settings.shipFrom[0] ? { shipFrom: deps.settings.shipFrom[0] } : {}),
      ...(vendor.paymentTerms ? { paymentTerms: vendor.paymentTerms } : {}),
      lines,
    };
    return { input, costs, supplyDate };
  }

  function check(group: readonly PurchaseOrderToBill[], number: string, date: string) {
    const { input, costs, supplyDate } = inputOf(group, number, date);
    const rule = group[0]!.rule;
    if (input.lines.length === 0) {
      throw new NothingToInvoiceError(
        `Nothing accepted was shipped on ${group.map((g) => g.order.purchaseOrderNumber).join(', ')}`,
        [{ path: 'purchaseOrderNumbers', message: 'the confirmed shipments carry no accepted line' }],
      );
    }
    const built = buildInvoicePayload(input, rule);
    const issues = validateInvoice(built.payload, {
      marketplace: rule.country,
      now: deps.clock.now(),
      acknowledgedCosts: costs,
      purchaseOrderDates: Object.fromEntries(
        group.map((g) => [g.order.purchaseOrderNumber, g.order.orderDetails?.purchaseOrderDate ?? '']),
      ),
    });
    if (issues.length > 0) {
      throw new InvoiceValidationError(
        `Invoice for ${group.map((g) => g.order.purchaseOrderNumber).join(', ')} (${rule.country}) would be refused: ${issues.map((i) => `${i.path} [${i.rule}] ${i.message}`).join('; ')}`,
        issues,
      );
    }
    return { ...built, input, supplyDate };
  }

  async function issueGroup(
    group: readonly PurchaseOrderToBill[],
    actor: AuditActor,
  ): Promise<IssuedInvoice> {
    const first = group[0]!;
    const vendor = vendorOf(first.vendorCode);
    const date = deps.clock.now().toISOString();
    // Validated before a number is reserved: a configuration mistake costs no number. A refusal
    // is announced (InvoiceFailed, stage `validation`) so an operator fixes the configuration.
    try {
      check(group, 'PENDING', date);
    } catch (error) {
      if (error instanceof InvoiceValidationError) {
        await deps.events.publish([
          {
            source: EVENT_SOURCE.invoices,
            detailType: DETAIL_TYPE.invoiceFailed,
            detail: {
              stage: 'validation',
              vendorCode: first.vendorCode,
              marketplace: first.rule.country,
              purchaseOrderNumbers: group.map((g) => g.order.purchaseOrderNumber),
              issues: error.invoiceIssues,
            },
          },
        ]);
      }
      throw error;
    }
    const series: SeriesRef = {
      legalEntity: deps.settings.legalEntity,
      series: vendor.invoicing === 'parallel-run' ? PARALLEL_RUN_SERIES : INVOICE_SERIES,
      prefix: deps.settings.numberPrefix,
    };
    const pos = group.map((g) => g.order.purchaseOrderNumber);
    for (let attempt = 0; ; attempt++) {
      const slot = await deps.series.reserve(series, `PO ${pos.join(',')}`, date);
      try {
        return await issueWithNumber(group, slot, date, actor);
      } catch (error) {
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        await voidQuietly(slot, reason);
        if (error instanceof InvoiceNumberCollisionError && attempt < 3) continue;
        throw error;
      }
    }
  }

  async function voidQuietly(slot: NumberSlot, reason: string): Promise<void> {
    try {
      const at = deps.clock.now().toISOString();
      if (await deps.series.void(slot, reason.slice(0, 500), at)) {
        await deps.audit.record({
          id: `invoice-number:${slot.invoiceNumber}:void`,
          at,
          actor: INVOICING_ACTOR,
          action: 'invoiceNumber.voided',
          entity: { type: 'InvoiceNumber', id: slot.invoiceNumber },
          reason: reason.slice(0, 2000),
          before: { state: 'reserved' },
          after: { state: 'void' },
          module: 'invoices',
        });
      }
    } catch {
      // The follow-up voids reservations left behind (staleReservations), with the reason "abandoned".
    }
  }

  async function issueWithNumber(
    group: readonly PurchaseOrderToBill[],
    slot: NumberSlot,
    date: string,
    actor: AuditActor,
  ): Promise<IssuedInvoice> {
    const first = group[0]!;
    const vendor = vendorOf(first.vendorCode);
    const rule = first.rule;
    const number = slot.invoiceNumber;
    const { payload, totals, input, supplyDate } = check(group, number, date);
    const entries = group.flatMap((g) =>
      g.entries.map((e) => ({
        purchaseOrderNumber: e.purchaseOrderNumber,
        vendorCode: e.vendorCode,
        shipmentId: e.shipmentId,
      })),
    );
    const claimed: typeof entries = [];
    const release = async () => {
      for (const entry of claimed) await deps.claims.release(entry, number);
    };
    let record: InvoiceRecord;
    try {
      for (const entry of entries) {
        const result = await deps.claims.claim(entry, number, date);
        if (result.outcome === 'taken') {
          throw new AlreadyInvoicedError(
            `PO ${entry.purchaseOrderNumber} shipment ${entry.shipmentId} is already billed by invoice ${result.invoiceNumber}`,
          );
        }
        claimed.push(entry);
      }
      record = {
        invoiceNumber: number,
        invoiceType: 'Invoice',
        vendorCode: first.vendorCode,
        marketplace: rule.country,
        currency: rule.currency,
        invoiceDate: date,
        total: formatAmount(totals.total),
        taxTotal: formatAmount(totals.tax),
        netTotal: formatAmount(totals.net),
        purchaseOrderNumbers: group.map((g) => g.order.purchaseOrderNumber),
        lines: input.lines.map((line, i) => {
          const po = group.find((g) => g.order.purchaseOrderNumber === line.purchaseOrderNumber);
          const poLine = po?.order.orderDetails?.items.find(
            (it) =>
              it.amazonProductIdentifier === line.amazonProductIdentifier &&
              it.vendorProductIdentifier === line.vendorProductIdentifier,
          );
          return {
            itemSequenceNumber: line.itemSequenceNumber,
            ...(line.purchaseOrderNumber ? { purchaseOrderNumber: line.purchaseOrderNumber } : {}),
            ...(line.amazonProductIdentifier
              ? { amazonProductIdentifier: line.amazonProductIdentifier }
              : {}),
            ...(line.vendorProductIdentifier
              ? { vendorProductIdentifier: line.vendorProductIdentifier }
              : {}),
            quantity: totals.lines[i]!.units,
            netCost: line.netCost,
            taxAmount: formatAmount(totals.lines[i]!.tax),
            ...(line.taxRate ? { taxRate: totals.lines[i]!.taxRate } : {}),
            unitOfMeasure: line.quantity.unitOfMeasure,
            unitSize: line.quantity.unitSize,
            ...(poLine ? { purchaseOrderItemSequenceNumber: poLine.itemSequenceNumber } : {}),
          };
        }),
        state: vendor.invoicing === 'parallel-run' ? 'parallel-run' : 'queued',
        ...(vendor.paymentTerms?.netDueDays !== undefined
          ? { paymentTermsNetDays: vendor.paymentTerms.netDueDays }
          : {}),
        legalEntity: slot.legalEntity,
        series: slot.series,
        sequence: slot.sequence,
        shipments: entries.map((e) => ({
          purchaseOrderNumber: e.purchaseOrderNumber,
          shipmentId: e.shipmentId,
        })),
        ...(supplyDate ? { supplyDate } : {}),
        ...(vendor.invoicing === 'live' ? { messageKey: invoiceMessageKey(number) } : {}),
        documents: invoiceDocumentKeys(number, date),
        revision: 0,
        createdAt: date,
        updatedAt: date,
      };
      if ((await deps.invoices.create(record)) === 'exists') {
        throw new InvoiceNumberCollisionError(`Invoice number ${number} is already used by another invoice`);
      }
    } catch (error) {
      await release();
      throw error;
    }
    // From here the number belongs to a stored invoice: failures are repaired by the follow-up.
    await deps.series.issue(slot, date);
    await archiveDocuments(deps, record, payload, supplyDate);
    await deps.audit.record({
      id: `invoice:${number}:r0`,
      at: date,
      actor,
      action: 'invoice.issued',
      entity: { type: 'Invoice', id: number },
      reason: `${record.invoiceType} for PO ${record.purchaseOrderNumbers.join(', ')} (${record.state === 'parallel-run' ? 'parallel run: archived, not sent' : 'to submit'})`,
      after: { state: record.state, total: record.total, currency: record.currency },
      module: 'invoices',
    });
    const final =
      record.state === 'parallel-run' ? record : await submitInvoice(deps, record, payload, actor);
    return {
      invoiceNumber: number,
      state: final.state,
      purchaseOrderNumbers: final.purchaseOrderNumbers,
      total: final.total,
      currency: final.currency,
    };
  }

  return async function issueInvoices(request: InvoiceRequest): Promise<IssuedInvoice[]> {
    const pos = [...new Set(request.purchaseOrderNumbers)];
    const loaded: PurchaseOrderToBill[] = [];
    for (const po of pos) loaded.push(await load(po, request.shipmentId));
    // One invoice per vendor code and marketplace, or per PO where the marketplace wants that.
    const groups = new Map<string, PurchaseOrderToBill[]>();
    for (const po of loaded) {
      const key = `${po.vendorCode}#${po.rule.country}${po.rule.multiplePurchaseOrdersPerInvoice ? '' : `#${po.order.purchaseOrderNumber}`}`;
      groups.set(key, [...(groups.get(key) ?? []), po]);
    }
    const issued: IssuedInvoice[] = [];
    for (const group of groups.values()) issued.push(await issueGroup(group, request.actor));
    return issued;
  };
}

/** Writes the invoice's exact JSON and its PDF to the archive (again, harmlessly, after a crash). */
export async function archiveDocuments(
  deps: Pick<InvoicingDeps, 'documents'>,
  record: InvoiceRecord,
  payload: Invoice,
  supplyDate?: string,
): Promise<void> {
  const rule = marketplaceRule(record.marketplace);
  if (!rule) throw new ConfigurationError(`No invoicing rules for marketplace ${record.marketplace}`);
  await deps.documents.putDocument({
    key: record.documents.json,
    body: JSON.stringify({ invoices: [payload] }),
    contentType: 'application/json',
  });
  await deps.documents.putDocument({
    key: record.documents.pdf,
    body: renderInvoicePdf(payload, { rule, ...(supplyDate ? { supplyDate } : {}) }),
    contentType: 'application/pdf',
  });
}
