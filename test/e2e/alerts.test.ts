import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { DETAIL_TYPE } from '#shared/events.ts';
import {
  type E2eSystem,
  getJson,
  makeDataDir,
  removeDataDir,
  startE2eSystem,
} from '../support/e2e-system.ts';

/**
 * A real failure reaches a person: a warehouse file with a bad row lands in the inbox of the system
 * `npm start` runs, the shipments capability publishes InboxFileRejectedRows, the example rules
 * route it to the DingTalk robot in a 30-minute digest, the sweep sends it when the window ends,
 * and GET /api/alerts lists it delivered — and the local DingTalk stand-in received it, signed.
 */

/** 10:00 in Berlin: outside the example's quiet hours (22:00–07:00). */
const VIRTUAL_START = Date.parse('2026-03-02T09:00:00.000Z');
const BAD_FILE = 'shipments/E2E-BAD-1.csv';

const alertRowSchema = z.looseObject({
  id: z.string(),
  state: z.string(),
  channel: z.string(),
  detailType: z.string(),
  title: z.string(),
  dueAt: z.string(),
  link: z.string(),
  deferredFor: z.string().optional(),
  deliveredAt: z.string().optional(),
});
const alertsSchema = z.object({ items: z.array(alertRowSchema) });
const sinkSchema = z.object({
  items: z.array(z.object({ channel: z.string(), type: z.string(), text: z.string() })),
});

describe('alerts through npm start', () => {
  let system: E2eSystem;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = makeDataDir();
    system = await startE2eSystem(dataDir, {
      virtualStart: VIRTUAL_START,
      poGeneration: { backlog: 5, perHour: 0 },
      warehouse: false,
    });
  });
  afterAll(async () => {
    await system?.close();
    if (dataDir) removeDataDir(dataDir);
  });

  it('delivers the alert of a rejected inbox file to its channel and lists it as delivered', async () => {
    const s3 = new S3Client({
      endpoint: system.runtime.endpoints.s3,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await s3.send(
      new PutObjectCommand({
        Bucket: system.runtime.physicalName('InboxBucket'),
        Key: BAD_FILE,
        // A row without its PO number or a quantity that is a number.
        Body: 'shipmentId,purchaseOrderNumber,shipDate,quantity\nE2E-BAD-1,,2026-03-02,many\n',
      }),
    );
    s3.destroy();

    // Raised and held for its digest window…
    const raised = await vi.waitFor(
      async () => {
        const res = await getJson(`${system.url}/api/alerts`);
        expect(res.status).toBe(200);
        const found = alertsSchema
          .parse(res.body)
          .items.find((a) => a.detailType === DETAIL_TYPE.inboxFileRejectedRows);
        if (!found) throw new Error('no alert yet');
        return found;
      },
      { timeout: 60_000, interval: 500 },
    );
    expect(raised.channel).toBe('warehouse-dingtalk');
    expect(raised.link).toBe(`http://127.0.0.1:4280/?alert=${encodeURIComponent(raised.id)}`);

    // …then delivered by the scheduled sweep once the window ends (30 clock minutes, 30 s here).
    const delivered = await vi.waitFor(
      async () => {
        const res = await getJson(`${system.url}/api/alerts?id=${encodeURIComponent(raised.id)}`);
        const alert = alertRowSchema.parse(res.body);
        if (alert.state !== 'delivered') throw new Error(`alert is ${alert.state}`);
        return alert;
      },
      { timeout: 150_000, interval: 1000 },
    );
    expect(Date.parse(delivered.deliveredAt ?? '')).toBeGreaterThanOrEqual(Date.parse(raised.dueAt));
    const listed = alertsSchema.parse((await getJson(`${system.url}/api/alerts?state=delivered`)).body);
    expect(listed.items.map((a) => a.id)).toContain(raised.id);

    // The robot's stand-in (which checks DingTalk's signature) received it, naming the file.
    const sink = sinkSchema.parse((await getJson(`${system.chatSink.url}/_sink/messages`, null)).body);
    const message = sink.items.find((m) => m.text.includes(raised.id));
    expect(message).toMatchObject({ channel: 'warehouse-dingtalk', type: 'dingtalk' });
    expect(message?.text).toContain(BAD_FILE);
    expect(message?.text).toContain(`http://127.0.0.1:4280/?alert=${encodeURIComponent(raised.id)}`);
  });
});
