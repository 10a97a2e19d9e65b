import { createHash } from 'node:crypto';
import type { AuditActor } from '../../domain/audit.ts';
import { serializePayload } from '../../domain/outbox.ts';
import { marketplaceOf } from '../../domain/purchase-orders/acknowledgement-record.ts';
import type { CatalogIndex } from '../../domain/purchase-orders/catalog.ts';
import type { FileProblem } from '../../domain/purchase-orders/catalog-file.ts';
import {
  buildShipmentConfirmation,
  buildShipmentConfirmationsRequest,
} from '../../domain/shipments/confirmation-payload.ts';
import {
  acceptedFromAcknowledgement,
  acceptedFromStatus,
  claimedQuantities,
  type DepartureWindow,
  departureWindow,
  type FulfilmentRecord,
  fulfilmentLines,
  type ShipmentRecord,
  withAsnIndex,
  withFulfilmentIndex,
  withShipmentClaim,
} from '../../domain/shipments/fulfilment.ts';
import { fieldOf, type WarehouseShipment } from '../../domain/shipments/shipment-file.ts';
import {
  planShipment,
  type ShipmentPlan,
  type ShipmentPurchaseOrder,
} from '../../domain/shipments/shipment-rules.ts';
import { AppError, ValidationError } from '../../errors.ts';
import type { PurchaseOrder } from '../../sp-api/schemas/orders.ts';
import type { ShipmentConfirmation } from '../../sp-api/schemas/shipments.ts';
import {
  confirmationKey,
  ShipmentContentionError,
  type ShipmentDeps,
  sendShipment,
  shipmentSubject,
  updateFulfilment,
} from './send-shipment.ts';

/** What happened to one shipment of a file or push. */
export interface ShipmentRegistration {
  readonly shipmentId: string;
  /**
   * `registered`: new, its confirmation queued and dispatched. `duplicate`: the same shipment was
   * registered before (the same file twice): nothing new is sent. `corrected`: a changed shipment
   * whose earlier confirmation Amazon refused, sent again as `Original`. `replaced`: a changed
   * shipment Amazon already has, sent as `Replace`. `refused`: a rule failed; see `problems`.
   */
  readonly outcome: 'registered' | 'duplicate' | 'corrected' | 'replaced' | 'refused';
  readonly vendorCode?: string;
  readonly state?: ShipmentRecord['state'];
  readonly purchaseOrderNumbers: readonly string[];
  readonly problems: readonly FileProblem[];
}

/** Where the shipments came from, for the record and the audit trail. */
export interface ShipmentSource {
  /** The inbox key, or `push`. */
  readonly name: string;
  readonly actor: AuditActor;
}

/** What the rules need to know about one PO, and its fulfilment record if it has one. */
interface LoadedPurchaseOrder {
  readonly context: ShipmentPurchaseOrder;
  readonly fulfilment?: FulfilmentRecord;
  readonly acceptedFrom: FulfilmentRecord['acceptedFrom'];
}

/**
 * SHA-256 of a shipment as the warehouse described it, independent of row order, file format and
 * row numbers: the same shipment in a re-sent or re-exported file hashes the same.
 */
