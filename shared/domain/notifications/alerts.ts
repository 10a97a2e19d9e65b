import { createHash } from 'node:crypto';
import * as z from 'zod';
import {
  type AlertChannel,
  type AlertPerson,
  type AlertSeverity,
  type AlertsConfig,
  effectiveRules,
  OPERATIONS_DETAIL_TYPE,
  type QuietHours,
  severityRank,
} from './alert-config.ts';

/**
 * Alerts, pure: which channels a bus event goes to, when (quiet hours, digest windows), and what
 * it says. One alert per event and channel; its id is stable, so a redelivered event makes none twice.
 */

/** Where an alert stands. `queued` until due; `assigned` to one outbox message; then its outcome. */
export const ALERT_STATES = ['queued', 'assigned', 'delivered', 'simulated', 'failed'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** The bus event fields routing reads; anything else in `detail` is only displayed. */
export const busEventSchema = z.looseObject({
  id: z.string().min(1),
  source: z.string().min(1),
  'detail-type': z.string().min(1),
  time: z.string().optional(),
  resources: z.array(z.string()).optional(),
  detail: z.unknown(),
});
export type BusEvent = z.infer<typeof busEventSchema>;

/** One alert to one channel. */
export interface Alert {
  /** `<event id>.<channel>`: one alert per event and channel. */
  readonly id: string;
  readonly eventId: string;
  readonly source: string;
  readonly detailType: string;
  readonly channel: string;
  readonly severity: AlertSeverity;
  /** `people[].id` mentioned. */
  readonly people: readonly string[];
  readonly rules: readonly string[];
  readonly title: string;
  readonly lines: readonly string[];
  /** Console link of the alert. */
  readonly link: string;
  readonly createdAt: string;
  /** Not sent before this instant (quiet hours, digest window). */
  readonly dueAt: string;
  /** Why `dueAt` is later than `createdAt`, if it is. */
  readonly deferredFor?: 'quiet-hours' | 'digest';
  readonly state: AlertState;
  /** The outbox message that carries (or carried) it. */
  readonly deliveryKey?: string;
  readonly deliveredAt?: string;
  readonly error?: string;
  readonly updatedAt: string;
}

const MAX_LINES = 8;
const MAX_LINE = 240;
const ID_FIELDS = [
  'purchaseOrderNumber',
  'shipmentId',
  'invoiceNumber',
  'creditMemoId',
  'approvalId',
  'vendorCode',
  'key',
  'fileKey',
  // InboxFileRejectedRows names the inbox file it refused rows of.
  'file',
] as const;

function clip(text: string, max = MAX_LINE): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const items = value.map(scalar).filter((v): v is string => v !== undefined);
    return items.length === value.length ? items.join(', ') : `${value.length} items`;
  }
  return undefined;
}

const alarmDetailSchema = z.looseObject({
  alarmName: z.string(),
  state: z.looseObject({ value: z.string(), reason: z.string().optional() }),
  configuration: z.looseObject({ description: z.string().optional() }).optional(),
});

const executionDetailSchema = z.looseObject({
  executionArn: z.string(),
  stateMachineArn: z.string(),
  status: z.string(),
  error: z.string().nullish(),
  cause: z.string().nullish(),
});

/** What an event says, in a title and a few lines: the business ids first, then the other scalar fields. */
export function describeEvent(event: BusEvent): { title: string; lines: string[] } {
  const type = event['detail-type'];
  if (type === OPERATIONS_DETAIL_TYPE.alarm) {
    const alarm = alarmDetailSchema.safeParse(event.detail);
    if (alarm.success) {
      return {
        title: `Alarm ${alarm.data.alarmName} is ${alarm.data.state.value}`,
        lines: [
          ...(alarm.data.configuration?.description ? [clip(alarm.data.configuration.description)] : []),
          ...(alarm.data.state.reason ? [clip(alarm.data.state.reason)] : []),
        ],
      };
    }
  }
  if (type === OPERATIONS_DETAIL_TYPE.stateMachine) {
    const execution = executionDetailSchema.safeParse(event.detail);
    if (execution.success) {
      const machine = execution.data.stateMachineArn.split(':').pop() ?? execution.data.stateMachineArn;
      return {
        title: `State machine ${machine}: execution ${execution.data.status}`,
        lines: [
          `execution: ${execution.data.executionArn.split(':').pop() ?? ''}`,
          ...(execution.data.error ? [`error: ${clip(execution.data.error)}`] : []),
          ...(execution.data.cause ? [`cause: ${clip(execution.data.cause)}`] : []),
        ],
      };
    }
  }
  const detail =
    typeof event.detail === 'object' && event.detail !== null
      ? (event.detail as Record<string, unknown>)
      : {};
  const entries = Object.entries(detail)
    .map(([k, v]) => [k, scalar(v)] as const)
    .filter((e): e is readonly [string, string] => e[1] !== undefined && e[1] !== '');
  const ids = ID_FIELDS.map((f) => entries.find(([k]) => k === f)).filter(
    (e): e is readonly [string, string] => e !== undefined,
  );
  const rest = entries.filter(([k]) => !(ID_FIELDS as readonly string[]).includes(k));
  const subject = ids[0] ? ` — ${ids[0][1]}` : '';
  return {
    title: clip(`${type}${subject}`, 160),
    lines: [...ids, ...rest].slice(0, MAX_LINES).map(([k, v]) => clip(`${k}: ${v}`)),
  };
}

