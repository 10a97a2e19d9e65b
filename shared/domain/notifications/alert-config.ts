import * as z from 'zod';

/**
 * The alert routing configuration (`alerts` in acorn.config.json), pure. The same schema is read at
 * synth time and, as `ACORN_ALERTS_CONFIG`, by the notification functions. It names channels and
 * people and says which bus events go where; it never holds a secret: each chat channel refers to
 * its entry in the `NotificationChannels` secret (webhook URL, signing secret, bot token).
 */

export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export const alertSeveritySchema = z.enum(ALERT_SEVERITIES);
export type AlertSeverity = z.infer<typeof alertSeveritySchema>;

/** Ordering of severities: `critical` beats `warning` beats `info`. */
export function severityRank(severity: AlertSeverity): number {
  return ALERT_SEVERITIES.indexOf(severity);
}

const channelName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and dashes (at most 40)');

/** The key of the channel's entry in the NotificationChannels secret; defaults to the channel's name. */
const secretReference = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'the key of an entry in the NotificationChannels secret')
  .optional();

export const alertChannelSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('email'),
    name: channelName,
    /** Mailboxes of the team (SES v2); kept out of the archived payloads. */
    to: z.array(z.email()).min(1).max(50),
  }),
  z.strictObject({
    type: z.literal('slack'),
    name: channelName,
    /** For chat.postMessage (secret `{ "botToken" }`): the channel id. Absent for an incoming webhook (`{ "webhookUrl" }`). */
    channel: z.string().min(1).optional(),
    secret: secretReference,
  }),
  z.strictObject({ type: z.literal('dingtalk'), name: channelName, secret: secretReference }),
  z.strictObject({ type: z.literal('feishu'), name: channelName, secret: secretReference }),
]);
export type AlertChannel = z.infer<typeof alertChannelSchema>;
export type AlertChannelType = AlertChannel['type'];

/** Someone an alert mentions, by the pseudonymous id each chat knows them by. */
export const alertPersonSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and dashes'),
  slackUserId: z.string().min(1).optional(),
  dingtalkUserId: z.string().min(1).optional(),
  feishuOpenId: z.string().min(1).optional(),
});
export type AlertPerson = z.infer<typeof alertPersonSchema>;

const detailType = z.string().regex(/^[A-Za-z][A-Za-z0-9 *-]{0,99}$/, 'an EventBridge detail-type');

export const alertRuleSchema = z.strictObject({
  name: z.string().min(1).max(60),
  /** Bus events by detail-type (any source), e.g. `AcknowledgementFailed`: future events need no code. */
  detailTypes: z.array(detailType).min(1),
  channels: z.array(channelName).min(1),
  severity: alertSeveritySchema.default('warning'),
  /** People mentioned in the message (`people[].id`). */
  people: z.array(z.string()).default([]),
  /**
   * Collect the rule's alerts and send them together at the end of windows of this many minutes.
   * @default - sent at once (still merged into a digest when a channel's rate limit is reached)
   */
  digestMinutes: z.number().int().min(1).max(1440).optional(),
});
export type AlertRule = z.infer<typeof alertRuleSchema>;

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day HH:MM');

export const quietHoursSchema = z
  .strictObject({
    /** Start of the quiet period in `timeZone` (may be after `end`: 22:00 → 07:00). */
    start: clockTime,
    end: clockTime,
    /** IANA time zone, e.g. `Europe/Berlin`, `Asia/Shanghai`. */
    timeZone: z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Berlin'),
    /** Alerts of this severity or above are sent anyway. */
    unlessSeverity: alertSeveritySchema.default('critical'),
  })
  .refine((q) => q.start !== q.end, { message: 'start and end must differ', path: ['end'] });
export type QuietHours = z.infer<typeof quietHoursSchema>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Where alert links point when the configuration names no console (the local console). */
export const LOCAL_CONSOLE_URL = 'http://127.0.0.1:4280';

/** Detail types of the operations events EventBridge emits itself. */
export const OPERATIONS_DETAIL_TYPE = {
  alarm: 'CloudWatch Alarm State Change',
  stateMachine: 'Step Functions Execution Status Change',
} as const;

