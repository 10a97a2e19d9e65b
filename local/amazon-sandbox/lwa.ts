/**
 * The sandbox's Login with Amazon: refresh-token and client-credentials grants, access-token
 * checks, and client-secret rotation.
 *
 * Access tokens are self-contained (claims + HMAC), so they survive a sandbox restart exactly as
 * real tokens survive a deployment; they expire after 3600 s of business (clock) time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import type { Clock } from '#shared/clock.ts';
import {
  type ApplicationOAuthClientNewSecretNotification,
  type ApplicationOAuthClientSecretExpiryNotification,
  CLIENT_SECRET_ROTATION_SCOPE,
  type LwaErrorResponse,
  type LwaTokenResponse,
  lwaTokenRequestSchema,
} from '#shared/sp-api/schemas/lwa.ts';
import { Rng } from './prng.ts';
import type { ClientSecretRecord, SandboxState } from './state.ts';

/** Lifetime of an access token, in seconds of clock time. */
export const ACCESS_TOKEN_TTL_SECONDS = 3600;
const DAY = 86_400_000;
/** How long the previous secret keeps working after a rotation (Amazon: 7 days). */
export const OLD_SECRET_GRACE_MS = 7 * DAY;
/** Lifetime of a newly rotated secret (Amazon: about 180 days). */
export const NEW_SECRET_LIFETIME_MS = 180 * DAY;

/** Grantless scopes the sandbox grants. */
export const GRANTLESS_SCOPES: ReadonlySet<string> = new Set([
  CLIENT_SECRET_ROTATION_SCOPE,
  'sellingpartnerapi::notifications',
]);

/** The LWA application the sandbox knows. */
export interface SandboxCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Refresh tokens of the selling partners (vendor groups) that authorised the application. */
  readonly refreshTokens: readonly string[];
}

/** Credentials the sandbox accepts when none are given (also what `npm start` uses). */
export const DEFAULT_SANDBOX_CREDENTIALS: SandboxCredentials = {
  clientId: 'amzn1.application-oa2-client.acornlocal',
  clientSecret: 'amzn1.oa2-cs.v1.acornlocalsecret',
  refreshTokens: ['Atzr|acorn-local-refresh-token'],
};

/** Application id used in notification metadata. */
export const SANDBOX_APPLICATION_ID = 'amzn1.sp.solution.acornlocal';

/** Outcome of a token exchange: the LWA body and its status. */
export type TokenExchange =
  | { status: 200; body: LwaTokenResponse }
  | { status: 400 | 401; body: LwaErrorResponse };

/** Outcome of checking an access token. */
export type TokenCheck =
  | { ok: true; clientId: string }
  | { ok: false; reason: 'missing' | 'invalid' | 'expired' | 'wrong-kind' };

const tokenClaimsSchema = z.object({
  /** client id */
  c: z.string(),
  /** expiry, epoch ms of clock time */
  e: z.number(),
  /** grantless scope; absent for selling-partner tokens */
  s: z.string().optional(),
  /** nonce, so two tokens issued in the same millisecond differ */
  n: z.number(),
});
type TokenClaims = z.infer<typeof tokenClaimsSchema>;

const base64url = (buffer: Buffer | string) => Buffer.from(buffer).toString('base64url');

/** Issues and checks LWA tokens and rotates client secrets. */
export class LwaAuthority {
  readonly #credentials: SandboxCredentials;
  readonly #state: SandboxState;
  readonly #clock: Clock;
  readonly #key: string;
  readonly #seed: number;
  #nonce = 0;

