import { describe, expect, it } from 'vitest';
import { ManualClock } from '#shared/clock.ts';
import type { AuditEvent } from '#shared/domain/audit.ts';
import { alertsConfigSchema } from '#shared/domain/notifications/alert-config.ts';
import {
  type Alert,
  type AlertState,
  type BusEvent,
  composeMessage,
  describeEvent,
  quietHoursEnd,
  routeEvent,
} from '#shared/domain/notifications/alerts.ts';
import { makeDeliverAlerts, makeSweepAlerts } from '#shared/use-cases/notifications/deliver-alerts.ts';
import type { AlertStore } from '#shared/use-cases/notifications/ports.ts';
import { makeRouteAlert } from '#shared/use-cases/notifications/route-alert.ts';
import { makeOutbox } from '#shared/use-cases/outbox/outbox.ts';
import type { Sender } from '#shared/use-cases/outbox/ports.ts';
import { InMemoryOutboxStore } from '../support/outbox-fakes.ts';

const config = alertsConfigSchema.parse({
  consoleUrl: 'https://console.example.com',
  channels: [
    { type: 'slack', name: 'ops-slack' },
    { type: 'dingtalk', name: 'wh-dingtalk' },
  ],
  people: [{ id: 'dana', slackUserId: 'U0DANA', dingtalkUserId: 'dana.li' }],
  rules: [
    {
      name: 'failures',
      detailTypes: ['AcknowledgementFailed'],
      channels: ['ops-slack', 'wh-dingtalk'],
      severity: 'critical',
      people: ['dana'],
    },
    {
      name: 'reminders',
      detailTypes: ['ShipWindowReminder'],
      channels: ['wh-dingtalk'],
      severity: 'warning',
      digestMinutes: 30,
    },
    { name: 'future', detailTypes: ['InvoiceFailed'], channels: ['ops-slack'], severity: 'warning' },
  ],
  quietHours: { start: '22:00', end: '07:00', timeZone: 'Asia/Shanghai' },
});

function event(id: string, detailType: string, detail: Record<string, unknown> = {}): BusEvent {
  return { id, source: 'acorn.test', 'detail-type': detailType, detail };
}

class InMemoryAlertStore implements AlertStore {
  readonly items = new Map<string, Alert>();
  async create(alert: Alert) {
    if (this.items.has(alert.id)) return 'exists' as const;
    this.items.set(alert.id, alert);
    return 'created' as const;
  }
  async get(id: string) {
    return this.items.get(id);
  }
  async queuedDue(channel: string, now: Date, limit: number) {
    return [...this.items.values()]
      .filter((a) => a.channel === channel && a.state === 'queued' && Date.parse(a.dueAt) <= now.getTime())
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
      .slice(0, limit);
  }
  async assigned(channel: string, limit: number, key?: string) {
    return [...this.items.values()]
      .filter((a) => a.channel === channel && a.state === 'assigned' && (!key || a.deliveryKey === key))
      .slice(0, limit);
  }
  async update(next: Alert, expected: AlertState) {
    if (this.items.get(next.id)?.state !== expected) return 'conflict' as const;
    this.items.set(next.id, next);
    return 'updated' as const;
  }
  async createdOn(day: string, limit: number) {
    return [...this.items.values()].filter((a) => a.createdAt.startsWith(day)).slice(0, limit);
  }
}