/**
 * What an operator wants to hear about when the configuration lists channels but no rules: every
 * failure, deadline and rejection the capabilities raise today or announce, and the operations
 * alarms. Detail types nobody emits yet simply never match.
 */
export const DEFAULT_ALERT_DETAIL_TYPES: Readonly<Record<AlertSeverity, readonly string[]>> = {
  critical: [
    'AcknowledgementFailed',
    'AcknowledgementDeadlineEscalation',
    'ShipmentConfirmationFailed',
    'ShipWindowEscalation',
    'AsnDeadlineEscalation',
    'InvoiceFailed',
    'CreditMemoFailed',
    OPERATIONS_DETAIL_TYPE.alarm,
    OPERATIONS_DETAIL_TYPE.stateMachine,
  ],
  warning: [
    'AcknowledgementDeadlineReminder',
    'PurchaseOrderNeedsReview',
    'ShipWindowReminder',
    'AsnDeadlineReminder',
    'InboxFileRejectedRows',
    'ApprovalWaiting',
    'ReconciliationDiscrepancy',
    'InventoryDrift',
  ],
  info: [],
};

export const alertsConfigSchema = z
  .strictObject({
    /** Base URL of the console the messages link to. */
    consoleUrl: z.url().default(LOCAL_CONSOLE_URL),
    /** Sender address of alert emails (an SES-verified identity). */
    emailFrom: z.email().optional(),
    channels: z.array(alertChannelSchema).default([]),
    people: z.array(alertPersonSchema).default([]),
    /** @default - every default alert type to every channel ({@link DEFAULT_ALERT_DETAIL_TYPES}) */
    rules: z.array(alertRuleSchema).optional(),
    quietHours: quietHoursSchema.optional(),
    /** Most alerts one digest message lists; more wait for the next message. */
    digestMaxAlerts: z.number().int().min(2).max(100).default(25),
  })
  .superRefine((cfg, ctx) => {
    const names = new Set<string>();
    cfg.channels.forEach((c, i) => {
      if (names.has(c.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['channels', i, 'name'],
          message: `duplicate channel ${c.name}`,
        });
      }
      names.add(c.name);
    });
    if (cfg.channels.some((c) => c.type === 'email') && !cfg.emailFrom) {
      ctx.addIssue({
        code: 'custom',
        path: ['emailFrom'],
        message: 'required when a channel is of type email',
      });
    }
    const people = new Set(cfg.people.map((p) => p.id));
    cfg.rules?.forEach((rule, i) => {
      rule.channels.forEach((name, j) => {
        if (!names.has(name)) {
          ctx.addIssue({
            code: 'custom',
            path: ['rules', i, 'channels', j],
            message: `expected one of the channels (${[...names].join(', ') || 'none configured'}), got "${name}"`,
          });
        }
      });
      rule.people.forEach((id, j) => {
        if (!people.has(id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['rules', i, 'people', j],
            message: `expected one of people[].id, got "${id}"`,
          });
        }
      });
    });
  });
export type AlertsConfig = z.output<typeof alertsConfigSchema>;
export type AlertsConfigInput = z.input<typeof alertsConfigSchema>;

/** The rules in force: the configured ones, or the defaults to every channel. */
export function effectiveRules(config: AlertsConfig): AlertRule[] {
  if (config.rules) return config.rules;
  if (config.channels.length === 0) return [];
  const channels = config.channels.map((c) => c.name);
  return (['critical', 'warning', 'info'] as const)
    .filter((severity) => DEFAULT_ALERT_DETAIL_TYPES[severity].length > 0)
    .map((severity) => ({
      name: `default-${severity}`,
      detailTypes: [...DEFAULT_ALERT_DETAIL_TYPES[severity]],
      channels,
      severity,
      people: [],
    }));
}

/** Every detail type some rule routes: the notification function's event pattern. */
export function routedDetailTypes(config: AlertsConfig): string[] {
  return [...new Set(effectiveRules(config).flatMap((r) => r.detailTypes))].sort();
}