  constructor(opts: { credentials: SandboxCredentials; state: SandboxState; clock: Clock; seed: number }) {
    this.#credentials = opts.credentials;
    this.#state = opts.state;
    this.#clock = opts.clock;
    this.#seed = opts.seed;
    this.#key = `acorn-amazon-sandbox:${opts.seed}`;
    if (this.#state.clientSecrets(opts.credentials.clientId).length === 0) {
      this.#state.setClientSecrets(opts.credentials.clientId, [
        { value: opts.credentials.clientSecret, createdAt: this.#clock.now().getTime() },
      ]);
    }
  }

  /** The client id and its newest secret. */
  get credentials(): SandboxCredentials {
    const secrets = this.#state.clientSecrets(this.#credentials.clientId);
    return { ...this.#credentials, clientSecret: secrets.at(-1)?.value ?? this.#credentials.clientSecret };
  }

  /** Handles the form fields of `POST /auth/o2/token`. */
  exchange(fields: Record<string, string>): TokenExchange {
    const grantType = fields.grant_type;
    if (grantType !== 'refresh_token' && grantType !== 'client_credentials') {
      return lwaError(
        400,
        'unsupported_grant_type',
        `The authorization grant type ${grantType ?? '(none)'} is not supported.`,
      );
    }
    const parsed = lwaTokenRequestSchema.safeParse(fields);
    if (!parsed.success) {
      const names = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '')))].join(', ');
      return lwaError(400, 'invalid_request', `The request is missing or has invalid parameters: ${names}.`);
    }
    const request = parsed.data;
    if (!this.#clientAuthenticates(request.client_id, request.client_secret)) {
      return lwaError(401, 'invalid_client', 'Client authentication failed.');
    }
    if (request.grant_type === 'refresh_token') {
      if (!this.#credentials.refreshTokens.includes(request.refresh_token)) {
        return lwaError(400, 'invalid_grant', 'The request has an invalid grant parameter : refresh_token');
      }
      return {
        status: 200,
        body: {
          access_token: this.#issue({ c: request.client_id }),
          refresh_token: request.refresh_token,
          token_type: 'bearer',
          expires_in: ACCESS_TOKEN_TTL_SECONDS,
        },
      };
    }
    if (!GRANTLESS_SCOPES.has(request.scope)) {
      return lwaError(400, 'invalid_scope', `The scope ${request.scope} is not valid for this client.`);
    }
    return {
      status: 200,
      body: {
        access_token: this.#issue({ c: request.client_id, s: request.scope }),
        scope: request.scope,
        token_type: 'bearer',
        expires_in: ACCESS_TOKEN_TTL_SECONDS,
      },
    };
  }

  /**
   * Checks an `x-amz-access-token`. Selling-partner APIs need a refresh-token-derived token;
   * a grantless operation needs a client-credentials token with its scope.
   */
  check(token: string | undefined, required: { grantlessScope?: string } = {}): TokenCheck {
    if (!token) return { ok: false, reason: 'missing' };
    const claims = this.#verify(token);
    if (!claims) return { ok: false, reason: 'invalid' };
    if (claims.e <= this.#clock.now().getTime()) return { ok: false, reason: 'expired' };
    if ((claims.s ?? undefined) !== required.grantlessScope) return { ok: false, reason: 'wrong-kind' };
    return { ok: true, clientId: claims.c };
  }

  /**
   * Rotates the client secret: a new secret for 180 days, the old ones kept for 7 more days.
   * Returns the APPLICATION_OAUTH_CLIENT_NEW_SECRET notification Amazon would queue.
   */
  rotate(clientId: string): ApplicationOAuthClientNewSecretNotification {
    const now = this.#clock.now().getTime();
    const sequence = this.#state.nextSequence();
    const rng = new Rng(this.#seed, 'client-secret', sequence);
    const newSecret = `amzn1.oa2-cs.v1.${rng.chars('0123456789abcdef', 64)}`;
    const oldExpiry = now + OLD_SECRET_GRACE_MS;
    const kept: ClientSecretRecord[] = this.#state
      .clientSecrets(clientId)
      .filter((s) => s.expiresAt === undefined || s.expiresAt > now)
      .map((s) => ({ ...s, expiresAt: Math.min(s.expiresAt ?? oldExpiry, oldExpiry) }));
    const newExpiry = now + NEW_SECRET_LIFETIME_MS;
    this.#state.setClientSecrets(clientId, [
      ...kept,
      { value: newSecret, createdAt: now, expiresAt: newExpiry },
    ]);
    return {
      notificationVersion: '1.0',
      notificationType: 'APPLICATION_OAUTH_CLIENT_NEW_SECRET',
      payloadVersion: '2023-11-30',
      eventTime: new Date(now).toISOString(),
      payload: {
        applicationOAuthClientNewSecret: {
          clientId,
          newClientSecret: newSecret,
          newClientSecretExpiryTime: new Date(newExpiry).toISOString(),
          oldClientSecretExpiryTime: new Date(oldExpiry).toISOString(),
        },
      },
      notificationMetadata: this.#metadata(now, rng),
    };
  }

  /**
   * The APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY notification for the newest secret (Amazon sends
   * it ahead of a periodic expiry; the sandbox sends it when asked).
   */
  expiryNotice(clientId: string, expiresAt?: number): ApplicationOAuthClientSecretExpiryNotification {
    const now = this.#clock.now().getTime();
    const current = this.#state.clientSecrets(clientId).at(-1);
    const expiry = expiresAt ?? current?.expiresAt ?? now + OLD_SECRET_GRACE_MS;
    const rng = new Rng(this.#seed, 'secret-expiry', this.#state.nextSequence());
    return {
      notificationVersion: '1.0',
      notificationType: 'APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY',
      payloadVersion: '2023-11-30',
      eventTime: new Date(now).toISOString(),
      payload: {
        applicationOAuthClientSecretExpiry: {
          clientId,
          clientSecretExpiryTime: new Date(expiry).toISOString(),
          clientSecretExpiryReason: 'PERIODIC_ROTATION',
        },
      },
      notificationMetadata: this.#metadata(now, rng),
    };
  }

  #metadata(now: number, rng: Rng) {
    return {
      applicationId: SANDBOX_APPLICATION_ID,
      subscriptionId: rng.uuid(),
      publishTime: new Date(now).toISOString(),
      notificationId: rng.uuid(),
    };
  }

  #clientAuthenticates(clientId: string, clientSecret: string): boolean {
    const now = this.#clock.now().getTime();
    return this.#state
      .clientSecrets(clientId)
      .some((s) => s.value === clientSecret && (s.expiresAt === undefined || s.expiresAt > now));
  }

  #issue(claims: Omit<TokenClaims, 'e' | 'n'>): string {
    this.#nonce += 1;
    const full: TokenClaims = {
      ...claims,
      e: this.#clock.now().getTime() + ACCESS_TOKEN_TTL_SECONDS * 1000,
      n: this.#nonce,
    };
    const body = base64url(JSON.stringify(full));
    // Real LWA access tokens start with Atza| (selling partner) or Atc| (client credentials).
    const prefix = claims.s ? 'Atc|' : 'Atza|';
    return `${prefix}${body}.${this.#sign(body)}`;
  }

  #verify(token: string): TokenClaims | undefined {
    const match = /^(?:Atza|Atc)\|([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(token);
    if (!match) return undefined;
    const [, body, signature] = match as unknown as [string, string, string];
    const expected = Buffer.from(this.#sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const claims = tokenClaimsSchema.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
      if (claims.success) return claims.data;
    } catch {
      // A token that is signed but unreadable is simply invalid.
    }
    return undefined;
  }

  #sign(body: string): string {
    return createHmac('sha256', this.#key).update(body).digest('base64url');
  }
}

function lwaError(status: 400 | 401, error: string, description: string): TokenExchange {
  return { status, body: { error, error_description: description } };
}
