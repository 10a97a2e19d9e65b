import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ChannelError, type Fetch, notificationHandlers } from '#shared/aws/notification-senders.ts';
import { alertsConfigSchema } from '#shared/domain/notifications/alert-config.ts';
import { CHANNEL_OPERATION } from '#shared/domain/notifications/alerts.ts';
import { dingTalkSignature, feishuSignature } from '#shared/domain/notifications/signing.ts';
import type { Sender, SendRequest } from '#shared/use-cases/outbox/ports.ts';

const ses = mockClient(SESv2Client);

const config = alertsConfigSchema.parse({
  consoleUrl: 'https://console.example.com',
  emailFrom: 'alerts@example.com',
  channels: [
    { type: 'email', name: 'ops', to: ['ops@example.com', 'lead@example.com'] },
    { type: 'slack', name: 'ops-slack' },
    { type: 'slack', name: 'ops-api', channel: 'C0OPS' },
    { type: 'dingtalk', name: 'wh-dingtalk' },
    { type: 'feishu', name: 'fin-feishu', secret: 'feishu-main' },
  ],
  rules: [],
});

/** Secret values a leak check looks for in every error. */
const SECRETS = {
  'ops-slack': { webhookUrl: 'https://hooks.slack.com/services/T000/B000/slackHookToken123' },
  'ops-api': { botToken: 'xoxb-bot-token-secret' },
  'wh-dingtalk': {
    webhookUrl: 'https://oapi.dingtalk.com/robot/send?access_token=dingAccessToken456',
    signingSecret: 'SECdingSigningSecret789',
  },
  'feishu-main': {
    webhookUrl: 'https://open.feishu.cn/open-apis/bot/v2/hook/feishuHookToken000',
    signingSecret: 'feishuSigningSecretAbc',
  },
};
const NOW = Date.parse('2026-03-02T11:00:00.000Z');

interface Call {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A fetch answering each call from `answers` in turn; a thrown answer is a network failure. */
function fakeFetch(
  answers: ({ status: number; body?: string; headers?: Record<string, string> } | Error)[],
): Fetch & { calls: Call[] } {
  const calls: Call[] = [];
  const fn = async (url: string, init: { headers: Record<string, string>; body: string }) => {
    calls.push({ url, headers: init.headers, body: init.body });
    const answer = answers.shift() ?? { status: 200, body: '{}' };
    if (answer instanceof Error) throw answer;
    const headers = new Map(Object.entries(answer.headers ?? {}));
    return {
      status: answer.status,
      headers: { get: (n: string) => headers.get(n) ?? null },
      text: async () => answer.body ?? '',
    };
  };
  return Object.assign(fn, { calls });
}

function handlers(fetch: Fetch, secrets: Record<string, Record<string, string>> = SECRETS) {
  return notificationHandlers({
    config,
    secrets: { get: async () => secrets },
    ses: new SESv2Client({ region: 'us-east-1' }),
    fetch,
    now: () => NOW,
  }).senders;
}
function sender(senders: Record<string, Sender>, type: keyof typeof CHANNEL_OPERATION): Sender {
  const s = senders[CHANNEL_OPERATION[type]];
  if (!s) throw new Error(`no ${type} sender`);
  return s;
}
function request(target: string, payload: unknown): SendRequest {
  return {
    key: `alert.${target}.k`,
    operation: 'x',
    target,
    subject: { type: 'AlertMessage', id: 'k' },
    payload: JSON.stringify(payload),
    attempt: 1,
  };
}

/** The send fails with a ChannelError whose message names no secret, token, signature or URL. */
async function channelError(promise: Promise<unknown>): Promise<ChannelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChannelError);
  const text = `${(error as Error).message} ${JSON.stringify(error)}`;
  for (const entry of Object.values(SECRETS)) {
    for (const value of Object.values(entry)) expect(text).not.toContain(value);
  }
  for (const token of ['slackHookToken123', 'dingAccessToken456', 'feishuHookToken000', 'xoxb-']) {
    expect(text).not.toContain(token);
  }
  expect(text).not.toContain(
    encodeURIComponent(dingTalkSignature(SECRETS['wh-dingtalk'].signingSecret, NOW)),
  );
  return error as ChannelError;
}

