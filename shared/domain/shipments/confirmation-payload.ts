/**
 * The SubmitShipmentConfirmations payload (the ASN) built from a checked shipment plan: the
 * parties, the shipped items with their PO, lot, origin and expiry, the cartons with the items in
 * each, and the pallets with the cartons on them — the hierarchy Amazon scans at the dock.
 *
 * Deterministic: the output depends only on the input, in a fixed key order and the plan's order,
 * so the payload `simulate` records and the one `live` sends are byte-identical, and the same
 * shipment always makes the same bytes.
 */
import type { ShipmentPartyIdentification } from '#shared/sp-api/schemas/common.ts';
import {
  type ShipmentConfirmation,
  type SubmitShipmentConfirmationsRequest,
  shipmentConfirmationSchema,
  submitShipmentConfirmationsRequestSchema,
} from '#shared/sp-api/schemas/shipments.ts';
import { describeIssues } from '#shared/validation.ts';
import { formatInstant } from '../purchase-orders/deadlines.ts';
import { InvalidShipmentConfirmationError } from './errors.ts';
import type { PackedItem, PlannedItem, ShipmentPlan } from './shipment-rules.ts';

/** A configured ship-from party (acorn.config.json `parties.shipFrom`). */
export interface ShipFromParty {
  readonly partyId: string;
  readonly address?: {
    readonly name: string;
    readonly addressLine1: string;
    readonly addressLine2?: string;
    readonly city: string;
    readonly stateOrRegion?: string;
    readonly postalCode: string;
    readonly countryCode: string;
  };
}

/** What {@link buildShipmentConfirmation} needs besides the plan. */
export interface BuildConfirmationInput {
  readonly plan: ShipmentPlan;
  readonly shipFrom: ShipFromParty;
  /** When the shipment was registered: the confirmation date, fixed so a resend is the same bytes. */
  readonly confirmationDate: Date;
  /** `Replace` re-sends a corrected confirmation Amazon already has under the same identifier. */
  readonly confirmationType?: 'Original' | 'Replace';
}

type Issue = { path: string; message: string };

function fail(what: string, issues: Issue[]): never {
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new InvalidShipmentConfirmationError(`Cannot confirm ${what}: ${summary}`, issues);
}

const GRAMS_PER_KG = 1000;

/** Kilograms as decimal text to whole grams (no float arithmetic: weights add up exactly). */
function grams(kg: string): number {
  const [whole = '0', fraction = ''] = kg.split('.');
  return Number(whole) * GRAMS_PER_KG + Number(fraction.padEnd(3, '0').slice(0, 3));
}

function kilograms(g: number): string {
  const whole = Math.floor(g / GRAMS_PER_KG);
  const fraction = String(g % GRAMS_PER_KG)
    .padStart(3, '0')
    .replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}

/** The gross weight when every top-level container's weight is known (a pallet by itself or by its cartons). */
function grossWeight(plan: ShipmentPlan): string | undefined {
  let total = 0;
  for (const pallet of plan.pallets) {
    if (pallet.weightKg) {
      total += grams(pallet.weightKg);
      continue;
    }
    const cartons = plan.cartons.filter((c) => c.palletSscc === pallet.sscc);
    if (pallet.items.length > 0 || cartons.length === 0 || cartons.some((c) => !c.weightKg)) return undefined;
    for (const carton of cartons) total += grams(carton.weightKg!);
  }
  for (const carton of plan.cartons.filter((c) => !c.palletSscc)) {
    if (!carton.weightKg) return undefined;
    total += grams(carton.weightKg);
  }
  return total > 0 ? kilograms(total) : undefined;
}

function shipFromParty(party: ShipFromParty): ShipmentPartyIdentification {
  const a = party.address;
  return {
    partyId: party.partyId,
    ...(a
      ? {
          address: {
            name: a.name,
            addressLine1: a.addressLine1,
            ...(a.addressLine2 ? { addressLine2: a.addressLine2 } : {}),
            city: a.city,
            ...(a.stateOrRegion ? { stateOrRegion: a.stateOrRegion } : {}),
            postalCode: a.postalCode,
            countryCode: a.countryCode,
          },
        }
      : {}),
  };
}

