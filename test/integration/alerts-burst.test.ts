import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SinkMessage } from '#local/chat-sink/server.ts';
import { SINK_LIMITS } from '#local/chat-sink/server.ts';
import { DynamoDbAlertStore } from '#shared/aws/dynamodb-alerts.ts';
import type { Alert } from '#shared/domain/notifications/alerts.ts';
import { startTestSystem } from '../support/local-system.ts';

/**
 * The "Done when": a burst of 500 alerts reaches each channel's local stand-in within the
 * channel's limit — the sink enforces the limits (DingTalk's 10-minute block included) and checks
 * the signatures, so a message over a limit or wrongly signed would be refused, and a refused one
 * would show up in its refusals. The real RouteAlert, DeliverAlerts and SweepAlerts handlers run
 * in the local runtime against the emulators; business time (quiet hours) through the injected
 * clock, pacing and the sink's limits in real time, as the chat services count it.
 */

const BURST = 500;
const DETAIL_TYPE = 'AlertBurstProbe';
/** Noon in Berlin: outside the example's quiet hours. */
const VIRTUAL_START = Date.parse('2026-03-02T11:00:00.000Z');
const DIGEST_MAX = 40;
const CHANNELS = ['ops', 'ops-slack', 'warehouse-dingtalk', 'finance-feishu'] as const;
const ID_PATTERN = /alert id: (\S+)/gi;

type System = Awaited<ReturnType<typeof startTestSystem>>;

/** The alert ids a message names (a single alert's "Alert id: …" line, or each digest line). */
function idsIn(message: SinkMessage): string[] {
  return [...message.text.matchAll(ID_PATTERN)].map((m) => m[1] ?? '');
}

/** The most messages of `times` (epoch ms, sorted) inside any window of `windowMs`. */
function busiestWindow(times: readonly number[], windowMs: number): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] ?? 0) - (times[start] ?? 0) >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

