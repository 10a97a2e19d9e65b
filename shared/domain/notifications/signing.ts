import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The chat services' request signatures (notes/reliability-security-performance.md A4), pure. The
 * DingTalk and Feishu formulas look alike but are swapped; each is pinned by a test vector.
 */

/**
 * DingTalk custom robot (加签): `timestamp` in milliseconds; `sign` = Base64(HMAC-SHA256(key =
 * secret, message = `${timestamp}\n${secret}`)), sent URL-encoded in the query string.
 */
export function dingTalkSignature(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

/** The webhook URL with DingTalk's `timestamp` and URL-encoded `sign` appended. */
export function signDingTalkUrl(webhookUrl: string, secret: string, timestampMs: number): string {
  const url = new URL(webhookUrl);
  url.searchParams.set('timestamp', String(timestampMs));
  url.searchParams.set('sign', dingTalkSignature(secret, timestampMs));
  return url.toString();
}

/**
 * Feishu / Lark custom bot (签名校验): `timestamp` in seconds; `sign` = Base64(HMAC-SHA256(key =
 * `${timestamp}\n${secret}`, message = empty)), sent as is in the JSON body.
 */
export function feishuSignature(secret: string, timestampSeconds: number): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update(Buffer.alloc(0)).digest('base64');
}

/**
 * Slack request signature (`X-Slack-Signature`): `v0=` + hex(HMAC-SHA256(signing secret,
 * `v0:${timestamp}:${rawBody}`)), over the raw bytes.
 */
export function slackSignature(signingSecret: string, timestampSeconds: number, rawBody: string): string {
  const digest = createHmac('sha256', signingSecret)
    .update(`v0:${timestampSeconds}:${rawBody}`, 'utf8')
    .digest('hex');
  return `v0=${digest}`;
}

/** Why a signed request is refused, or undefined when it is good. */
export type SignatureCheck = 'missing' | 'stale' | 'mismatch' | undefined;

/** Constant-time comparison of two signatures. */
export function sameSignature(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Checks a Slack request as Slack's SDKs do: version `v0`, a timestamp within five minutes of
 * `nowSeconds`, and the signature over the raw body.
 */
export function verifySlackRequest(input: {
  signingSecret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: string;
  nowSeconds: number;
}): SignatureCheck {
  if (!input.timestamp || !input.signature) return 'missing';
  const ts = Number(input.timestamp);
  if (!Number.isInteger(ts) || Math.abs(input.nowSeconds - ts) > 300) return 'stale';
  return sameSignature(slackSignature(input.signingSecret, ts, input.rawBody), input.signature)
    ? undefined
    : 'mismatch';
}

/** One hour: how far DingTalk and Feishu accept a signed timestamp from their own time. */
export const CHAT_SIGNATURE_WINDOW_MS = 60 * 60 * 1000;
