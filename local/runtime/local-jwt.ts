import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * The local stand-in for Cognito and API Gateway's JWT authorizer: tokens of the same shape as a
 * Cognito access token (`sub`, `username`, `cognito:groups`, `scope`, `client_id`, `token_use`,
 * `iss`, `exp`), signed with HS256 by a key that exists only in this process, and verified the way
 * the JWT authorizer verifies (signature, issuer, audience or client_id, expiry, not-before). Only
 * `npm start` and the tests use it; a deployment verifies Cognito's RS256 tokens in API Gateway.
 */

export interface LocalTokenRequest {
  /** User name; absent for a client-credentials (machine) token. */
  readonly username?: string;
  readonly groups?: readonly string[];
  readonly scopes?: readonly string[];
  /** Stable id; default derived from the user name or client id. */
  readonly sub?: string;
  /** Token lifetime in seconds. @default 3600 */
  readonly ttlSeconds?: number;
}

export type VerifiedToken =
  | { readonly ok: true; readonly claims: Record<string, unknown>; readonly scopes: string[] }
  | { readonly ok: false; readonly reason: string };

export const LOCAL_ISSUER = 'https://acorn.local/dev-login';
export const LOCAL_CLIENT_ID = 'acorn-local-console';
export const LOCAL_MACHINE_CLIENT_ID = 'acorn-local-warehouse';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export class LocalJwtIssuer {
  readonly #key: Buffer;
  readonly #now: () => Date;

  /** `now` is the wall clock: token expiry is about people, not the accelerated business clock. */
  constructor(options: { key?: Buffer; now?: () => Date } = {}) {
    this.#key = options.key ?? randomBytes(32);
    this.#now = options.now ?? (() => new Date());
  }

  issue(request: LocalTokenRequest): string {
    const iat = Math.floor(this.#now().getTime() / 1000);
    const machine = request.username === undefined;
    const clientId = machine ? LOCAL_MACHINE_CLIENT_ID : LOCAL_CLIENT_ID;
    const claims: Record<string, unknown> = {
      sub: request.sub ?? (machine ? clientId : `local-${request.username}`),
      iss: LOCAL_ISSUER,
      client_id: clientId,
      token_use: 'access',
      jti: randomUUID(),
      iat,
      exp: iat + (request.ttlSeconds ?? 3600),
      ...(machine ? {} : { username: request.username, 'cognito:groups': [...(request.groups ?? [])] }),
      ...(request.scopes?.length ? { scope: request.scopes.join(' ') } : {}),
    };
    const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
    return `${unsigned}.${this.#sign(unsigned)}`;
  }

  /** Verifies a token as the JWT authorizer would: any failure is a 401 for the caller. */
  verify(token: string): VerifiedToken {
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false, reason: 'not a JWT' };
    const [header = '', payload = '', signature = ''] = parts;
    let parsedHeader: { alg?: unknown };
    let claims: Record<string, unknown>;
    try {
      parsedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown };
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return { ok: false, reason: 'malformed token' };
    }
    if (parsedHeader.alg !== 'HS256') return { ok: false, reason: 'unexpected algorithm' };
    const expected = Buffer.from(this.#sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return { ok: false, reason: 'bad signature' };
    }
    if (claims.iss !== LOCAL_ISSUER) return { ok: false, reason: 'wrong issuer' };
    const audience = claims.aud ?? claims.client_id;
    if (audience !== LOCAL_CLIENT_ID && audience !== LOCAL_MACHINE_CLIENT_ID) {
      return { ok: false, reason: 'wrong audience' };
    }
    const now = this.#now().getTime() / 1000;
    if (typeof claims.exp !== 'number' || claims.exp <= now) return { ok: false, reason: 'expired' };
    if (typeof claims.nbf === 'number' && claims.nbf > now) return { ok: false, reason: 'not yet valid' };
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
    return { ok: true, claims, scopes };
  }

  #sign(unsigned: string): string {
    return createHmac('sha256', this.#key).update(unsigned).digest('base64url');
  }
}

/**
 * Claims as API Gateway's HTTP API hands them to the function: every value a string, arrays
 * flattened to `[a b]`.
 */
export function apiGatewayClaims(claims: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(claims).map(([k, v]) => [k, Array.isArray(v) ? `[${v.join(' ')}]` : String(v)]),
  );
}