describe('Slack sender', () => {
  it('posts the payload to the webhook as is', async () => {
    const fetch = fakeFetch([{ status: 200, body: 'ok' }]);
    await sender(handlers(fetch), 'slack').send(request('ops-slack', { text: 'hello' }));
    expect(fetch.calls).toEqual([
      {
        url: SECRETS['ops-slack'].webhookUrl,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: '{"text":"hello"}',
      },
    ]);
  });

  it('retries a 429 (with its Retry-After) and a 5xx; fails a 4xx for good', async () => {
    const fetch = fakeFetch([
      { status: 429, headers: { 'retry-after': '30' } },
      { status: 503 },
      { status: 404, body: 'no_service' },
    ]);
    const slack = sender(handlers(fetch), 'slack');
    const limited = await channelError(slack.send(request('ops-slack', { text: 'a' })));
    expect(limited).toMatchObject({ retryable: true, status: 429 });
    expect(limited.message).toBe('Slack answered HTTP 429 (Retry-After 30s)');
    await expect(channelError(slack.send(request('ops-slack', { text: 'a' })))).resolves.toMatchObject({
      retryable: true,
      status: 503,
    });
    await expect(channelError(slack.send(request('ops-slack', { text: 'a' })))).resolves.toMatchObject({
      retryable: false,
      status: 404,
    });
  });

  it('calls chat.postMessage with the bot token as a bearer, and maps its ok:false answers', async () => {
    const fetch = fakeFetch([
      { status: 200, body: '{"ok":true,"ts":"1.2"}' },
      { status: 200, body: '{"ok":false,"error":"ratelimited"}' },
      { status: 200, body: '{"ok":false,"error":"channel_not_found"}' },
    ]);
    const slack = sender(handlers(fetch), 'slack');
    await expect(slack.send(request('ops-api', { channel: 'C0OPS', text: 'a' }))).resolves.toEqual({
      ok: true,
      ts: '1.2',
    });
    expect(fetch.calls[0]?.url).toBe('https://slack.com/api/chat.postMessage');
    expect(fetch.calls[0]?.headers.authorization).toBe(`Bearer ${SECRETS['ops-api'].botToken}`);
    await expect(channelError(slack.send(request('ops-api', { text: 'a' })))).resolves.toMatchObject({
      retryable: true,
      code: 'ratelimited',
    });
    await expect(channelError(slack.send(request('ops-api', { text: 'a' })))).resolves.toMatchObject({
      retryable: false,
      code: 'channel_not_found',
    });
  });

  it('names a network failure without the URL, and a missing secret entry without any value', async () => {
    const fetch = fakeFetch([
      Object.assign(new Error(`connect ECONNREFUSED ${SECRETS['ops-slack'].webhookUrl}`), {
        name: 'TypeError',
      }),
    ]);
    const failed = await channelError(
      sender(handlers(fetch), 'slack').send(request('ops-slack', { text: 'a' })),
    );
    expect(failed).toMatchObject({ retryable: true, message: 'network error: TypeError' });
    const missing = await channelError(
      sender(handlers(fetch, {}), 'slack').send(request('ops-slack', { text: 'a' })),
    );
    expect(missing.retryable).toBe(false);
    expect(missing.message).toContain('no entry "ops-slack"');
  });
});

describe('DingTalk sender', () => {
  it('signs the URL with timestamp and the URL-encoded sign, and sends the payload as is', async () => {
    const fetch = fakeFetch([{ status: 200, body: '{"errcode":0,"errmsg":"ok"}' }]);
    await sender(handlers(fetch), 'dingtalk').send(request('wh-dingtalk', { msgtype: 'markdown' }));
    const url = new URL(fetch.calls[0]?.url ?? '');
    expect(url.searchParams.get('access_token')).toBe('dingAccessToken456');
    expect(url.searchParams.get('timestamp')).toBe(String(NOW));
    expect(url.searchParams.get('sign')).toBe(dingTalkSignature(SECRETS['wh-dingtalk'].signingSecret, NOW));
    expect(fetch.calls[0]?.body).toBe('{"msgtype":"markdown"}');
  });

  it('retries errcode 130101 (too fast: the robot is blocked) and 5xx; fails a bad signature or keyword for good', async () => {
    const fetch = fakeFetch([
      { status: 200, body: '{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}' },
      { status: 502 },
      { status: 200, body: '{"errcode":310000,"errmsg":"sign not match"}' },
      { status: 200, body: '{"errcode":300001,"errmsg":"token is not exist"}' },
      { status: 200, body: 'not json' },
    ]);
    const ding = sender(handlers(fetch), 'dingtalk');
    const send = () => channelError(ding.send(request('wh-dingtalk', { msgtype: 'markdown' })));
    await expect(send()).resolves.toMatchObject({ retryable: true, code: '130101' });
    await expect(send()).resolves.toMatchObject({ retryable: true, status: 502 });
    await expect(send()).resolves.toMatchObject({ retryable: false, code: '310000' });
    await expect(send()).resolves.toMatchObject({ retryable: false, code: '300001' });
    // A 200 without errcode is no success.
    await expect(send()).resolves.toMatchObject({ code: '-1' });
  });

  it('fails a webhook URL that is not an http(s) URL for good, naming the field, never its value', async () => {
    const fetch = fakeFetch([]);
    const bad = {
      'ops-slack': { webhookUrl: 'hooks.slack.com/services/T000/B000/slackHookToken123' },
      'wh-dingtalk': {
        webhookUrl: 'oapi.dingtalk.com/robot/send?access_token=dingAccessToken456',
        signingSecret: 'SECdingSigningSecret789',
      },
      'feishu-main': { webhookUrl: 'ftp://open.feishu.cn/hook/feishuHookToken000' },
    };
    const all = handlers(fetch, bad);
    for (const [type, target] of [
      ['slack', 'ops-slack'],
      ['dingtalk', 'wh-dingtalk'],
      ['feishu', 'fin-feishu'],
    ] as const) {
      const error = await channelError(sender(all, type).send(request(target, {})));
      expect(error.retryable).toBe(false);
      expect(error.message).toContain('webhookUrl in its secret is not an http(s) URL');
    }
    expect(fetch.calls).toEqual([]);
  });
});

