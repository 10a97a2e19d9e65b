/**
 * `npx tsx bench/notifications.ts`: alerts through the local system (`npm start`'s runtime, every
 * function in its worker, the local chat and mail sink answering like Slack, DingTalk, Feishu and
 * SES, limits included). A burst of BURST events, each routed to the four example channels, is put
 * on the bus in PutEvents batches of ten; measured:
 *
 * - routed per second: events published → every alert stored by RouteAlert;
 * - delivered per second: events published → every alert id received by the sink;
 * - per channel: messages, alerts per message (digest size: mean, max), busiest minute.
 *
 * Delivery is paced on real time within each channel's documented limit (85 % of it), so the
 * delivered rate is bounded by the slowest channel (DingTalk, 17 messages a minute) times the
 * digest size. Figures are measured, never asserted in tests.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PROJECT_ROOT, startLocalSystem } from '#local/system.ts';
import { DynamoDbAlertStore } from '#shared/aws/dynamodb-alerts.ts';
import { describeMachine, formatMachine } from './machine.ts';

const BURST = Number(process.env.BENCH_ALERT_BURST ?? 500);
const DETAIL_TYPE = 'AlertBurstProbe';
const CHANNELS = ['ops', 'ops-slack', 'warehouse-dingtalk', 'finance-feishu'];
/** Noon in Berlin: outside the example's quiet hours. */
const VIRTUAL_START = Date.parse('2026-03-02T11:00:00.000Z');
const ID_PATTERN = /alert id: (\S+)/gi;

async function main(): Promise<void> {
  console.log(formatMachine(describeMachine()));
  const dataDir = mkdtempSync(join(tmpdir(), 'acorn-bench-alerts-'));
  const example = JSON.parse(readFileSync(join(PROJECT_ROOT, 'acorn.config.json'), 'utf8')) as {
    alerts: { rules: unknown[] };
  };
  const configPath = join(dataDir, 'acorn.config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      ...example,
      alerts: {
        ...example.alerts,
        rules: [
          ...example.alerts.rules,
          { name: 'burst', detailTypes: [DETAIL_TYPE], channels: CHANNELS, severity: 'critical' },
        ],
      },
    }),
  );
  const system = await startLocalSystem({
    port: 0,
    sandboxPort: 0,
    dataDir,
    configPath,
    speed: 60,
    virtualStart: VIRTUAL_START,
    schedules: false,
    warehouse: false,
    poGeneration: { backlog: 0, perHour: 0 },
    log: () => {},
  });
  const region = system.runtime.env.AWS_REGION ?? 'us-east-1';
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const dynamodb = new DynamoDBClient({ endpoint: system.runtime.endpoints.dynamodb, region, credentials });
  const bus = new EventBridgeClient({ endpoint: system.runtime.endpoints.eventbridge, region, credentials });
  const store = new DynamoDbAlertStore({ client: dynamodb, tableName: system.runtime.physicalName('Table') });
  try {
    const expected = BURST * CHANNELS.length;
    const started = performance.now();
    for (let batch = 0; batch < BURST / 10; batch++) {
      await bus.send(
        new PutEventsCommand({
          Entries: Array.from({ length: 10 }, (_, i) => ({
            EventBusName: system.runtime.physicalName('EventBus'),
            Source: 'acorn.bench',
            DetailType: DETAIL_TYPE,
            Detail: JSON.stringify({ probe: batch * 10 + i }),
          })),
        }),
      );
    }
    const publishedMs = performance.now() - started;
    let routedMs: number | undefined;
    let deliveredMs: number | undefined;
    const day = new Date(VIRTUAL_START).toISOString().slice(0, 10);
    const deadline = started + 15 * 60_000;
    while (performance.now() < deadline && deliveredMs === undefined) {
      if (routedMs === undefined) {
        const stored = (await store.createdOn(day, expected + 100)).filter(
          (a) => a.detailType === DETAIL_TYPE,
        );
        if (stored.length >= expected) routedMs = performance.now() - started;
      }
      const received = new Set(
        system.chatSink.messages().flatMap((m) => [...m.text.matchAll(ID_PATTERN)].map((x) => x[1])),
      );
      if (received.size >= expected) deliveredMs = performance.now() - started;
      else {
        // The sweep's schedule, as `npm start` would run it.
        if (routedMs !== undefined) await system.runtime.invoke('SweepAlerts', {});
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    const perSecond = (n: number, ms: number | undefined) =>
      ms === undefined ? 'n/a' : (n / (ms / 1000)).toFixed(1);
    console.log(
      `  burst: ${BURST} events x ${CHANNELS.length} channels = ${expected} alerts; published in ${(publishedMs / 1000).toFixed(1)} s`,
    );
    console.log(
      `  routed:    ${routedMs === undefined ? 'not all within 15 min' : `${(routedMs / 1000).toFixed(1)} s`}  (${perSecond(expected, routedMs)} alerts/s)`,
    );
    console.log(
      `  delivered: ${deliveredMs === undefined ? 'not all within 15 min' : `${(deliveredMs / 1000).toFixed(1)} s`}  (${perSecond(expected, deliveredMs)} alerts/s)`,
    );
    const rows = CHANNELS.map((channel) => {
      const mine = system.chatSink.messages().filter((m) => m.channel === channel);
      const sizes = mine.map((m) => [...m.text.matchAll(ID_PATTERN)].length);
      const times = mine.map((m) => Date.parse(m.receivedAt)).sort((a, b) => a - b);
      let busiest = 0;
      for (let i = 0, j = 0; i < times.length; i++) {
        while ((times[i] ?? 0) - (times[j] ?? 0) >= 60_000) j++;
        busiest = Math.max(busiest, i - j + 1);
      }
      const mean = sizes.length ? sizes.reduce((a, b) => a + b, 0) / sizes.length : 0;
      return `  ${channel.padEnd(20)} ${String(mine.length).padStart(8)} ${mean.toFixed(1).padStart(10)} ${String(Math.max(0, ...sizes)).padStart(8)} ${String(busiest).padStart(14)}`;
    });
    console.log(
      `  ${'channel'.padEnd(20)} ${'messages'.padStart(8)} ${'mean size'.padStart(10)} ${'max size'.padStart(8)} ${'busiest minute'.padStart(14)}`,
    );
    for (const row of rows) console.log(row);
    console.log(`  refused by the sink (limits, signatures): ${system.chatSink.refusals().length}`);
  } finally {
    bus.destroy();
    dynamodb.destroy();
    await system.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
