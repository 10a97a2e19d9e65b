import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { AppError } from '../../errors.ts';

/**
 * Signed approval links. An approver receives a link to a review page whose token names one
 * approval and one approver and expires; the token only lets the page *show* the request (a GET
 * never decides — mail scanners and chat unfurlers fetch links). The decision is a POST from the
 * page that carries the same token.
 *
 * Token = base64url(JSON claims) "." base64url(HMAC-SHA256(key, first part)). The key lives in
 * Secrets Manager (`ApprovalLinkKey`: `{ "current": …, "previous"?: … }`); `previous` verifies
 * links sent before a rotation until they expire. Pure: no I/O, the clock is passed in.
 */

/** What a link proves: this approver may look at (and decide) this approval until `expiresAt`. */
export interface ApprovalLinkClaims {
  readonly approvalId: string;
  /** The approver's id as configured (`approvers[].name`). */
  readonly approver: string;
  /** ISO instant after which the link is refused. */
  readonly expiresAt: string;
}

/** The keys the links are signed (current) and verified (current, then previous) with. */
export interface ApprovalLinkKeys {
  readonly current: string;
  readonly previous?: string | undefined;
}

/** Why a link was refused; the message is safe to show (it never contains the token). */
export class ApprovalLinkError extends AppError {
  readonly retryable = false;
  constructor(
    readonly reason: 'malformed' | 'forged' | 'expired',
    message: string,
  ) {
    super(message);
  }
}

const claimsSchema = z.strictObject({
  v: z.literal(1),
  a: z.string().min(1),
  u: z.string().min(1),
  e: z.number().int().positive(),
});

const sign = (key: string, body: string): Buffer => createHmac('sha256', key).update(body).digest();

/** A token for one approver of one approval. */
export function signApprovalLink(claims: ApprovalLinkClaims, keys: ApprovalLinkKeys): string {
  const expiresAtSeconds = Math.floor(Date.parse(claims.expiresAt) / 1000);
  if (!Number.isFinite(expiresAtSeconds)) {
    throw new ApprovalLinkError('malformed', `expiresAt is not an instant: ${claims.expiresAt}`);
  }
  const body = Buffer.from(
    JSON.stringify({ v: 1, a: claims.approvalId, u: claims.approver, e: expiresAtSeconds }),
  ).toString('base64url');
  return `${body}.${sign(keys.current, body).toString('base64url')}`;
}

/**
 * The claims of a genuine, unexpired token; otherwise an {@link ApprovalLinkError} saying why.
 * The signature is compared in constant time before the claims are read.
 */
export function verifyApprovalLink(token: string, keys: ApprovalLinkKeys, now: Date): ApprovalLinkClaims {
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new ApprovalLinkError('malformed', 'the approval link is incomplete');
  }
  const [body, signature] = parts as [string, string];
  const given = Buffer.from(signature, 'base64url');
  const genuine = [keys.current, keys.previous]
    .filter((key): key is string => Boolean(key))
    .some((key) => {
      const expected = sign(key, body);
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  if (!genuine) throw new ApprovalLinkError('forged', 'the approval link is not signed by this deployment');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new ApprovalLinkError('malformed', 'the approval link cannot be read');
  }
  const claims = claimsSchema.safeParse(decoded);
  if (!claims.success) throw new ApprovalLinkError('malformed', 'the approval link cannot be read');
  const expiresAt = new Date(claims.data.e * 1000);
  if (now.getTime() >= expiresAt.getTime()) {
    throw new ApprovalLinkError('expired', `the approval link expired at ${expiresAt.toISOString()}`);
  }
  return { approvalId: claims.data.a, approver: claims.data.u, expiresAt: expiresAt.toISOString() };
}