/** The local wall-clock minute of the day of `at` in `timeZone`. */
export function minuteOfDay(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return hour * 60 + minute;
}

function minutes(hhmm: string): number {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/**
 * When quiet hours that cover `at` end, or undefined outside them. Counted in the zone's wall
 * clock, so a shift of the zone's offset (summer time) moves the end with the local clock.
 */
export function quietHoursEnd(at: Date, quiet: QuietHours): Date | undefined {
  const now = minuteOfDay(at, quiet.timeZone);
  const start = minutes(quiet.start);
  const end = minutes(quiet.end);
  const inside = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return undefined;
  const startOfMinute = at.getTime() - (at.getTime() % 60_000);
  let candidate = new Date(startOfMinute + (((end - now + 1440) % 1440) * 60_000 || 1440 * 60_000));
  // An offset change inside the quiet period: move by the difference the local clock shows.
  const drift = ((minuteOfDay(candidate, quiet.timeZone) - end + 1440 + 720) % 1440) - 720;
  if (drift !== 0) candidate = new Date(candidate.getTime() - drift * 60_000);
  return candidate;
}

/** The end of the digest window of `minutesLong` minutes (aligned to the epoch) that holds `at`. */
export function digestWindowEnd(at: Date, minutesLong: number): Date {
  const size = minutesLong * 60_000;
  return new Date(Math.floor(at.getTime() / size) * size + size);
}

/** Link to the alert in the console. */
export function alertLink(consoleUrl: string, alertId: string): string {
  return `${consoleUrl.replace(/\/+$/, '')}/?alert=${encodeURIComponent(alertId)}`;
}

/**
 * The alerts an event makes under the rules: one per channel that a matching rule names, at the
 * highest severity and the shortest digest window among those rules, with every person they
 * mention. Quiet hours defer all but alerts of `unlessSeverity` or above to their end.
 */
export function routeEvent(config: AlertsConfig, event: BusEvent, now: Date): Alert[] {
  const matching = effectiveRules(config).filter((r) => r.detailTypes.includes(event['detail-type']));
  if (matching.length === 0) return [];
  const { title, lines } = describeEvent(event);
  const createdAt = now.toISOString();
  const byChannel = new Map<
    string,
    { severity: AlertSeverity; people: Set<string>; digest?: number; rules: string[] }
  >();
  for (const rule of matching) {
    for (const channel of rule.channels) {
      const entry = byChannel.get(channel) ?? { severity: rule.severity, people: new Set(), rules: [] };
      if (severityRank(rule.severity) > severityRank(entry.severity)) entry.severity = rule.severity;
      for (const person of rule.people) entry.people.add(person);
      if (rule.digestMinutes !== undefined)
        entry.digest = Math.min(entry.digest ?? Infinity, rule.digestMinutes);
      entry.rules.push(rule.name);
      byChannel.set(channel, entry);
    }
  }
  return [...byChannel.entries()].map(([channel, entry]) => {
    const id = `${event.id}.${channel}`;
    let dueAt = now;
    let deferredFor: Alert['deferredFor'];
    if (entry.digest !== undefined) {
      dueAt = digestWindowEnd(now, entry.digest);
      deferredFor = 'digest';
    }
    const quiet = config.quietHours;
    if (quiet && severityRank(entry.severity) < severityRank(quiet.unlessSeverity)) {
      const end = quietHoursEnd(now, quiet);
      if (end && end > dueAt) {
        dueAt = end;
        deferredFor = 'quiet-hours';
      }
    }
    return {
      id,
      eventId: event.id,
      source: event.source,
      detailType: event['detail-type'],
      channel,
      severity: entry.severity,
      people: [...entry.people].sort(),
      rules: entry.rules,
      title,
      lines,
      link: alertLink(config.consoleUrl, id),
      createdAt,
      dueAt: dueAt.toISOString(),
      ...(deferredFor ? { deferredFor } : {}),
      state: 'queued' as const,
      updatedAt: createdAt,
    };
  });
}

/** The outbox operation of each channel type (the sender is chosen by it). */
export const CHANNEL_OPERATION: Readonly<Record<AlertChannel['type'], string>> = {
  email: 'sendAlertEmail',
  slack: 'postSlackMessage',
  dingtalk: 'postDingTalkMessage',
  feishu: 'postFeishuMessage',
};

/**
 * The outbox key of the message carrying `alertIds` to `channel`: the same alerts always make the
 * same key, so a retried delivery never sends them in a second message.
 */
export function deliveryKey(channel: string, alertIds: readonly string[]): string {
  const digest = createHash('sha256')
    .update([...alertIds].sort().join('\n'))
    .digest('hex')
    .slice(0, 32);
  return `alert.${channel}.${digest}`;
}

const SEVERITY_MARK: Record<AlertSeverity, string> = {
  critical: 'CRITICAL',
  warning: 'WARNING',
  info: 'INFO',
};

/** What one message says: the alert itself, or a digest listing every alert id it carries. */
export function composeMessage(alerts: readonly Alert[]): { title: string; text: string } {
  const [first] = alerts;
  if (!first) throw new Error('composeMessage needs at least one alert');
  if (alerts.length === 1) {
    const title = `[${SEVERITY_MARK[first.severity]}] ${first.title}`;
    return {
      title,
      text: [title, ...first.lines, `Open: ${first.link}`, `Alert id: ${first.id}`].join('\n'),
    };
  }
  const counts = (['critical', 'warning', 'info'] as const)
    .map((s) => [s, alerts.filter((a) => a.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  const title = `Acorn digest: ${alerts.length} alerts (${counts})`;
  const sorted = [...alerts].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || a.createdAt.localeCompare(b.createdAt),
  );
  const items = sorted.map(
    (a) => `- [${SEVERITY_MARK[a.severity]}] ${clip(a.title, 160)} — alert id: ${a.id} — ${a.link}`,
  );
  return { title, text: [title, ...items].join('\n') };
}

/** The exact body each chat receives (signature fields are added at send time), without secrets. */
export function channelPayload(
  channel: AlertChannel,
  alerts: readonly Alert[],
  people: readonly AlertPerson[],
): unknown {
  const { title, text } = composeMessage(alerts);
  const mentioned = people.filter((p) => alerts.some((a) => a.people.includes(p.id)));
  switch (channel.type) {
    case 'slack': {
      const ids = mentioned.flatMap((p) => (p.slackUserId ? [`<@${p.slackUserId}>`] : []));
      return {
        ...(channel.channel ? { channel: channel.channel } : {}),
        text: ids.length > 0 ? `${text}\n${ids.join(' ')}` : text,
        // Chat unfurlers fetch links; an alert link is harmless, but nothing needs a preview.
        unfurl_links: false,
        unfurl_media: false,
      };
    }
    case 'dingtalk': {
      const ids = mentioned.flatMap((p) => (p.dingtalkUserId ? [p.dingtalkUserId] : []));
      return {
        msgtype: 'markdown',
        markdown: {
          title: clip(title, 100),
          text: `${text.split('\n').join('  \n')}${ids.length > 0 ? `  \n${ids.map((id) => `@${id}`).join(' ')}` : ''}`,
        },
        at: { atUserIds: ids, isAtAll: false },
      };
    }
    case 'feishu': {
      const ids = mentioned.flatMap((p) => (p.feishuOpenId ? [`<at user_id="${p.feishuOpenId}"></at>`] : []));
      return { msg_type: 'text', content: { text: ids.length > 0 ? `${text}\n${ids.join(' ')}` : text } };
    }
    case 'email':
      // The recipients come from the channel's configuration at send time: no mailbox in the archive.
      return { subject: clip(title, 200), text };
  }
}