export function shipmentContentHash(shipment: WarehouseShipment): string {
  const rows = shipment.rows
    .map((r) =>
      JSON.stringify([
        r.purchaseOrderNumber,
        r.product.ean ?? '',
        r.product.asin ?? '',
        r.product.sku ?? '',
        r.quantity,
        r.unitOfMeasure ?? '',
        r.cartonSscc ?? '',
        r.palletSscc ?? '',
        r.lotNumber ?? '',
        r.expiryDate ?? '',
        r.manufacturerDate ?? '',
        r.countryOfOrigin ?? '',
      ]),
    )
    .sort();
  const cartons = shipment.cartons
    .map((c) => JSON.stringify([c.sscc, c.palletSscc ?? '', c.trackingNumber ?? '', c.weightKg ?? '']))
    .sort();
  const pallets = shipment.pallets.map((p) => JSON.stringify([p.sscc, p.weightKg ?? ''])).sort();
  const canonical = JSON.stringify({
    shipmentId: shipment.shipmentId,
    shipDate: shipment.shipDate,
    estimatedDeliveryDate: shipment.estimatedDeliveryDate ?? '',
    shipFromPartyId: shipment.shipFromPartyId ?? '',
    shipmentType: shipment.shipmentType ?? '',
    carrier: [
      shipment.carrier.scac ?? '',
      shipment.carrier.proNumber ?? '',
      shipment.carrier.billOfLading ?? '',
    ],
    rows,
    cartons,
    pallets,
  });
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** A PO's window, or none when it cannot be read (the rules then skip the window check). */
function windowOf(order: PurchaseOrder, transitDays: number): DepartureWindow | undefined {
  try {
    return departureWindow(order, transitDays);
  } catch (error) {
    if (error instanceof AppError) return undefined;
    throw error;
  }
}

/**
 * The PO as the rules need it: Amazon's document, what was accepted per line (from the
 * fulfilment record, else Acorn's acknowledgement once it reached Amazon, else Amazon's PO status
 * for a PO acknowledged in Vendor Central), and what other shipments claim.
 */
async function loadPurchaseOrder(
  deps: ShipmentDeps,
  purchaseOrderNumber: string,
  shipmentId: string,
): Promise<LoadedPurchaseOrder | undefined> {
  const stored = await deps.orders.get(purchaseOrderNumber);
  if (!stored) return undefined;
  const { order, vendorCode } = stored;
  const vendor = deps.vendors.find((v) => v.vendorCode === vendorCode);
  const fulfilment = await deps.fulfilments.get(purchaseOrderNumber);
  const acknowledgement = fulfilment ? undefined : await deps.acknowledgements.get(purchaseOrderNumber);
  let accepted: ReadonlyMap<string, number> | undefined;
  let acceptedFrom: FulfilmentRecord['acceptedFrom'] = 'acknowledgement';
  if (fulfilment) {
    accepted = new Map(fulfilment.lines.map((l) => [l.itemSequenceNumber, l.accepted]));
    acceptedFrom = fulfilment.acceptedFrom;
  } else if (
    acknowledgement &&
    (acknowledgement.state === 'submitted' || acknowledgement.state === 'accepted')
  ) {
    accepted = acceptedFromAcknowledgement(acknowledgement.lines);
  } else {
    const status = await deps.statuses.get(purchaseOrderNumber);
    accepted = status ? acceptedFromStatus(status) : undefined;
    acceptedFrom = 'amazon-status';
  }
  const window = fulfilment ? fulfilment.window : windowOf(order, deps.settings.transitDays);
  const marketplace =
    acknowledgement?.marketplace ?? (vendor ? marketplaceOf(order, vendor.marketplaces) : undefined);
  return {
    context: {
      order,
      vendorCode,
      ...(marketplace ? { marketplace } : {}),
      ...(accepted ? { accepted } : {}),
      claimed: fulfilment ? claimedQuantities(fulfilment, shipmentId) : new Map(),
      ...(window ? { window } : {}),
    },
    ...(fulfilment ? { fulfilment } : {}),
    acceptedFrom,
  };
}

/** A new fulfilment record for a PO first met in a shipment (its acknowledged event not seen yet). */
export function newFulfilment(
  deps: Pick<ShipmentDeps, 'clock' | 'settings'>,
  input: {
    order: PurchaseOrder;
    vendorCode: string;
    accepted: ReadonlyMap<string, number>;
    acceptedFrom: FulfilmentRecord['acceptedFrom'];
    window?: DepartureWindow;
  },
): FulfilmentRecord {
  const at = deps.clock.now().toISOString();
  const shipTo = input.order.orderDetails?.shipToParty?.partyId;
  return withFulfilmentIndex(
    {
      purchaseOrderNumber: input.order.purchaseOrderNumber,
      vendorCode: input.vendorCode,
      ...(shipTo ? { shipToPartyId: shipTo } : {}),
      ...(input.window ? { window: input.window } : {}),
      acceptedFrom: input.acceptedFrom,
      lines: fulfilmentLines(input.order, input.accepted),
      shipments: [],
      state: 'awaiting',
      revision: 1,
      remindersSent: [],
      createdAt: at,
      updatedAt: at,
    },
    deps.settings.reminders,
  );
}

/** Thrown inside a registration attempt when a PO's fulfilment moved on: plan again from fresh data. */
class ClaimRaceError extends Error {}

/**
 * Registers warehouse shipments and sends their confirmations (ASNs) through the outbox. For each
 * shipment: check it against its POs (planShipment), recognise a shipment seen before (the same
 * file twice sends one confirmation: the record and the outbox key are per vendor code and
 * shipment id, and the content hash tells a re-send from a change), claim its quantities on each
 * PO's fulfilment record with a conditional write (so two files can never ship more than was
 * accepted between them), store the record, then queue and dispatch the confirmation.
 */
export function makeRegisterShipments(deps: ShipmentDeps) {
  const shipFromPartyIds = deps.settings.shipFrom.map((p) => p.partyId);

  async function registerOne(
    shipment: WarehouseShipment,
    source: ShipmentSource,
    catalog: CatalogIndex | undefined,
  ): Promise<ShipmentRegistration> {
    const purchaseOrderNumbers = [...new Set(shipment.rows.map((r) => r.purchaseOrderNumber))];
    const refused = (problems: FileProblem[], vendorCode?: string): ShipmentRegistration => ({
      shipmentId: shipment.shipmentId,
      outcome: 'refused',
      ...(vendorCode ? { vendorCode } : {}),
      purchaseOrderNumbers,
      problems,
    });
    const hash = shipmentContentHash(shipment);

    for (let attempt = 0; attempt < 4; attempt++) {
      const loaded = new Map<string, LoadedPurchaseOrder | undefined>();
      for (const po of purchaseOrderNumbers)
        loaded.set(po, await loadPurchaseOrder(deps, po, shipment.shipmentId));
      const vendorCode = [...loaded.values()].find((l) => l)?.context.vendorCode;

      // The same shipment seen before: push its confirmation on, send nothing new.
      const existing = vendorCode ? await deps.shipments.get(vendorCode, shipment.shipmentId) : undefined;
      if (existing && existing.contentHash === hash) {
        await restoreClaims(existing);
        const current = await sendShipment(deps, existing, source.actor);
        return {
          shipmentId: shipment.shipmentId,
          outcome: 'duplicate',
          vendorCode: current.vendorCode,
          state: current.state,
          purchaseOrderNumbers,
          problems: [],
        };
      }
      let kind: 'correction' | 'replace' | undefined;
      if (existing) {
        if (existing.state === 'rejected' || existing.state === 'failed') kind = 'correction';
        else if (existing.state === 'accepted' || existing.state === 'submitted') kind = 'replace';
        else {
          await restoreClaims(existing);
          return refused(
            [
              {
                row: shipment.firstRow,
                field: fieldOf(shipment, 'shipmentId'),
                message: `shipment ${shipment.shipmentId} came before with other contents (${existing.source}) and its confirmation is ${existing.state}: a changed shipment can replace it only once Amazon has it or refused it`,
                value: shipment.shipmentId,
              },
            ],
            vendorCode,
          );
        }
      }

      const { plan, problems } = planShipment({
        shipment,
        purchaseOrders: new Map([...loaded].map(([po, l]) => [po, l?.context])),
        ...(catalog ? { catalog } : {}),
        shipFromPartyIds,
      });
      if (!plan) return refused(problems, vendorCode);

      // The confirmation is built (and sized) before anything is claimed or stored.
      const receivedAt = deps.clock.now().toISOString();
      let confirmation: ShipmentConfirmation;
      try {
        confirmation = buildShipmentConfirmation({
          plan,
          shipFrom: deps.settings.shipFrom.find((p) => p.partyId === plan.shipFromPartyId)!,
          confirmationDate: new Date(receivedAt),
          confirmationType: kind === 'replace' ? 'Replace' : 'Original',
        });
        serializePayload(buildShipmentConfirmationsRequest([confirmation]));
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return refused(
          [
            {
              row: shipment.firstRow,
              field: fieldOf(shipment, 'shipmentId'),
              message: `shipment ${shipment.shipmentId} cannot be confirmed: ${error.message}`,
              value: shipment.shipmentId,
            },
          ],
          vendorCode,
        );
      }

      try {
        const record = await claimAndStore(
          plan,
          confirmation,
          receivedAt,
          loaded,
          existing,
          kind,
          hash,
          source,
        );
        const sent = await sendShipment(deps, record, source.actor);
        return {
          shipmentId: shipment.shipmentId,
          outcome: kind === 'correction' ? 'corrected' : kind === 'replace' ? 'replaced' : 'registered',
          vendorCode: plan.vendorCode,
          state: sent.state,
          purchaseOrderNumbers,
          problems: [],
        };
      } catch (error) {
        if (error instanceof ClaimRaceError) continue;
        throw error;
      }
    }
    throw new ShipmentContentionError(`The POs of shipment ${shipment.shipmentId} keep changing`);
  }

  /**
   * Claims the plan's quantities on every PO (conditional on the revisions the plan was made
   * from), then stores the shipment record. A claim that meets a moved-on record gives back what
   * this attempt claimed and raises ClaimRaceError: the caller plans again from fresh data.
   */
  async function claimAndStore(
    plan: ShipmentPlan,
    confirmation: ShipmentConfirmation,
    receivedAt: string,
    loaded: ReadonlyMap<string, LoadedPurchaseOrder | undefined>,
    existing: ShipmentRecord | undefined,
    kind: 'correction' | 'replace' | undefined,
    contentHash: string,
    source: ShipmentSource,
  ): Promise<ShipmentRecord> {
    const now = deps.clock.now();
    const asnDeadline = new Date(
      Date.parse(plan.shippedDate) + deps.settings.asnDeadlineMinutes * 60_000,
    ).toISOString();
    const claimed: FulfilmentRecord[] = [];
    for (const po of plan.purchaseOrders) {
      const entry = loaded.get(po.purchaseOrderNumber)!;
      const claim = {
        shipmentId: plan.shipmentId,
        state: 'queued' as const,
        shippedDate: plan.shippedDate,
        asnDeadline,
        lines: po.lines.map((l) => ({ itemSequenceNumber: l.itemSequenceNumber, amount: l.amount })),
      };
      let written: FulfilmentRecord;
      if (entry.fulfilment) {
        const next = withFulfilmentIndex(
          {
            ...withShipmentClaim(entry.fulfilment, claim),
            revision: entry.fulfilment.revision + 1,
            updatedAt: now.toISOString(),
          },
          deps.settings.reminders,
        );
        if ((await deps.fulfilments.update(next)) === 'conflict') {
          await release(claimed, plan.shipmentId);
          throw new ClaimRaceError(po.purchaseOrderNumber);
        }
        written = next;
      } else {
        const fresh = newFulfilment(deps, {
          order: entry.context.order,
          vendorCode: entry.context.vendorCode,
          accepted: entry.context.accepted ?? new Map(),
          acceptedFrom: entry.acceptedFrom,
          ...(entry.context.window ? { window: entry.context.window } : {}),
        });
        const next = withFulfilmentIndex(withShipmentClaim(fresh, claim), deps.settings.reminders);
        if ((await deps.fulfilments.create(next)) === 'exists') {
          await release(claimed, plan.shipmentId);
          throw new ClaimRaceError(po.purchaseOrderNumber);
        }
        written = next;
      }
      claimed.push(written);
    }

    const confirmationType = confirmation.shipmentConfirmationType;
    const base: ShipmentRecord = {
      vendorCode: plan.vendorCode,
      shipmentId: plan.shipmentId,
      state: 'queued',
      revision: 1,
      contentHash,
      confirmationType,
      source: source.name,
      receivedAt,
      shippedDate: plan.shippedDate,
      asnDeadline,
      purchaseOrders: plan.purchaseOrders,
      cartonCount: plan.cartons.length,
      palletCount: plan.pallets.length,
      confirmation,
      messageKey: confirmationKey(plan.vendorCode, plan.shipmentId),
      remindersSent: [],
      updatedAt: now.toISOString(),
    };
    let record: ShipmentRecord;
    if (!existing) {
      record = withAsnIndex(base, deps.settings.asnReminders);
      if ((await deps.shipments.create(record)) === 'exists') {
        // The same shipment registered concurrently: the caller meets it as seen before.
        throw new ClaimRaceError(plan.shipmentId);
      }
    } else {
      const revision = existing.revision + 1;
      record = withAsnIndex(
        {
          ...base,
          revision,
          messageKey: confirmationKey(plan.vendorCode, plan.shipmentId, { kind: kind!, revision }),
          // A resend keeps what was already announced about the missing ASN.
          remindersSent: existing.remindersSent,
        },
        deps.settings.asnReminders,
      );
      if ((await deps.shipments.update(record)) === 'conflict') throw new ClaimRaceError(plan.shipmentId);
    }
    await deps.audit.record({
      id: `shipment:${record.vendorCode}#${record.shipmentId}:r${record.revision}`,
      at: record.updatedAt,
      actor: source.actor,
      action:
        kind === 'correction'
          ? 'shipment.corrected'
          : kind === 'replace'
            ? 'shipment.replaced'
            : 'shipment.registered',
      entity: shipmentSubject(record),
      reason: `From ${source.name}: ${plan.rows} rows, ${plan.cartons.length} cartons, ${plan.pallets.length} pallets, ships ${plan.shippedDate}`,
      ...(existing ? { before: { state: existing.state, contentHash: existing.contentHash } } : {}),
      after: {
        state: record.state,
        contentHash,
        purchaseOrders: plan.purchaseOrders,
        asnDeadline,
        messageKey: record.messageKey,
      },
      module: 'shipments',
    });
    return record;
  }

  /**
   * Makes each PO's claim of a stored shipment say what the record says. Idempotent; repairs a
   * claim that a concurrent registration of the same shipment id overwrote before it lost the
   * race to store its record.
   */
  async function restoreClaims(record: ShipmentRecord): Promise<void> {
    for (const po of record.purchaseOrders) {
      const fulfilment = await deps.fulfilments.get(po.purchaseOrderNumber);
      if (!fulfilment) continue;
      const claim = {
        shipmentId: record.shipmentId,
        state: record.state,
        shippedDate: record.shippedDate,
        asnDeadline: record.asnDeadline,
        lines: po.lines.map((l) => ({ itemSequenceNumber: l.itemSequenceNumber, amount: l.amount })),
      };
      await updateFulfilment(deps, fulfilment, (f) => {
        const held = f.shipments.find((s) => s.shipmentId === record.shipmentId);
        return held && JSON.stringify(held) === JSON.stringify(claim)
          ? undefined
          : withShipmentClaim(f, claim);
      });
    }
  }

  /** Gives back the claims one attempt made (the shipment was not stored). */
  async function release(records: readonly FulfilmentRecord[], shipmentId: string): Promise<void> {
    for (const record of records) {
      const fresh = await deps.fulfilments.get(record.purchaseOrderNumber);
      if (!fresh) continue;
      await updateFulfilment(deps, fresh, (f) =>
        f.shipments.some((s) => s.shipmentId === shipmentId)
          ? { ...f, shipments: f.shipments.filter((s) => s.shipmentId !== shipmentId) }
          : undefined,
      );
    }
  }

  return async function registerShipments(
    shipments: readonly WarehouseShipment[],
    source: ShipmentSource,
  ): Promise<ShipmentRegistration[]> {
    const catalog = shipments.some((s) =>
      s.rows.some((r) => r.product.sku && !r.product.ean && !r.product.asin),
    )
      ? await deps.catalog?.index()
      : undefined;
    const results: ShipmentRegistration[] = [];
    // One at a time: shipments of one file often ship the same POs.
    for (const shipment of shipments) results.push(await registerOne(shipment, source, catalog));
    return results;
  };
}
