/** What the routes share: the clock, the state, the PO book, LWA and the timing knobs. */
import type { Clock } from '#shared/clock.ts';
import type { CredentialRotationNotification } from '#shared/sp-api/schemas/lwa.ts';
import type { LwaAuthority } from './lwa.ts';
import { Rng } from './prng.ts';
import type { PurchaseOrderBook } from './purchase-orders.ts';
import type { SandboxState } from './state.ts';

/** How long Amazon "processes" each kind of submission, in clock milliseconds. */
export interface SandboxTimings {
  /** Until an acknowledgement's Failure shows, or it takes effect on the PO. @default 120_000 (2 min) */
  readonly acknowledgementProcessingMs: number;
  /** Until an invoice's Failure shows. @default 300_000 (5 min) */
  readonly invoiceProcessingMs: number;
  /** Until a shipment confirmation reports Success or Failure. @default 300_000 (5 min) */
  readonly shipmentProcessingMs: number;
}

/** Defaults of SandboxTimings. */
export const DEFAULT_TIMINGS: SandboxTimings = {
  acknowledgementProcessingMs: 2 * 60_000,
  invoiceProcessingMs: 5 * 60_000,
  shipmentProcessingMs: 5 * 60_000,
};

/** A structured log line; the sandbox never writes to the console itself. */
export interface SandboxLogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly context?: Readonly<Record<string, unknown>>;
}

/** Shared dependencies of the routes. */
export interface SandboxServices {
  readonly clock: Clock;
  readonly seed: number;
  readonly state: SandboxState;
  readonly book: PurchaseOrderBook;
  readonly lwa: LwaAuthority;
  readonly timings: SandboxTimings;
  /** Key that signs pagination tokens. */
  readonly tokenKey: string;
  /** Delivers a notification to whoever registered (the local runtime's SQS queue). */
  notify(notification: CredentialRotationNotification): Promise<void>;
  log(entry: SandboxLogEntry): void;
}

/** A transaction id shaped like Amazon's: `20190904190535-eef8cad8-418e-4ed3-ac72-789e2ee6214a`. */
export function newTransactionId(services: Pick<SandboxServices, 'state' | 'seed'>, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${stamp}-${new Rng(services.seed, 'transaction', services.state.nextSequence()).uuid()}`;
}