function quantity(item: Pick<PlannedItem, 'unitOfMeasure' | 'unitSize'>, amount: number) {
  return { amount, unitOfMeasure: item.unitOfMeasure, unitSize: item.unitSize };
}

/**
 * The confirmation of one shipment. Throws InvalidShipmentConfirmationError, naming the part at
 * fault, for a plan that ships nothing, a container that references no planned item, or a
 * confirmation our schema of Amazon's model refuses.
 */
export function buildShipmentConfirmation(input: BuildConfirmationInput): ShipmentConfirmation {
  const { plan } = input;
  const what = `shipment ${plan.shipmentId}`;
  const issues: Issue[] = [];
  if (plan.items.length === 0) issues.push({ path: 'shippedItems', message: 'nothing ships' });
  if (input.shipFrom.partyId !== plan.shipFromPartyId) {
    issues.push({ path: 'shipFromParty', message: `the plan ships from ${plan.shipFromPartyId}` });
  }
  const byRef = new Map(plan.items.map((item) => [item.ref, item]));
  const packed = (items: readonly PackedItem[], path: string) =>
    items.map((p, i) => {
      const item = byRef.get(p.ref);
      if (!item) {
        issues.push({ path: `${path}[${i}]`, message: `no shipped item ${p.ref}` });
        return {
          itemReference: p.ref,
          shippedQuantity: { amount: p.amount, unitOfMeasure: 'Eaches' as const },
        };
      }
      return { itemReference: p.ref, shippedQuantity: quantity(item, p.amount) };
    });
  // Every unit of every item sits in exactly one container.
  const inContainers = new Map<string, number>();
  for (const p of [...plan.cartons.flatMap((c) => c.items), ...plan.pallets.flatMap((p) => p.items)]) {
    inContainers.set(p.ref, (inContainers.get(p.ref) ?? 0) + p.amount);
  }
  for (const item of plan.items) {
    if ((inContainers.get(item.ref) ?? 0) !== item.amount) {
      issues.push({
        path: `shippedItems[${item.ref}]`,
        message: `ships ${item.amount}, its containers hold ${inContainers.get(item.ref) ?? 0}`,
      });
    }
  }

  const weight = grossWeight(plan);
  const carrier = plan.carrier;
  const confirmation: ShipmentConfirmation = {
    shipmentIdentifier: plan.shipmentId,
    shipmentConfirmationType: input.confirmationType ?? 'Original',
    shipmentType: plan.shipmentType,
    shipmentStructure: plan.shipmentStructure,
    ...(carrier.scac || carrier.proNumber || carrier.billOfLading
      ? {
          transportationDetails: {
            ...(carrier.scac ? { carrierScac: carrier.scac } : {}),
            ...(carrier.proNumber ? { carrierShipmentReferenceNumber: carrier.proNumber } : {}),
            transportationMode: 'Road' as const,
            ...(carrier.billOfLading ? { billOfLadingNumber: carrier.billOfLading } : {}),
          },
        }
      : {}),
    shipmentConfirmationDate: formatInstant(input.confirmationDate),
    shippedDate: formatInstant(new Date(plan.shippedDate)),
    ...(plan.estimatedDeliveryDate
      ? { estimatedDeliveryDate: formatInstant(new Date(plan.estimatedDeliveryDate)) }
      : {}),
    sellingParty: { partyId: plan.vendorCode },
    shipFromParty: shipFromParty(input.shipFrom),
    shipToParty: { partyId: plan.shipToPartyId },
    shipmentMeasurements: {
      ...(weight ? { grossShipmentWeight: { unitOfMeasure: 'Kg' as const, value: weight } } : {}),
      ...(plan.cartons.length > 0 ? { cartonCount: plan.cartons.length } : {}),
      ...(plan.pallets.length > 0 ? { palletCount: plan.pallets.length } : {}),
    },
    shippedItems: plan.items.map((item) => ({
      itemSequenceNumber: item.ref,
      ...(item.amazonProductIdentifier ? { amazonProductIdentifier: item.amazonProductIdentifier } : {}),
      ...(item.vendorProductIdentifier ? { vendorProductIdentifier: item.vendorProductIdentifier } : {}),
      shippedQuantity: quantity(item, item.amount),
      itemDetails: {
        purchaseOrderNumber: item.purchaseOrderNumber,
        ...(item.lotNumber ? { lotNumber: item.lotNumber } : {}),
        ...(item.countryOfOrigin ? { countryOfOrigin: item.countryOfOrigin } : {}),
        ...(item.expiryDate || item.manufacturerDate
          ? {
              expiry: {
                ...(item.manufacturerDate
                  ? { manufacturerDate: formatInstant(new Date(item.manufacturerDate)) }
                  : {}),
                ...(item.expiryDate ? { expiryDate: formatInstant(new Date(item.expiryDate)) } : {}),
              },
            }
          : {}),
      },
    })),
    ...(plan.cartons.length > 0
      ? {
          cartons: plan.cartons.map((carton, c) => ({
            cartonIdentifiers: [
              { containerIdentificationType: 'SSCC' as const, containerIdentificationNumber: carton.sscc },
            ],
            cartonSequenceNumber: carton.sequence,
            ...(carton.weightKg ? { weight: { unitOfMeasure: 'Kg' as const, value: carton.weightKg } } : {}),
            ...(carton.trackingNumber ? { trackingNumber: carton.trackingNumber } : {}),
            items: packed(carton.items, `cartons[${c}].items`),
          })),
        }
      : {}),
    ...(plan.pallets.length > 0
      ? {
          pallets: plan.pallets.map((pallet, p) => ({
            palletIdentifiers: [
              { containerIdentificationType: 'SSCC' as const, containerIdentificationNumber: pallet.sscc },
            ],
            ...(pallet.weightKg ? { weight: { unitOfMeasure: 'Kg' as const, value: pallet.weightKg } } : {}),
            ...(pallet.cartonSequences.length > 0
              ? {
                  cartonReferenceDetails: {
                    cartonCount: pallet.cartonSequences.length,
                    cartonReferenceNumbers: [...pallet.cartonSequences],
                  },
                }
              : {}),
            ...(pallet.items.length > 0 ? { items: packed(pallet.items, `pallets[${p}].items`) } : {}),
          })),
        }
      : {}),
  };
  if (issues.length > 0) fail(what, issues);
  const parsed = shipmentConfirmationSchema.safeParse(confirmation);
  if (!parsed.success) fail(what, describeIssues(parsed.error));
  return confirmation;
}

/**
 * The SubmitShipmentConfirmations body for confirmations built by {@link buildShipmentConfirmation},
 * in the order given. Refuses an empty batch and the same shipment twice in one batch.
 */
export function buildShipmentConfirmationsRequest(
  confirmations: readonly ShipmentConfirmation[],
): SubmitShipmentConfirmationsRequest {
  const issues: Issue[] = [];
  if (confirmations.length === 0)
    issues.push({ path: 'shipmentConfirmations', message: 'nothing to submit' });
  const seen = new Map<string, number>();
  confirmations.forEach((c, i) => {
    const key = `${c.sellingParty.partyId}#${c.shipmentIdentifier}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      issues.push({
        path: `shipmentConfirmations[${i}]`,
        message: `shipment ${c.shipmentIdentifier} is already at [${earlier}]`,
      });
    } else seen.set(key, i);
  });
  if (issues.length > 0) fail('the batch', issues);
  const request: SubmitShipmentConfirmationsRequest = { shipmentConfirmations: [...confirmations] };
  const parsed = submitShipmentConfirmationsRequestSchema.safeParse(request);
  if (!parsed.success) fail('the batch', describeIssues(parsed.error));
  return request;
}
