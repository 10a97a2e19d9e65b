import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { AppError } from '../../errors.ts';

/**
 * A request for a person's decision on a credit memo. The workflow's task token is stored with
 * the record, server-side, under an opaque random `approvalId`; only the id ever leaves the system
 * (links, Slack buttons, events, logs). The decision is one conditional write `pending → approved
 * | rejected` made before the workflow is told, so a double click or a second approver finds it
 * already decided. Pure: shapes, rules and Slack's request signature.
 */

export const APPROVAL_STATES = ['pending', 'approved', 'rejected', 'expired'] as const;
export type ApprovalState = (typeof APPROVAL_STATES)[number];

export const approvalRecordSchema = z.object({
  approvalId: z.string().min(16),
  memoId: z.string(),
  state: z.enum(APPROVAL_STATES),
  /** The workflow's task token: never logged, never in a link, event or archive. */
  taskToken: z.string(),
  /** Configured approvers' names who may decide. */
  approvers: z.array(z.string()).min(1),
  createdAt: z.string(),
  expiresAt: z.string(),
  /** Reminders already sent (index into the reminder plan). */
  remindersSent: z.number().int().min(0),
  escalated: z.boolean(),
  /** Summary shown on the review page and in messages (no personal data). */
  summary: z.strictObject({
    vendorCode: z.string(),
    marketplace: z.string(),
    reference: z.string(),
    total: z.string(),
    currency: z.string(),
    reasons: z.array(z.string()),
  }),
  decision: z
    .strictObject({
      by: z.string(),
      at: z.string(),
      via: z.enum(['link', 'slack', 'console', 'expiry']),
      note: z.string(),
      sourceIp: z.string().optional(),
      userAgent: z.string().optional(),
    })
    .optional(),
});
export type ApprovalRecord = z.infer<typeof approvalRecordSchema>;

/** An approval as the API shows it: everything but the task token. */
export type ApprovalView = Omit<ApprovalRecord, 'taskToken'>;

export function approvalView(record: ApprovalRecord): ApprovalView {
  const { taskToken: _secret, ...view } = record;
  return view;
}

/** Why a decision was refused; the message is safe to show. */
export class ApprovalRefusedError extends AppError {
  readonly retryable = false;
  constructor(
    readonly reason: 'not-found' | 'already-decided' | 'expired' | 'not-an-approver' | 'forged' | 'csrf',
    message: string,
  ) {
    super(message);
  }
}

/** The error names the workflow's RequestApproval Catch matches (SendTaskFailure `error`). */
export const APPROVAL_FAILURE = { rejected: 'ApprovalRejected', expired: 'ApprovalExpired' } as const;

// ---- Slack request signatures (notes/reliability-security-performance.md A4) -------------------

/** Requests older (or newer) than this are refused: Slack's replay window. */
export const SLACK_MAX_SKEW_SECONDS = 300;

/**
 * Whether a request comes from Slack: `v0=` + hex HMAC-SHA256(signing secret, `v0:ts:rawBody`),
 * compared in constant time, with the timestamp within five minutes of now.
 */
export function verifySlackSignature(input: {
  signingSecret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: string;
  now: Date;
}): { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'bad-signature' } {
  const { timestamp, signature } = input;
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return { ok: false, reason: 'missing' };
  const skew = Math.abs(Math.floor(input.now.getTime() / 1000) - Number(timestamp));
  if (skew > SLACK_MAX_SKEW_SECONDS) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(
    `v0=${createHmac('sha256', input.signingSecret).update(`v0:${timestamp}:${input.rawBody}`).digest('hex')}`,
  );
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad-signature' };
  }
  return { ok: true };
}

/** The block_actions payload fields we read (the rest is ignored). */
export const slackActionPayloadSchema = z.looseObject({
  type: z.literal('block_actions'),
  user: z.looseObject({ id: z.string() }),
  team: z.looseObject({ id: z.string() }).optional(),
  actions: z
    .array(z.looseObject({ action_id: z.enum(['approve', 'reject']), value: z.string().min(16) }))
    .min(1),
});

/**
 * The CSRF nonce of a review page: HMAC(key, `csrf:` + link token). The page's form carries it
 * and a SameSite=Strict cookie carries it too; a POST must present both, equal, and the token.
 */
export function csrfNonce(key: string, linkToken: string): string {
  return createHmac('sha256', key).update(`csrf:${linkToken}`).digest('base64url');
}

/** Constant-time string equality. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
