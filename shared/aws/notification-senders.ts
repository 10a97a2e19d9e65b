import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import * as z from 'zod';
import type { AlertChannel, AlertsConfig } from '../domain/notifications/alert-config.ts';
import { CHANNEL_OPERATION } from '../domain/notifications/alerts.ts';
import { feishuSignature, signDingTalkUrl } from '../domain/notifications/signing.ts';
import type { SendResult } from '../domain/outbox.ts';
import { AppError, ConfigurationError } from '../errors.ts';
import type { Resolution, Sender, SendRequest, UnknownResolver } from '../use-cases/outbox/ports.ts';

/**
 * The `NotificationChannels` secret: one entry per chat channel (its `secret` reference, or its
 * name), holding the webhook URL (its access token is a credential), the signing secret, or a
 * Slack bot token. Never logged, never in a message, an error or the archive.
 */
export const notificationChannelsSecretSchema = z.record(
  z.string(),
  z.looseObject({
    webhookUrl: z.url().optional(),
    signingSecret: z.string().min(1).optional(),
    botToken: z.string().min(1).optional(),
    /** Slack Web API base (chat.postMessage); set only for a local sink. */
    apiUrl: z.url().optional(),
  }),
);
export type NotificationChannelsSecret = z.infer<typeof notificationChannelsSecretSchema>;

/** A channel answered with an error. `retryable` for rate limits and server errors; never carries a secret. */
export class ChannelError extends AppError {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly code?: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** DingTalk: 130101 "send too fast" (the robot is blocked for 10 minutes), plus its system-busy codes. */
const DINGTALK_RETRYABLE = new Set([130101, -1, 410100]);
/** Feishu: 11232 frequency control, 9499 too many requests. */
const FEISHU_RETRYABLE = new Set([11232, 9499]);

/** The entries of the channel secret, looked up per send so a rotated secret applies within minutes. */
export interface ChannelSecrets {
  get(): Promise<NotificationChannelsSecret>;
}

/** The HTTP client the senders use (global fetch by default). */
export type Fetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

const jsonHeaders = { 'content-type': 'application/json; charset=utf-8' };

async function post(fetchFn: Fetch, url: string, body: string, headers: Record<string, string> = {}) {
  try {
    const res = await fetchFn(url, { method: 'POST', headers: { ...jsonHeaders, ...headers }, body });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), text: await res.text() };
  } catch (cause) {
    // The URL holds the channel's access token: name the failure, never the URL.
    throw new ChannelError(`network error: ${(cause as Error).name}`, true);
  }
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The secret's webhook URL, checked before use: a malformed one fails for good, naming the field, never its value. */
function webhookUrl(raw: string | undefined, service: string, channel: string): string {
  if (!raw) throw new ChannelError(`${service} channel ${channel} needs webhookUrl in its secret`, false);
  if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol)) {
    throw new ChannelError(
      `${service} channel ${channel}: webhookUrl in its secret is not an http(s) URL`,
      false,
    );
  }
  return raw;
}

function httpError(service: string, status: number, retryAfter: string | null): ChannelError {
  const retryable = status === 429 || status >= 500;
  const after = retryAfter ? ` (Retry-After ${retryAfter}s)` : '';
  return new ChannelError(`${service} answered HTTP ${status}${after}`, retryable, String(status), status);
}

/**
 * The outbox senders and resolvers of the four channel types. Each sends the outbox's exact
 * payload; DingTalk's signature goes in the URL and Feishu's in the body at send time (they carry
 * the send time, so they cannot be part of the stored payload). A message whose outcome is unclear
 * is sent again (`not-applied`): chat webhooks cannot be asked what they received, and an alert
 * twice is better than none.
 */
