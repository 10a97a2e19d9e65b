import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertChannel } from '#shared/domain/notifications/alert-config.ts';
import {
  CHAT_SIGNATURE_WINDOW_MS,
  dingTalkSignature,
  feishuSignature,
  sameSignature,
} from '#shared/domain/notifications/signing.ts';

/**
 * The local chat and mail sink of `npm start` and the tests: it receives what each alert channel
 * would receive and answers like the real service — checking DingTalk's and Feishu's signatures
 * and enforcing their limits (DingTalk 20/min per robot with the 10-minute block, Feishu 5/s and
 * 100/min, Slack 1/s per channel) — and SES v2's SendEmail. What it accepted is listed at
 * `GET /_sink/messages`; what it refused at `GET /_sink/refusals`.
 */

export interface SinkMessage {
  readonly channel: string;
  readonly type: AlertChannel['type'];
  readonly receivedAt: string;
  /** The text a person would read (Slack text, DingTalk markdown, Feishu text, email body). */
  readonly text: string;
  readonly body: unknown;
}

export interface SinkRefusal {
  readonly channel: string;
  readonly type: AlertChannel['type'];
  readonly at: string;
  readonly reason: string;
}

export interface ChatSink {
  readonly url: string;
  /** The `NotificationChannels` secret that points every configured channel at this sink. */
  readonly secret: Record<string, Record<string, string>>;
  /** The SES v2 endpoint (`AWS_ENDPOINT_URL_SESV2`). */
  readonly sesEndpoint: string;
  messages(): readonly SinkMessage[];
  refusals(): readonly SinkRefusal[];
  close(): Promise<void>;
}