describe('alert routing', () => {
  it('makes one alert per channel a matching rule names, by detail type, with people and a console link', () => {
    const alerts = routeEvent(
      config,
      event('e1', 'AcknowledgementFailed', { purchaseOrderNumber: '4Z32PABC', reason: 'InvalidInput' }),
      new Date('2026-03-02T03:00:00Z'),
    );
    expect(alerts.map((a) => [a.id, a.channel, a.severity, a.dueAt])).toEqual([
      ['e1.ops-slack', 'ops-slack', 'critical', '2026-03-02T03:00:00.000Z'],
      ['e1.wh-dingtalk', 'wh-dingtalk', 'critical', '2026-03-02T03:00:00.000Z'],
    ]);
    expect(alerts[0]?.title).toBe('AcknowledgementFailed — 4Z32PABC');
    expect(alerts[0]?.link).toBe('https://console.example.com/?alert=e1.ops-slack');
    expect(alerts[0]?.people).toEqual(['dana']);
  });

  it('routes a detail type no code knows, and nothing the rules leave out', () => {
    expect(routeEvent(config, event('e2', 'InvoiceFailed'), new Date('2026-03-02T03:00:00Z'))).toHaveLength(
      1,
    );
    expect(
      routeEvent(config, event('e3', 'PurchaseOrderReceived'), new Date('2026-03-02T03:00:00Z')),
    ).toEqual([]);
  });

  it('holds a warning inside quiet hours (in the configured time zone) until they end, but not a critical one', () => {
    // 23:30 in Shanghai (UTC+8) is 15:30 UTC; quiet until 07:00 local = 23:00 UTC.
    const at = new Date('2026-03-02T15:30:00Z');
    const [warning] = routeEvent(config, event('e4', 'InvoiceFailed'), at);
    expect(warning?.dueAt).toBe('2026-03-02T23:00:00.000Z');
    expect(warning?.deferredFor).toBe('quiet-hours');
    const critical = routeEvent(config, event('e5', 'AcknowledgementFailed'), at);
    expect(critical.every((a) => a.dueAt === at.toISOString())).toBe(true);
  });

  it('counts quiet hours across a summer-time change in the local wall clock', () => {
    const quiet = {
      start: '22:00',
      end: '07:00',
      timeZone: 'Europe/Berlin',
      unlessSeverity: 'critical' as const,
    };
    // Night of 28→29 March 2026: Berlin moves from UTC+1 to UTC+2; 07:00 local is 05:00 UTC.
    expect(quietHoursEnd(new Date('2026-03-28T22:00:00Z'), quiet)?.toISOString()).toBe(
      '2026-03-29T05:00:00.000Z',
    );
    expect(quietHoursEnd(new Date('2026-03-28T12:00:00Z'), quiet)).toBeUndefined();
  });

  it('defers a digest rule’s alerts to the end of its window', () => {
    const [alert] = routeEvent(config, event('e6', 'ShipWindowReminder'), new Date('2026-03-02T03:10:00Z'));
    expect(alert?.dueAt).toBe('2026-03-02T03:30:00.000Z');
    expect(alert?.deferredFor).toBe('digest');
  });

  it('refuses rules naming unknown channels or people, and email channels without a sender', () => {
    const bad = alertsConfigSchema.safeParse({
      channels: [{ type: 'email', name: 'ops', to: ['ops@example.com'] }],
      rules: [{ name: 'x', detailTypes: ['A'], channels: ['nope'], people: ['ghost'] }],
    });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['emailFrom', 'rules.0.channels.0', 'rules.0.people.0']));
  });

  it('lists every alert id in a digest', () => {
    const alerts = routeEvent(config, event('e7', 'InvoiceFailed'), new Date('2026-03-02T03:00:00Z')).concat(
      routeEvent(config, event('e8', 'AcknowledgementFailed'), new Date('2026-03-02T03:00:00Z')),
    );
    const { title, text } = composeMessage(alerts);
    expect(title).toBe('Acorn digest: 3 alerts (2 critical, 1 warning)');
    for (const a of alerts) expect(text).toContain(a.id);
  });
});

