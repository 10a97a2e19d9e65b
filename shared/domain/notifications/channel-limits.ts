import type { GcraParams } from '../../rate-limit/gcra.ts';
import type { AlertChannelType } from './alert-config.ts';

/**
 * The documented send limits of each channel type (notes A4) and the pacing Acorn keeps below
 * them: one GCRA bucket per channel, shared by every delivering Lambda (rule 12).
 * - DingTalk custom robot: 20 messages/min per robot; going over blocks the robot for 10 minutes.
 * - Feishu custom bot: 5/s and 100/min per bot.
 * - Slack: about 1 message/s per channel (webhook or chat.postMessage).
 * - SES v2: 1 message/s in the SES sandbox (production accounts get more; 1/s is plenty for alerts).
 */
export const CHANNEL_LIMITS: Readonly<Record<AlertChannelType, { perMinute: number; burst: number }>> = {
  dingtalk: { perMinute: 20, burst: 1 },
  feishu: { perMinute: 100, burst: 3 },
  slack: { perMinute: 60, burst: 1 },
  email: { perMinute: 60, burst: 1 },
};

/** Share of each documented rate used: headroom for clock skew and jitter between Lambdas. */
export const CHANNEL_RATE_FRACTION = 0.85;

/** GCRA parameters of a channel type: the sustained interval and a burst of at most `burst` messages. */
export function channelPacing(type: AlertChannelType, fraction = CHANNEL_RATE_FRACTION): GcraParams {
  const limit = CHANNEL_LIMITS[type];
  const intervalMs = 60_000 / (limit.perMinute * fraction);
  return { intervalMs, toleranceMs: (limit.burst - 1) * intervalMs };
}

/** The rate-limit bucket of one channel. */
export function channelBucket(channel: string): string {
  return `notifications#${channel}`;
}
