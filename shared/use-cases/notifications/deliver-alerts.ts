import type { Clock } from '../../clock.ts';
import type { AutomationMode, AutomationModule } from '../../config/runtime.ts';
import type { AlertChannel, AlertsConfig } from '../../domain/notifications/alert-config.ts';
import {
  type Alert,
  type AlertState,
  CHANNEL_OPERATION,
  channelPayload,
  deliveryKey,
} from '../../domain/notifications/alerts.ts';
import { AppError } from '../../errors.ts';
import type { DispatchOutcome, Outbox } from '../outbox/outbox.ts';
import type { AuditTrail } from '../outbox/ports.ts';
import type { AlertStore, ChannelPacer } from './ports.ts';
import { ALERTS_ACTOR, alertAuditEvent } from './route-alert.ts';

/** The channel did not take the message now (rate-limited, an error, another worker sending): try later. */
export class AlertDeliveryDeferredError extends AppError {
  readonly retryable = true;
  constructor(
    readonly channel: string,
    reason: string,
  ) {
    super(`Alerts to ${channel} deferred: ${reason}`);
  }
}

/** What one delivery run did for a channel. */
export interface DeliverySummary {
  readonly channel: string;
  /** Messages that reached an end (sent, simulated or failed). */
  readonly messages: number;
  readonly alerts: number;
  /** True when the run stopped with alerts still due (time budget): nudge again. */
  readonly more: boolean;
  /** Mode `off`: messages wait, held. */
  readonly held: boolean;
}

const STATE_OF: Partial<Record<DispatchOutcome['message']['state'], AlertState>> = {
  sent: 'delivered',
  simulated: 'simulated',
  failed: 'failed',
};

/**
 * Sends a channel's due alerts: one message at a time, each paced on the channel's shared rate
 * limit and sent through the outbox (module `notifications`: idempotency, mode, audit, archive).
 * Alerts already assigned to a message (a retry, a crash) go first, in the same message; then up
 * to `digestMaxAlerts` queued alerts become the next message — one alert alone, or a digest
 * listing every alert id it carries, which is how a burst stays inside a channel's limit.
 * A message the channel refuses for now (429, DingTalk 130101, Feishu 11232) throws
 * AlertDeliveryDeferredError: the queue retries and the alerts stay assigned, never lost.
 */
