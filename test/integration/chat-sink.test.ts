import { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatSink, SINK_LIMITS, startChatSink } from '#local/chat-sink/server.ts';
import { ChannelError, notificationHandlers } from '#shared/aws/notification-senders.ts';
import { alertsConfigSchema } from '#shared/domain/notifications/alert-config.ts';
import { CHANNEL_OPERATION } from '#shared/domain/notifications/alerts.ts';
import type { Sender, SendRequest } from '#shared/use-cases/outbox/ports.ts';

/**
 * The local chat and mail sink answers like the real services: the real senders reach it over
 * HTTP, a wrongly signed or stale DingTalk / Feishu call is refused (and never listed as received),
 * and each limit — DingTalk's 10-minute block included — is enforced, which the senders map to a
 * retryable ChannelError that names no secret.
 */

const config = alertsConfigSchema.parse({
  consoleUrl: 'http://127.0.0.1:4280',
  emailFrom: 'alerts@example.com',
  channels: [
    { type: 'email', name: 'ops', to: ['ops@example.com'] },
    { type: 'slack', name: 'ops-slack' },
    { type: 'dingtalk', name: 'wh-dingtalk' },
    { type: 'feishu', name: 'fin-feishu' },
  ],
  rules: [],
});

const START = Date.parse('2026-03-02T11:00:00.000Z');