export function notificationHandlers(deps: {
  config: AlertsConfig;
  secrets: ChannelSecrets;
  ses: SESv2Client;
  fetch?: Fetch;
  /** Real time for signatures (the chat services check it against theirs). @default Date.now */
  now?: () => number;
}): { senders: Record<string, Sender>; resolvers: Record<string, UnknownResolver> } {
  const fetchFn: Fetch = deps.fetch ?? ((url, init) => fetch(url, init));
  const now = deps.now ?? Date.now;

  function channelOf(request: SendRequest): AlertChannel {
    const channel = deps.config.channels.find((c) => c.name === request.target);
    if (!channel) throw new ChannelError(`Channel ${request.target} is not configured`, false);
    return channel;
  }

  async function entry(channel: Exclude<AlertChannel, { type: 'email' }>) {
    const name = channel.secret ?? channel.name;
    const value = (await deps.secrets.get())[name];
    if (!value) {
      throw new ChannelError(
        `The NotificationChannels secret has no entry "${name}" for channel ${channel.name}`,
        false,
      );
    }
    return value;
  }

  const slack: Sender = {
    async send(request): Promise<SendResult> {
      const channel = channelOf(request);
      if (channel.type !== 'slack') throw new ConfigurationError(`${channel.name} is not a Slack channel`);
      const secret = await entry(channel);
      const viaApi = Boolean(channel.channel && secret.botToken);
      if (!viaApi && !secret.webhookUrl)
        throw new ChannelError(
          `Slack channel ${channel.name} needs webhookUrl or botToken in its secret`,
          false,
        );
      const url = viaApi
        ? `${secret.apiUrl ?? 'https://slack.com/api'}/chat.postMessage`
        : webhookUrl(secret.webhookUrl, 'Slack', channel.name);
      const res = await post(
        fetchFn,
        url,
        request.payload,
        viaApi ? { authorization: `Bearer ${secret.botToken ?? ''}` } : {},
      );
      if (res.status !== 200) throw httpError('Slack', res.status, res.retryAfter);
      if (viaApi) {
        const body = parseJson(res.text);
        if (body.ok !== true) {
          const code = typeof body.error === 'string' ? body.error : 'unknown_error';
          throw new ChannelError(`Slack refused the message: ${code}`, code === 'ratelimited', code, 200);
        }
        return { ok: true, ts: typeof body.ts === 'string' ? body.ts : null };
      }
      return { ok: true };
    },
  };

  const dingtalk: Sender = {
    async send(request): Promise<SendResult> {
      const channel = channelOf(request);
      if (channel.type !== 'dingtalk')
        throw new ConfigurationError(`${channel.name} is not a DingTalk robot`);
      const secret = await entry(channel);
      const hook = webhookUrl(secret.webhookUrl, 'DingTalk', channel.name);
      const url = secret.signingSecret ? signDingTalkUrl(hook, secret.signingSecret, now()) : hook;
      const res = await post(fetchFn, url, request.payload);
      if (res.status !== 200) throw httpError('DingTalk', res.status, res.retryAfter);
      const body = parseJson(res.text);
      const code = typeof body.errcode === 'number' ? body.errcode : -1;
      if (code !== 0) {
        const message = typeof body.errmsg === 'string' ? body.errmsg.slice(0, 200) : 'no errmsg';
        throw new ChannelError(
          `DingTalk errcode ${code}: ${message}`,
          DINGTALK_RETRYABLE.has(code),
          String(code),
          200,
        );
      }
      return { errcode: 0 };
    },
  };

  const feishu: Sender = {
    async send(request): Promise<SendResult> {
      const channel = channelOf(request);
      if (channel.type !== 'feishu') throw new ConfigurationError(`${channel.name} is not a Feishu bot`);
      const secret = await entry(channel);
      const hook = webhookUrl(secret.webhookUrl, 'Feishu', channel.name);
      let body = request.payload;
      if (secret.signingSecret) {
        const timestamp = Math.floor(now() / 1000);
        // The stored payload is a JSON object: the two fields go in front of it, the rest byte for byte.
        const signed = `{"timestamp":"${timestamp}","sign":"${feishuSignature(secret.signingSecret, timestamp)}",`;
        body = request.payload === '{}' ? `${signed.slice(0, -1)}}` : `${signed}${request.payload.slice(1)}`;
      }
      const res = await post(fetchFn, hook, body);
      if (res.status === 429 || res.status >= 500) throw httpError('Feishu', res.status, res.retryAfter);
      const answer = parseJson(res.text);
      const code =
        typeof answer.code === 'number'
          ? answer.code
          : typeof answer.StatusCode === 'number'
            ? answer.StatusCode
            : -1;
      if (code !== 0) {
        const message = typeof answer.msg === 'string' ? answer.msg.slice(0, 200) : `HTTP ${res.status}`;
        throw new ChannelError(
          `Feishu code ${code}: ${message}`,
          FEISHU_RETRYABLE.has(code),
          String(code),
          res.status,
        );
      }
      return { code: 0 };
    },
  };

  const email: Sender = {
    async send(request): Promise<SendResult> {
      const channel = channelOf(request);
      if (channel.type !== 'email') throw new ConfigurationError(`${channel.name} is not an email channel`);
      if (!deps.config.emailFrom) throw new ChannelError('alerts.emailFrom is not configured', false);
      const content = z.object({ subject: z.string(), text: z.string() }).parse(JSON.parse(request.payload));
      try {
        const res = await deps.ses.send(
          new SendEmailCommand({
            FromEmailAddress: deps.config.emailFrom,
            Destination: { ToAddresses: [...channel.to] },
            Content: {
              Simple: {
                Subject: { Data: content.subject, Charset: 'UTF-8' },
                Body: { Text: { Data: content.text, Charset: 'UTF-8' } },
              },
            },
          }),
        );
        return { messageId: res.MessageId ?? null };
      } catch (error) {
        const name = (error as Error).name;
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        const retryable =
          name === 'TooManyRequestsException' || name === 'LimitExceededException' || (status ?? 500) >= 500;
        throw new ChannelError(`SES refused the email: ${name}`, retryable, name, status);
      }
    },
  };

  const resend: UnknownResolver = {
    async resolve(): Promise<Resolution> {
      return {
        outcome: 'not-applied',
        note: 'a chat or mail service cannot be asked what it received; sent again',
      };
    },
  };
  const senders = {
    [CHANNEL_OPERATION.slack]: slack,
    [CHANNEL_OPERATION.dingtalk]: dingtalk,
    [CHANNEL_OPERATION.feishu]: feishu,
    [CHANNEL_OPERATION.email]: email,
  };
  return { senders, resolvers: Object.fromEntries(Object.keys(senders).map((op) => [op, resend])) };
}