describe('a burst of 500 alerts through the local system', () => {
  let system: System;
  let dynamodb: DynamoDBClient;
  let store: DynamoDbAlertStore;
  const eventIds: string[] = [];

  beforeAll(async () => {
    system = await startTestSystem({
      speed: 60,
      virtualStart: VIRTUAL_START,
      configPatch: (config) => {
        const alerts = config.alerts as { rules: unknown[] } & Record<string, unknown>;
        return {
          ...config,
          alerts: {
            ...alerts,
            digestMaxAlerts: DIGEST_MAX,
            rules: [
              ...alerts.rules,
              { name: 'burst', detailTypes: [DETAIL_TYPE], channels: [...CHANNELS], severity: 'critical' },
            ],
          },
        };
      },
    });
    const region = system.runtime.env.AWS_REGION ?? 'us-east-1';
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    dynamodb = new DynamoDBClient({ endpoint: system.runtime.endpoints.dynamodb, region, credentials });
    store = new DynamoDbAlertStore({ client: dynamodb, tableName: system.runtime.physicalName('Table') });
    const bus = new EventBridgeClient({
      endpoint: system.runtime.endpoints.eventbridge,
      region,
      credentials,
    });
    // The burst: 500 events in PutEvents batches of ten, as a failing capability would publish them.
    for (let batch = 0; batch < BURST / 10; batch++) {
      const res = await bus.send(
        new PutEventsCommand({
          Entries: Array.from({ length: 10 }, (_, i) => ({
            EventBusName: system.runtime.physicalName('EventBus'),
            Source: 'acorn.test',
            DetailType: DETAIL_TYPE,
            Detail: JSON.stringify({ probe: batch * 10 + i, reason: `burst item ${batch * 10 + i}` }),
          })),
        }),
      );
      expect(res.FailedEntryCount ?? 0).toBe(0);
      for (const entry of res.Entries ?? []) eventIds.push(entry.EventId ?? '');
    }
    bus.destroy();
  }, 120_000);

  afterAll(async () => {
    dynamodb?.destroy();
    await system?.dispose();
  });

  /** Stored alerts of the burst, by channel. */
  async function burstAlerts(): Promise<Map<string, Alert[]>> {
    const day = new Date(VIRTUAL_START).toISOString().slice(0, 10);
    const all = await store.createdOn(day, 10_000);
    const byChannel = new Map<string, Alert[]>();
    for (const alert of all.filter((a) => a.detailType === DETAIL_TYPE)) {
      byChannel.set(alert.channel, [...(byChannel.get(alert.channel) ?? []), alert]);
    }
    return byChannel;
  }

  it('delivers every alert id to every channel, within each channel’s limits, no robot blocked', async () => {
    expect(new Set(eventIds).size).toBe(BURST);
    // Routed: one alert per event and channel.
    const routed = await vi.waitFor(
      async () => {
        const byChannel = await burstAlerts();
        for (const channel of CHANNELS) {
          if ((byChannel.get(channel)?.length ?? 0) < BURST)
            throw new Error(`${channel}: ${byChannel.get(channel)?.length ?? 0} alerts routed`);
        }
        return byChannel;
      },
      { timeout: 240_000, interval: 1000 },
    );
    for (const channel of CHANNELS) {
      expect(new Set(routed.get(channel)?.map((a) => a.eventId))).toEqual(new Set(eventIds));
    }

    // Delivered: every id in what the sink received for its channel. The sweep runs as its schedule would.
    await vi.waitFor(
      async () => {
        await system.runtime.invoke('SweepAlerts', {});
        const received = new Map<string, Set<string>>();
        for (const message of system.chatSink.messages()) {
          const ids = received.get(message.channel) ?? new Set<string>();
          for (const id of idsIn(message)) ids.add(id);
          received.set(message.channel, ids);
        }
        const missing = CHANNELS.map(
          (c) => [c, (routed.get(c) ?? []).filter((a) => !received.get(c)?.has(a.id)).length] as const,
        ).filter(([, n]) => n > 0);
        if (missing.length > 0) throw new Error(`not yet received: ${JSON.stringify(missing)}`);
      },
      { timeout: 420_000, interval: 2000 },
    );

    const messages = system.chatSink.messages();
    for (const channel of CHANNELS) {
      const mine = messages.filter((m) => m.channel === channel);
      const expected = new Set((routed.get(channel) ?? []).map((a) => a.id));
      const received = mine.flatMap(idsIn);
      // Only the burst's alerts, each at least once; digests list every id they carry, up to the maximum.
      expect(new Set(received)).toEqual(expected);
      for (const message of mine) {
        const ids = idsIn(message);
        expect(ids.length).toBeGreaterThan(0);
        expect(ids.length).toBeLessThanOrEqual(DIGEST_MAX);
        const digest = /Acorn digest: (\d+) alerts/.exec(message.text);
        expect(Number(digest?.[1] ?? 1)).toBe(ids.length);
      }
      // A burst becomes digests: far fewer messages than alerts.
      expect(mine.length).toBeLessThan(BURST / 2);
      // Within the limits the services document (the sink would have refused otherwise).
      const times = mine.map((m) => Date.parse(m.receivedAt)).sort((a, b) => a - b);
      const type = mine[0]?.type;
      if (type === 'dingtalk')
        expect(busiestWindow(times, 60_000)).toBeLessThanOrEqual(SINK_LIMITS.dingtalk.perMinute);
      if (type === 'feishu') {
        expect(busiestWindow(times, 1000)).toBeLessThanOrEqual(SINK_LIMITS.feishu.perSecond);
        expect(busiestWindow(times, 60_000)).toBeLessThanOrEqual(SINK_LIMITS.feishu.perMinute);
      }
      if (type === 'slack')
        expect(busiestWindow(times, 1000)).toBeLessThanOrEqual(SINK_LIMITS.slack.perSecond);
    }
    // Nothing refused: no rate limit hit, no DingTalk 10-minute block, no bad signature.
    expect(system.chatSink.refusals()).toEqual([]);

    // And the store says so: every alert delivered (none failed, none waiting).
    await vi.waitFor(
      async () => {
        const byChannel = await burstAlerts();
        const states = new Set([...byChannel.values()].flat().map((a) => a.state));
        if (states.size !== 1 || !states.has('delivered')) throw new Error(`states: ${[...states]}`);
      },
      { timeout: 30_000, interval: 500 },
    );
  }, 720_000);
});
