import { describe, expect, it } from 'vitest';
import {
  dingTalkSignature,
  feishuSignature,
  signDingTalkUrl,
  slackSignature,
  verifySlackRequest,
} from '#shared/domain/notifications/signing.ts';

// The published example of Slack's request signing (slack-verify README, re-computed in the notes).
const SLACK_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const SLACK_TS = 1531420618;
const SLACK_BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SLACK_EXPECTED = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

describe('Slack request signing', () => {
  it('matches Slack’s published example', () => {
    expect(slackSignature(SLACK_SECRET, SLACK_TS, SLACK_BODY)).toBe(SLACK_EXPECTED);
  });

  it('accepts the example within five minutes and refuses it later, altered or unsigned', () => {
    const base = { signingSecret: SLACK_SECRET, timestamp: String(SLACK_TS), rawBody: SLACK_BODY };
    expect(
      verifySlackRequest({ ...base, signature: SLACK_EXPECTED, nowSeconds: SLACK_TS + 299 }),
    ).toBeUndefined();
    expect(verifySlackRequest({ ...base, signature: SLACK_EXPECTED, nowSeconds: SLACK_TS + 301 })).toBe(
      'stale',
    );
    expect(
      verifySlackRequest({
        ...base,
        rawBody: `${SLACK_BODY}x`,
        signature: SLACK_EXPECTED,
        nowSeconds: SLACK_TS,
      }),
    ).toBe('mismatch');
    expect(verifySlackRequest({ ...base, signature: undefined, nowSeconds: SLACK_TS })).toBe('missing');
  });
});

describe('DingTalk custom robot signing', () => {
  it('matches the vector computed from the documented formula', () => {
    expect(dingTalkSignature('this is secret', 1599360473000)).toBe(
      'hXZTWifRGHclNuZSKxoXc//sh51SWfVfRIhcdeKs63I=',
    );
  });

  it('puts the millisecond timestamp and the URL-encoded sign in the query string', () => {
    const url = signDingTalkUrl(
      'https://oapi.dingtalk.com/robot/send?access_token=abc',
      'this is secret',
      1599360473000,
    );
    expect(url).toBe(
      'https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1599360473000&sign=hXZTWifRGHclNuZSKxoXc%2F%2Fsh51SWfVfRIhcdeKs63I%3D',
    );
  });
});

describe('Feishu custom bot signing', () => {
  it('matches the vector of the official sample’s inputs', () => {
    expect(feishuSignature('demo', 1599360473)).toBe('l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=');
  });

  it('is not the DingTalk formula on the same inputs (key and message swapped)', () => {
    expect(feishuSignature('demo', 1599360473)).not.toBe(dingTalkSignature('demo', 1599360473));
    expect(dingTalkSignature('demo', 1599360473)).toBe('DkEDUyVoOOJ539qBvUgMyzkzIdRWlf4e/V3Rq+ONJnQ=');
  });
});
