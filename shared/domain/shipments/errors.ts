/** Errors of the shipments domain (warehouse files, shipment confirmations). */
import { ValidationError } from '#shared/errors.ts';

/**
 * A shipment confirmation Amazon would refuse, or one that would contradict the warehouse's data:
 * built from a plan that names no item, a carton without items, an unknown item reference.
 * `issues` names each part at fault.
 */
export class InvalidShipmentConfirmationError extends ValidationError {}