describe('alert delivery', () => {
  function system(sender: Sender, mode: 'live' | 'simulate' = 'live') {
    const clock = new ManualClock('2026-03-02T03:00:00Z');
    const alerts = new InMemoryAlertStore();
    const audit: AuditEvent[] = [];
    const nudges: string[] = [];
    const sent: string[] = [];
    const outbox = makeOutbox({
      store: new InMemoryOutboxStore(),
      archive: { putDocument: async () => {} },
      audit: { record: async (e) => void audit.push(e) },
      clock,
      modeOf: () => mode,
      senders: {
        postSlackMessage: sender,
        postDingTalkMessage: {
          send: async (r) => {
            sent.push(r.payload);
            return { errcode: 0 };
          },
        },
      },
      resolvers: {},
      leaseMs: 60_000,
    });
    const paced: string[] = [];
    const route = makeRouteAlert({
      config,
      clock,
      alerts,
      queue: { nudge: async (c) => void nudges.push(c) },
      audit: { record: async (e) => void audit.push(e) },
    });
    const deliver = makeDeliverAlerts({
      config,
      clock,
      alerts,
      outbox,
      pacer: { acquire: async (c) => void paced.push(c) },
      audit: { record: async (e) => void audit.push(e) },
      modeOf: () => mode,
      budgetMs: 60_000,
    });
    const sweep = makeSweepAlerts({
      config,
      clock,
      alerts,
      queue: { nudge: async (c) => void nudges.push(c) },
    });
    return { clock, alerts, audit, nudges, sent, route, deliver, sweep, paced };
  }

  it('merges a burst into digests that list every alert id, each message paced on the channel', async () => {
    const slack: string[] = [];
    const s = system({
      send: async (r) => {
        slack.push(r.payload);
        return { ok: true };
      },
    });
    for (let i = 0; i < 60; i++) await s.route(event(`burst-${i}`, 'InvoiceFailed'));
    const summary = await s.deliver('ops-slack');
    expect(summary).toMatchObject({ messages: 3, alerts: 60, more: false });
    expect(s.paced).toEqual(['ops-slack', 'ops-slack', 'ops-slack']);
    const text = slack.map((p) => JSON.parse(p).text as string).join('\n');
    for (let i = 0; i < 60; i++) expect(text).toContain(`burst-${i}.ops-slack`);
    expect([...s.alerts.items.values()].every((a) => a.state === 'delivered')).toBe(true);
    expect(s.audit.filter((e) => e.action === 'alert.delivered')).toHaveLength(60);
  });

  it('keeps alerts assigned when the channel rate-limits, and sends the same message on the retry', async () => {
    let calls = 0;
    const slack: string[] = [];
    const s = system({
      async send(r) {
        calls++;
        if (calls === 1)
          throw Object.assign(new Error('Slack answered HTTP 429 (Retry-After 1s)'), {
            retryable: true,
            status: 429,
          });
        slack.push(r.payload);
        return { ok: true };
      },
    });
    await s.route(event('r1', 'InvoiceFailed'));
    await expect(s.deliver('ops-slack')).rejects.toThrow(/deferred.*429/);
    expect(s.alerts.items.get('r1.ops-slack')?.state).toBe('assigned');
    expect((await s.sweep()).nudged).toEqual(['ops-slack']);
    await s.deliver('ops-slack');
    expect(s.alerts.items.get('r1.ops-slack')?.state).toBe('delivered');
    expect(slack).toHaveLength(1);
  });

  it('records in simulate and sends nothing', async () => {
    const slack: string[] = [];
    const s = system(
      {
        send: async (r) => {
          slack.push(r.payload);
          return { ok: true };
        },
      },
      'simulate',
    );
    await s.route(event('s1', 'InvoiceFailed'));
    await s.deliver('ops-slack');
    expect(slack).toEqual([]);
    expect(s.alerts.items.get('s1.ops-slack')?.state).toBe('simulated');
  });

  it('sends a deferred digest only once its window has ended, found by the sweep', async () => {
    const s = system({ send: async () => ({ ok: true }) });
    await s.route(event('d1', 'ShipWindowReminder'));
    await s.route(event('d2', 'ShipWindowReminder'));
    expect(s.nudges).toEqual([]);
    await s.deliver('wh-dingtalk');
    expect(s.sent).toEqual([]);
    s.clock.advance(30 * 60_000);
    expect((await s.sweep()).nudged).toEqual(['wh-dingtalk']);
    await s.deliver('wh-dingtalk');
    expect(s.sent).toHaveLength(1);
    expect(s.sent[0]).toContain('d1.wh-dingtalk');
    expect(s.sent[0]).toContain('d2.wh-dingtalk');
  });

  it('stores a redelivered event’s alerts once', async () => {
    const s = system({ send: async () => ({ ok: true }) });
    expect((await s.route(event('x1', 'AcknowledgementFailed'))).created).toBe(2);
    expect((await s.route(event('x1', 'AcknowledgementFailed'))).created).toBe(0);
    expect(s.alerts.items.size).toBe(2);
  });
});

describe('describeEvent', () => {
  it('names a rejected inbox file in the title, so a digest line says which file', () => {
    const described = describeEvent({
      version: '0',
      id: 'e1',
      'detail-type': 'InboxFileRejectedRows',
      source: 'acorn.shipments',
      account: '1',
      time: '2026-03-02T09:00:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: { kind: 'shipments', file: 'shipments/bad.csv', totalProblems: 2 },
    });
    expect(described.title).toBe('InboxFileRejectedRows — shipments/bad.csv');
    expect(described.lines[0]).toBe('file: shipments/bad.csv');
  });
});