describe('Feishu sender', () => {
  it('puts timestamp (seconds) and sign in front of the stored payload, byte for byte after them', async () => {
    const fetch = fakeFetch([{ status: 200, body: '{"code":0,"msg":"success"}' }]);
    await sender(handlers(fetch), 'feishu').send(
      request('fin-feishu', { msg_type: 'text', content: { text: 'hi' } }),
    );
    const seconds = Math.floor(NOW / 1000);
    expect(fetch.calls[0]?.url).toBe(SECRETS['feishu-main'].webhookUrl);
    expect(fetch.calls[0]?.body).toBe(
      `{"timestamp":"${seconds}","sign":"${feishuSignature(SECRETS['feishu-main'].signingSecret, seconds)}","msg_type":"text","content":{"text":"hi"}}`,
    );
  });

  it('retries 9499 and 11232 (frequency control), 429 and 5xx; fails other codes for good', async () => {
    const fetch = fakeFetch([
      { status: 200, body: '{"code":11232,"msg":"frequency limited"}' },
      { status: 400, body: '{"code":9499,"msg":"Too Many Request"}' },
      { status: 429, headers: { 'retry-after': '2' } },
      { status: 500 },
      { status: 200, body: '{"code":19021,"msg":"sign match fail"}' },
      { status: 200, body: '{"StatusCode":0,"StatusMessage":"success"}' },
    ]);
    const feishu = sender(handlers(fetch), 'feishu');
    const send = () => channelError(feishu.send(request('fin-feishu', { msg_type: 'text' })));
    await expect(send()).resolves.toMatchObject({ retryable: true, code: '11232' });
    await expect(send()).resolves.toMatchObject({ retryable: true, code: '9499' });
    await expect(send()).resolves.toMatchObject({ retryable: true, status: 429 });
    await expect(send()).resolves.toMatchObject({ retryable: true, status: 500 });
    await expect(send()).resolves.toMatchObject({ retryable: false, code: '19021' });
    // The older answer shape counts as success.
    await expect(feishu.send(request('fin-feishu', { msg_type: 'text' }))).resolves.toEqual({ code: 0 });
  });
});

describe('SES v2 email sender', () => {
  beforeEach(() => ses.reset());

  it('sends subject and text from the configured sender to the channel’s recipients', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    await expect(
      sender(handlers(fakeFetch([])), 'email').send(request('ops', { subject: 'S', text: 'T' })),
    ).resolves.toEqual({ messageId: 'm-1' });
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input).toEqual({
      FromEmailAddress: 'alerts@example.com',
      Destination: { ToAddresses: ['ops@example.com', 'lead@example.com'] },
      Content: {
        Simple: {
          Subject: { Data: 'S', Charset: 'UTF-8' },
          Body: { Text: { Data: 'T', Charset: 'UTF-8' } },
        },
      },
    });
  });

  it('retries throttling and server errors; fails a rejected message for good', async () => {
    const sesError = (name: string, status: number) =>
      Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
    ses
      .on(SendEmailCommand)
      .rejectsOnce(sesError('TooManyRequestsException', 429))
      .rejectsOnce(sesError('LimitExceededException', 400))
      .rejectsOnce(sesError('InternalFailure', 500))
      .rejectsOnce(sesError('MessageRejected', 400));
    const email = sender(handlers(fakeFetch([])), 'email');
    const send = () => channelError(email.send(request('ops', { subject: 'S', text: 'T' })));
    await expect(send()).resolves.toMatchObject({ retryable: true, code: 'TooManyRequestsException' });
    await expect(send()).resolves.toMatchObject({ retryable: true, code: 'LimitExceededException' });
    await expect(send()).resolves.toMatchObject({ retryable: true, status: 500 });
    await expect(send()).resolves.toMatchObject({ retryable: false, code: 'MessageRejected' });
  });
});
