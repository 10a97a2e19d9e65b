import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as z from 'zod';
import type { Clock } from '#shared/clock.ts';

/**
 * Where the local system's outgoing messages land instead of SES and Slack: one small HTTP server
 * that speaks SES v2 `SendEmail` (`AWS_ENDPOINT_URL_SESV2`) and Slack's `chat.postMessage`
 * (`SLACK_API_URL`), writing each message as a JSON file under `<dataDir>/mail/` or
 * `<dataDir>/slack/`. Tests and the console read them back, links included.
 */

const sesSendEmailSchema = z.looseObject({
  FromEmailAddress: z.string().optional(),
  Destination: z.looseObject({ ToAddresses: z.array(z.string()).default([]) }),
  Content: z.looseObject({
    Simple: z.looseObject({
      Subject: z.looseObject({ Data: z.string() }),
      Body: z.looseObject({ Text: z.looseObject({ Data: z.string() }).optional() }),
    }),
  }),
});

const slackPostSchema = z.looseObject({
  channel: z.string(),
  text: z.string().optional(),
  blocks: z.array(z.unknown()).optional(),
});

/** An email as the sink stored it. */
export const sunkEmailSchema = z.object({
  id: z.string(),
  at: z.string(),
  from: z.string(),
  to: z.array(z.string()),
  subject: z.string(),
  text: z.string(),
  /** Every http(s) URL in the text. */
  links: z.array(z.string()),
});
export type SunkEmail = z.infer<typeof sunkEmailSchema>;

/** A Slack message as the sink stored it. */
export const sunkSlackMessageSchema = z.object({
  id: z.string(),
  at: z.string(),
  channel: z.string(),
  text: z.string(),
  blocks: z.array(z.unknown()),
});
export type SunkSlackMessage = z.infer<typeof sunkSlackMessageSchema>;

export interface MessageSink {
  readonly url: string;
  readonly sesEndpoint: string;
  readonly slackApiUrl: string;
  emails(): SunkEmail[];
  slackMessages(): SunkSlackMessage[];
  close(): Promise<void>;
}

function readAll<T>(dir: string, schema: z.ZodType<T>): T[] {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch {
    return [];
  }
  return files.flatMap((f) => {
    const parsed = schema.safeParse(JSON.parse(readFileSync(join(dir, f), 'utf8')));
    return parsed.success ? [parsed.data] : [];
  });
}

export async function startMessageSink(options: {
  dataDir: string;
  clock: Clock;
  port?: number;
}): Promise<MessageSink> {
  const mailDir = join(options.dataDir, 'mail');
  const slackDir = join(options.dataDir, 'slack');
  mkdirSync(mailDir, { recursive: true });
  mkdirSync(slackDir, { recursive: true });
  const fileName = (at: string, id: string) => `${at.replace(/[:.]/g, '-')}-${id}.json`;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://localhost');
      const reply = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      try {
        const at = options.clock.now().toISOString();
        if (req.method === 'POST' && url.pathname === '/v2/email/outbound-emails') {
          const email = sesSendEmailSchema.parse(JSON.parse(body));
          const text = email.Content.Simple.Body.Text?.Data ?? '';
          const id = randomUUID();
          const stored: SunkEmail = {
            id,
            at,
            from: email.FromEmailAddress ?? '',
            to: email.Destination.ToAddresses,
            subject: email.Content.Simple.Subject.Data,
            text,
            links: [...text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]),
          };
          writeFileSync(join(mailDir, fileName(at, id)), JSON.stringify(stored, null, 2));
          return reply(200, { MessageId: id });
        }
        if (req.method === 'POST' && url.pathname === '/chat.postMessage') {
          if (!/^Bearer \S+/.test(req.headers.authorization ?? ''))
            return reply(200, { ok: false, error: 'not_authed' });
          const message = slackPostSchema.parse(JSON.parse(body));
          const id = randomUUID();
          const stored: SunkSlackMessage = {
            id,
            at,
            channel: message.channel,
            text: message.text ?? '',
            blocks: message.blocks ?? [],
          };
          writeFileSync(join(slackDir, fileName(at, id)), JSON.stringify(stored, null, 2));
          return reply(200, { ok: true, channel: message.channel, ts: `${Date.parse(at) / 1000}` });
        }
        reply(404, { message: `${req.method} ${url.pathname} is not emulated` });
      } catch (error) {
        reply(400, { message: (error as Error).message });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    sesEndpoint: url,
    slackApiUrl: url,
    emails: () => readAll(mailDir, sunkEmailSchema),
    slackMessages: () => readAll(slackDir, sunkSlackMessageSchema),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