/** The sink's limits, as the services document them. */
export const SINK_LIMITS = {
  dingtalk: { perMinute: 20, blockMs: 10 * 60_000 },
  feishu: { perSecond: 5, perMinute: 100 },
  slack: { perSecond: 1 },
} as const;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Starts the sink for the configured channels (each gets its own webhook and signing secret). */
export async function startChatSink(options: {
  channels: readonly AlertChannel[];
  port?: number;
  /** Real time (signatures and limits are checked against it). @default Date.now */
  now?: () => number;
  /**
   * SES endpoint that takes the emails addressed to no alert channel (the approval requests go
   * to the local mail sink): one AWS_ENDPOINT_URL_SESV2 serves every function.
   */
  forwardOtherEmailsTo?: string;
}): Promise<ChatSink> {
  const now = options.now ?? Date.now;
  const messages: SinkMessage[] = [];
  const refusals: SinkRefusal[] = [];
  const sent = new Map<string, number[]>();
  const blockedUntil = new Map<string, number>();
  const tokens = new Map<string, { channel: AlertChannel; signingSecret: string }>();
  for (const channel of options.channels) {
    if (channel.type === 'email') continue;
    const token = randomBytes(12).toString('hex');
    const signingSecret =
      channel.type === 'dingtalk' ? `SEC${randomBytes(24).toString('hex')}` : randomBytes(16).toString('hex');
    tokens.set(token, { channel, signingSecret });
  }

  function within(channel: string, ms: number): number {
    const t = now();
    return (sent.get(channel) ?? []).filter((at) => at > t - ms).length;
  }
  function record(channel: AlertChannel, text: string, body: unknown): void {
    const list = sent.get(channel.name) ?? [];
    list.push(now());
    sent.set(
      channel.name,
      list.filter((at) => at > now() - 60_000),
    );
    messages.push({
      channel: channel.name,
      type: channel.type,
      receivedAt: new Date(now()).toISOString(),
      text,
      body,
    });
  }
  function refuse(channel: AlertChannel, reason: string): void {
    refusals.push({ channel: channel.name, type: channel.type, at: new Date(now()).toISOString(), reason });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sink');
    if (req.method === 'GET' && url.pathname === '/_sink/messages')
      return send(res, 200, { items: messages });
    if (req.method === 'GET' && url.pathname === '/_sink/refusals')
      return send(res, 200, { items: refusals });
    const raw = await readBody(req);
    const body = parse(raw);

    // SES v2 SendEmail (REST JSON).
    if (req.method === 'POST' && url.pathname === '/v2/email/outbound-emails') {
      const to = (body?.Destination as { ToAddresses?: string[] } | undefined)?.ToAddresses ?? [];
      const simple = (
        body?.Content as { Simple?: { Subject?: { Data?: string }; Body?: { Text?: { Data?: string } } } }
      )?.Simple;
      const channel = options.channels.find((c) => c.type === 'email' && c.to.every((a) => to.includes(a)));
      if (!channel && options.forwardOtherEmailsTo) {
        const forwarded = await fetch(`${options.forwardOtherEmailsTo}${url.pathname}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: raw,
        });
        res.writeHead(forwarded.status, { 'content-type': 'application/json' });
        res.end(await forwarded.text());
        return;
      }
      if (!channel || !simple?.Subject?.Data) {
        return send(
          res,
          400,
          { message: 'BadRequestException: no such recipients or no subject' },
          { 'x-amzn-errortype': 'BadRequestException' },
        );
      }
      record(channel, `${simple.Subject.Data}\n${simple.Body?.Text?.Data ?? ''}`, body);
      return send(res, 200, { MessageId: `local-${randomBytes(8).toString('hex')}` });
    }

    const [, service, token] = /^\/(slack|dingtalk|feishu)\/([0-9a-f]+)$/.exec(url.pathname) ?? [];
    const target = token ? tokens.get(token) : undefined;
    if (req.method !== 'POST' || !target || target.channel.type !== service) {
      return send(res, 404, { error: 'no such webhook' });
    }
    const { channel, signingSecret } = target;
    if (channel.type === 'slack') {
      if (within(channel.name, 1000) >= SINK_LIMITS.slack.perSecond) {
        refuse(channel, 'rate_limited');
        return send(res, 429, { ok: false, error: 'rate_limited' }, { 'retry-after': '1' });
      }
      if (typeof body?.text !== 'string') return send(res, 400, { ok: false, error: 'no_text' });
      record(channel, body.text, body);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (channel.type === 'dingtalk') {
      const timestamp = Number(url.searchParams.get('timestamp'));
      const sign = url.searchParams.get('sign') ?? '';
      if (
        !Number.isFinite(timestamp) ||
        Math.abs(now() - timestamp) > CHAT_SIGNATURE_WINDOW_MS ||
        !sameSignature(dingTalkSignature(signingSecret, timestamp), sign)
      ) {
        refuse(channel, 'sign not match');
        return send(res, 200, { errcode: 310000, errmsg: 'sign not match' });
      }
      if (
        (blockedUntil.get(channel.name) ?? 0) > now() ||
        within(channel.name, 60_000) >= SINK_LIMITS.dingtalk.perMinute
      ) {
        if ((blockedUntil.get(channel.name) ?? 0) <= now())
          blockedUntil.set(channel.name, now() + SINK_LIMITS.dingtalk.blockMs);
        refuse(channel, 'send too fast, exceed 20 times per minute');
        return send(res, 200, { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' });
      }
      const text = (body?.markdown as { text?: string } | undefined)?.text;
      if (body?.msgtype !== 'markdown' || typeof text !== 'string')
        return send(res, 200, { errcode: 40035, errmsg: 'bad msgtype' });
      record(channel, text, body);
      return send(res, 200, { errcode: 0, errmsg: 'ok' });
    }
    // Feishu
    const timestamp = Number(body?.timestamp);
    const sign = typeof body?.sign === 'string' ? body.sign : '';
    if (
      !Number.isFinite(timestamp) ||
      Math.abs(now() - timestamp * 1000) > CHAT_SIGNATURE_WINDOW_MS ||
      !sameSignature(feishuSignature(signingSecret, timestamp), sign)
    ) {
      refuse(channel, 'sign match fail or timestamp is not within one hour from current time');
      return send(res, 200, {
        code: 19021,
        msg: 'sign match fail or timestamp is not within one hour from current time',
      });
    }
    if (
      within(channel.name, 1000) >= SINK_LIMITS.feishu.perSecond ||
      within(channel.name, 60_000) >= SINK_LIMITS.feishu.perMinute
    ) {
      refuse(channel, 'frequency control');
      return send(res, 200, { code: 11232, msg: 'frequency limited' });
    }
    const text = (body?.content as { text?: string } | undefined)?.text;
    if (body?.msg_type !== 'text' || typeof text !== 'string')
      return send(res, 200, { code: 9499, msg: 'Bad Request' });
    record(channel, text, body);
    return send(res, 200, { code: 0, msg: 'success' });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { error: (error as Error).message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const secret: Record<string, Record<string, string>> = {};
  for (const [token, { channel, signingSecret }] of tokens) {
    const webhookUrl =
      channel.type === 'dingtalk'
        ? `${base}/dingtalk/${token}?access_token=${token}`
        : `${base}/${channel.type}/${token}`;
    secret[channel.type === 'email' ? channel.name : (channel.secret ?? channel.name)] = {
      webhookUrl,
      ...(channel.type === 'slack' ? {} : { signingSecret }),
    };
  }
  return {
    url: base,
    secret,
    sesEndpoint: base,
    messages: () => [...messages],
    refusals: () => [...refusals],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
