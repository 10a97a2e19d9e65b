import type { AlertChannelType } from '../../domain/notifications/alert-config.ts';
import type { Alert, AlertState } from '../../domain/notifications/alerts.ts';

/** Alerts, one item each; every write is one conditional write (rule 9). Adapter: shared/aws/dynamodb-alerts.ts. */
export interface AlertStore {
  /** Stores a new alert unless its id exists. */
  create(alert: Alert): Promise<'created' | 'exists'>;
  get(id: string): Promise<Alert | undefined>;
  /** A channel's queued alerts due at `now`, oldest due first. Query only. */
  queuedDue(channel: string, now: Date, limit: number): Promise<Alert[]>;
  /** A channel's alerts assigned to a message, grouped by message (`deliveryKey`). Query only. */
  assigned(channel: string, limit: number, deliveryKey?: string): Promise<Alert[]>;
  /** Replaces the alert if it is still in `expectedState`. */
  update(next: Alert, expectedState: AlertState): Promise<'updated' | 'conflict'>;
  /** Alerts created on one UTC day, newest first. Query only. */
  createdOn(day: string, limit: number): Promise<Alert[]>;
}

/** The delivery queue: a nudge tells a deliverer that a channel has alerts to send. */
export interface AlertQueue {
  nudge(channel: string): Promise<void>;
}

/** Waits for the channel's next send slot, shared by every deliverer; throws RateLimitBacklogError when too far. */
export interface ChannelPacer {
  acquire(channel: string, type: AlertChannelType): Promise<void>;
}