export function makeDeliverAlerts(deps: {
  config: AlertsConfig;
  clock: Clock;
  alerts: AlertStore;
  outbox: Outbox;
  pacer: ChannelPacer;
  audit: AuditTrail;
  modeOf: (module: AutomationModule) => AutomationMode | Promise<AutomationMode>;
  /** Stop starting new messages after this many ms of real time (the function's timeout minus a margin). */
  budgetMs: number;
  /** Real time, for the budget. @default Date.now */
  realNow?: () => number;
}) {
  const realNow = deps.realNow ?? Date.now;

  async function settle(alerts: readonly Alert[], outcome: DispatchOutcome): Promise<number> {
    const state = STATE_OF[outcome.message.state];
    if (!state) return 0;
    const at = deps.clock.now().toISOString();
    const error = outcome.message.lastError
      ? `${outcome.message.lastError.name}: ${outcome.message.lastError.message}`.slice(0, 500)
      : undefined;
    let settled = 0;
    for (const alert of alerts) {
      const next: Alert = {
        ...alert,
        state,
        updatedAt: at,
        ...(state === 'failed' ? (error ? { error } : {}) : { deliveredAt: at }),
      };
      if ((await deps.alerts.update(next, 'assigned')) === 'updated') {
        settled++;
        await deps.audit.record(
          alertAuditEvent(
            next,
            state,
            state === 'failed'
              ? `Message ${outcome.message.key} refused by ${alert.channel}: ${error ?? 'no reason given'}`
              : `${state === 'simulated' ? 'Recorded (simulate) in' : 'Delivered in'} message ${outcome.message.key}`,
            alert,
          ),
        );
      }
    }
    return settled;
  }

  /** Queued due alerts → one new message, its alerts assigned to it. */
  async function assignNext(channel: AlertChannel): Promise<Alert[]> {
    const queued = await deps.alerts.queuedDue(channel.name, deps.clock.now(), deps.config.digestMaxAlerts);
    if (queued.length === 0) return [];
    const key = deliveryKey(
      channel.name,
      queued.map((a) => a.id),
    );
    await deps.outbox.enqueue({
      key,
      module: 'notifications',
      operation: CHANNEL_OPERATION[channel.type],
      target: channel.name,
      subject: { type: 'AlertMessage', id: key },
      payload: channelPayload(channel, queued, deps.config.people),
      actor: ALERTS_ACTOR,
    });
    const at = deps.clock.now().toISOString();
    const assigned: Alert[] = [];
    for (const alert of queued) {
      const next: Alert = { ...alert, state: 'assigned', deliveryKey: key, updatedAt: at };
      // Lost to a concurrent deliverer: it carries the alert in its own message, so this one may repeat it.
      if ((await deps.alerts.update(next, 'queued')) === 'updated') {
        await deps.audit.record(alertAuditEvent(next, 'assigned', `Carried by message ${key}`, alert));
      }
      assigned.push(next);
    }
    return assigned;
  }

  return async (channelName: string): Promise<DeliverySummary> => {
    const started = realNow();
    const channel = deps.config.channels.find((c) => c.name === channelName);
    let messages = 0;
    let delivered = 0;
    if (!channel) {
      // A channel removed from the configuration: its alerts are failed with the reason, not dropped silently.
      const stale = [
        ...(await deps.alerts.queuedDue(channelName, deps.clock.now(), 100)),
        ...(await deps.alerts.assigned(channelName, 100)),
      ];
      for (const alert of stale) {
        const next: Alert = {
          ...alert,
          state: 'failed',
          error: `Channel ${channelName} is no longer configured`,
          updatedAt: deps.clock.now().toISOString(),
        };
        if ((await deps.alerts.update(next, alert.state)) === 'updated') {
          await deps.audit.record(alertAuditEvent(next, 'failed', next.error ?? '', alert));
        }
      }
      return { channel: channelName, messages: 0, alerts: 0, more: false, held: false };
    }
    for (;;) {
      if (realNow() - started > deps.budgetMs) {
        return { channel: channelName, messages, alerts: delivered, more: true, held: false };
      }
      const [pending] = await deps.alerts.assigned(channel.name, 1);
      const members = pending?.deliveryKey
        ? await deps.alerts.assigned(channel.name, 100, pending.deliveryKey)
        : await assignNext(channel);
      const key = pending?.deliveryKey ?? members[0]?.deliveryKey;
      if (!key || members.length === 0) {
        return { channel: channelName, messages, alerts: delivered, more: false, held: false };
      }
      if ((await deps.modeOf('notifications')) === 'live')
        await deps.pacer.acquire(channel.name, channel.type);
      const outcome = await deps.outbox.dispatch(key, { actor: ALERTS_ACTOR });
      if (outcome.kind === 'held') {
        return { channel: channelName, messages, alerts: delivered, more: false, held: true };
      }
      if (outcome.kind === 'retry' || outcome.kind === 'unknown' || outcome.kind === 'in-flight') {
        const why = outcome.message.lastError?.message ?? outcome.kind;
        throw new AlertDeliveryDeferredError(channel.name, `message ${key}: ${why}`);
      }
      messages++;
      delivered += await settle(members, outcome);
    }
  };
}

/**
 * The sweep: every channel with alerts due (deferred ones whose quiet hours or digest window
 * ended, or assigned ones waiting for a retry) is nudged, so no alert depends on one queue message.
 */
export function makeSweepAlerts(deps: {
  config: AlertsConfig;
  clock: Clock;
  alerts: AlertStore;
  queue: { nudge(channel: string): Promise<void> };
}) {
  return async (): Promise<{ nudged: string[] }> => {
    const nudged: string[] = [];
    for (const channel of deps.config.channels) {
      const due =
        (await deps.alerts.assigned(channel.name, 1)).length > 0 ||
        (await deps.alerts.queuedDue(channel.name, deps.clock.now(), 1)).length > 0;
      if (due) {
        await deps.queue.nudge(channel.name);
        nudged.push(channel.name);
      }
    }
    return { nudged };
  };
}