describe('the local chat and mail sink', () => {
  let sink: ChatSink;
  let now = START;
  let ses: SESv2Client;

  beforeAll(async () => {
    sink = await startChatSink({ channels: config.channels, now: () => now });
    ses = new SESv2Client({
      endpoint: sink.sesEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
  afterAll(async () => {
    ses?.destroy();
    await sink?.close();
  });

  /** The real senders, against the sink, with `secret` (default: the sink's own) and a signing time. */
  function senders(opts: { secret?: typeof sink.secret; signedAt?: () => number } = {}) {
    return notificationHandlers({
      config,
      secrets: { get: async () => opts.secret ?? sink.secret },
      ses,
      now: opts.signedAt ?? (() => now),
    }).senders;
  }
  function request(channel: string, payload: unknown, n = 1): SendRequest {
    return {
      key: `alert.${channel}.${n}`,
      operation: 'x',
      target: channel,
      subject: { type: 'AlertMessage', id: `m${n}` },
      payload: JSON.stringify(payload),
      attempt: 1,
    };
  }
  const dingtalkText = (text: string) => ({ msgtype: 'markdown', markdown: { title: 't', text } });
  const feishuText = (text: string) => ({ msg_type: 'text', content: { text } });
  function sender(all: Record<string, Sender>, type: keyof typeof CHANNEL_OPERATION): Sender {
    const s = all[CHANNEL_OPERATION[type]];
    if (!s) throw new Error(`no sender for ${type}`);
    return s;
  }
  async function refusedWith(promise: Promise<unknown>): Promise<ChannelError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ChannelError);
    const message = (error as Error).message;
    // Never a secret, a signature or the webhook URL (its path is the access token) in an error.
    for (const entry of Object.values(sink.secret)) {
      for (const value of Object.values(entry)) expect(message).not.toContain(value);
    }
    expect(message).not.toContain(sink.url);
    return error as ChannelError;
  }
  const received = (channel: string, text: string) =>
    sink.messages().some((m) => m.channel === channel && m.text.includes(text));

  it('takes correctly signed DingTalk and Feishu messages, Slack and SES email', async () => {
    const all = senders();
    await sender(all, 'dingtalk').send(request('wh-dingtalk', dingtalkText('signed dingtalk')));
    await sender(all, 'feishu').send(request('fin-feishu', feishuText('signed feishu')));
    await sender(all, 'slack').send(request('ops-slack', { text: 'slack hello' }));
    await sender(all, 'email').send(request('ops', { subject: 'Mail subject', text: 'mail body' }));
    expect(received('wh-dingtalk', 'signed dingtalk')).toBe(true);
    expect(received('fin-feishu', 'signed feishu')).toBe(true);
    expect(received('ops-slack', 'slack hello')).toBe(true);
    expect(received('ops', 'Mail subject\nmail body')).toBe(true);
    expect(sink.refusals()).toEqual([]);
  });

  it('refuses a DingTalk call signed with the wrong secret, or too long ago, as DingTalk does', async () => {
    now += 60_000;
    const wrong = structuredClone(sink.secret);
    const entry = wrong['wh-dingtalk'];
    if (!entry) throw new Error('no dingtalk entry');
    entry.signingSecret = `SEC${'0'.repeat(48)}`;
    const badSign = await refusedWith(
      sender(senders({ secret: wrong }), 'dingtalk').send(request('wh-dingtalk', dingtalkText('forged d'))),
    );
    expect(badSign.code).toBe('310000');
    expect(badSign.retryable).toBe(false);
    const stale = await refusedWith(
      sender(senders({ signedAt: () => now - 2 * 3600_000 }), 'dingtalk').send(
        request('wh-dingtalk', dingtalkText('stale d')),
      ),
    );
    expect(stale.code).toBe('310000');
    // An unsigned call to a robot with signing on is refused too.
    const unsigned = structuredClone(sink.secret);
    if (unsigned['wh-dingtalk']) delete unsigned['wh-dingtalk'].signingSecret;
    await refusedWith(
      sender(senders({ secret: unsigned }), 'dingtalk').send(
        request('wh-dingtalk', dingtalkText('unsigned d')),
      ),
    );
    expect(received('wh-dingtalk', 'forged d') || received('wh-dingtalk', 'stale d')).toBe(false);
    expect(received('wh-dingtalk', 'unsigned d')).toBe(false);
    expect(
      sink
        .refusals()
        .filter((r) => r.channel === 'wh-dingtalk')
        .map((r) => r.reason),
    ).toEqual(['sign not match', 'sign not match', 'sign not match']);
  });

  it('refuses a Feishu call signed with the wrong secret, or too long ago, as Feishu does', async () => {
    now += 60_000;
    const wrong = structuredClone(sink.secret);
    const entry = wrong['fin-feishu'];
    if (!entry) throw new Error('no feishu entry');
    entry.signingSecret = 'not-the-secret';
    const badSign = await refusedWith(
      sender(senders({ secret: wrong }), 'feishu').send(request('fin-feishu', feishuText('forged f'))),
    );
    expect(badSign.code).toBe('19021');
    expect(badSign.retryable).toBe(false);
    const stale = await refusedWith(
      sender(senders({ signedAt: () => now + 2 * 3600_000 }), 'feishu').send(
        request('fin-feishu', feishuText('stale f')),
      ),
    );
    expect(stale.code).toBe('19021');
    expect(received('fin-feishu', 'forged f') || received('fin-feishu', 'stale f')).toBe(false);
  });

  it('answers 404 for an unknown webhook', async () => {
    const res = await fetch(`${sink.url}/dingtalk/00ff00ff00ff00ff00ff00ff?timestamp=1&sign=x`, {
      method: 'POST',
      body: '{}',
    });
    expect(res.status).toBe(404);
  });

  it('blocks a DingTalk robot for 10 minutes after its 21st message in a minute', async () => {
    now += 10 * 60_000;
    const ding = sender(senders(), 'dingtalk');
    for (let i = 0; i < SINK_LIMITS.dingtalk.perMinute; i++) {
      now += 100;
      await ding.send(request('wh-dingtalk', dingtalkText(`burst ${i}`), i));
    }
    now += 100;
    const over = await refusedWith(ding.send(request('wh-dingtalk', dingtalkText('one too many'))));
    expect(over.code).toBe('130101');
    expect(over.retryable).toBe(true);
    // A minute later the per-minute window is empty, but the robot stays blocked…
    now += 61_000;
    const blocked = await refusedWith(ding.send(request('wh-dingtalk', dingtalkText('still blocked'))));
    expect(blocked.code).toBe('130101');
    // …until ten minutes after the block began.
    now += SINK_LIMITS.dingtalk.blockMs;
    await ding.send(request('wh-dingtalk', dingtalkText('after the block')));
    expect(received('wh-dingtalk', 'one too many') || received('wh-dingtalk', 'still blocked')).toBe(false);
    expect(received('wh-dingtalk', 'after the block')).toBe(true);
  });

  it('refuses a sixth Feishu message within a second, and a second Slack message within a second', async () => {
    now += 60_000;
    const feishu = sender(senders(), 'feishu');
    for (let i = 0; i < SINK_LIMITS.feishu.perSecond; i++) {
      await feishu.send(request('fin-feishu', feishuText(`f ${i}`), i));
    }
    const tooFast = await refusedWith(feishu.send(request('fin-feishu', feishuText('sixth'))));
    expect(tooFast.code).toBe('11232');
    expect(tooFast.retryable).toBe(true);

    const slack = sender(senders(), 'slack');
    await slack.send(request('ops-slack', { text: 'first this second' }));
    const limited = await refusedWith(slack.send(request('ops-slack', { text: 'second this second' })));
    expect(limited.status).toBe(429);
    expect(limited.retryable).toBe(true);
    expect(limited.message).toContain('Retry-After 1s');
    now += 1000;
    await slack.send(request('ops-slack', { text: 'next second' }));
    expect(received('ops-slack', 'second this second')).toBe(false);
    expect(received('ops-slack', 'next second')).toBe(true);
  });
});
