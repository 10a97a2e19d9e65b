import * as z from 'zod';
import type { AuditActor } from './audit.ts';

/**
 * Who may call which console route. Pure: the signed-in principal comes from the JWT claims the
 * authorizer verified (API Gateway's JWT authorizer in AWS, the local runtime's HTTP layer under
 * `npm start`); every route declares one policy and the handler checks it before anything else.
 */

/** The Cognito groups of the user pool. */
export const CONSOLE_GROUPS = ['admin', 'operator', 'approver', 'analyst'] as const;
export const consoleGroupSchema = z.enum(CONSOLE_GROUPS);
export type ConsoleGroup = z.infer<typeof consoleGroupSchema>;

/** OAuth scope of the machine-to-machine client that pushes shipments (the warehouse). */
export const SHIPMENTS_WRITE_SCOPE = 'acorn/shipments.write';
/** The OAuth scope of the ERP's/WMS's client-credentials client that pushes stock counts. */
export const STOCK_WRITE_SCOPE = 'acorn/stock.write';

/** The caller of a route, from the verified token. */
export interface Principal {
  /** `sub` of a user, `client_id` of a machine client. */
  readonly id: string;
  /** User name (display only). */
  readonly name: string;
  readonly kind: 'user' | 'machine';
  readonly groups: readonly ConsoleGroup[];
  readonly scopes: readonly string[];
}

/** What a route allows: members of any of `groups`, or machine clients holding any of `scopes`. */
export interface RoutePolicy {
  /** Short name, shown in the README's table and in 403 answers. */
  readonly name: string;
  readonly groups: readonly ConsoleGroup[];
  readonly scopes?: readonly string[];
}

/** The policies of the console API (README: "Roles"). */
export const POLICIES = {
  /** Reading anything the console shows: every signed-in group. */
  read: { name: 'read', groups: ['admin', 'operator', 'approver', 'analyst'] },
  /** Operating the business: deciding PO lines, pushing shipments, corrections. */
  operate: { name: 'operate', groups: ['admin', 'operator'] },
  /** Shipments pushed by a person or by the warehouse's client-credentials client. */
  pushShipments: { name: 'push shipments', groups: ['admin', 'operator'], scopes: [SHIPMENTS_WRITE_SCOPE] },
  /** Stock counts pushed by a person or by the ERP/WMS's client-credentials client. */
  pushStock: { name: 'push stock', groups: ['admin', 'operator'], scopes: [STOCK_WRITE_SCOPE] },
  /** Switching an automation's mode. */
  administer: { name: 'administer', groups: ['admin'] },
  /** Approving or rejecting a credit memo. */
  approve: { name: 'approve', groups: ['approver'] },
} as const satisfies Record<string, RoutePolicy>;

export type AuthorizationDecision =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly status: 401 | 403; readonly message: string };

/** Decides one call: 401 without a principal, 403 when neither a group nor a scope matches. */
export function authorize(principal: Principal | undefined, policy: RoutePolicy): AuthorizationDecision {
  if (!principal) return { ok: false, status: 401, message: 'Sign in first: no valid token' };
  const byGroup = principal.groups.some((g) => policy.groups.includes(g));
  const byScope = principal.kind === 'machine' && principal.scopes.some((s) => policy.scopes?.includes(s));
  if (byGroup || byScope) return { ok: true, principal };
  const needs = [
    policy.groups.length > 0 ? `a member of ${policy.groups.join(' or ')}` : undefined,
    policy.scopes?.length ? `a client with scope ${policy.scopes.join(' or ')}` : undefined,
  ]
    .filter(Boolean)
    .join(', or ');
  return {
    ok: false,
    status: 403,
    message: `${principal.name} may not ${policy.name}: this needs ${needs}`,
  };
}

/**
 * A claim as API Gateway's JWT authorizer hands it over: strings stay strings, arrays arrive as
 * `[a b c]` (HTTP API flattens them), some tokens carry a JSON array. Returns the list.
 */
export function claimList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string' || value === '') return [];
  const text = value.trim();
  if (text.startsWith('[') && text.endsWith(']')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // `[a b]`: API Gateway's own rendering of an array claim.
    }
    return text
      .slice(1, -1)
      .split(/[\s,]+/)
      .filter(Boolean);
  }
  return text.split(/\s+/).filter(Boolean);
}

/**
 * The principal of verified claims (a Cognito access token, or the local dev login's token of the
 * same shape): users carry `cognito:groups`; a client-credentials token has no `username` and
 * carries its `scope`. Unknown groups are ignored, never trusted.
 */
export function principalFromClaims(
  claims: Record<string, unknown> | undefined,
  scopes?: readonly string[] | null,
): Principal | undefined {
  if (!claims) return undefined;
  const sub = typeof claims.sub === 'string' ? claims.sub : undefined;
  if (!sub) return undefined;
  const username =
    (typeof claims.username === 'string' && claims.username) ||
    (typeof claims['cognito:username'] === 'string' && claims['cognito:username']) ||
    undefined;
  const groups = claimList(claims['cognito:groups']).flatMap((g) => {
    const parsed = consoleGroupSchema.safeParse(g);
    return parsed.success ? [parsed.data] : [];
  });
  const tokenScopes = scopes && scopes.length > 0 ? [...scopes] : claimList(claims.scope);
  if (!username) {
    const clientId = typeof claims.client_id === 'string' ? claims.client_id : sub;
    return { id: clientId, name: clientId, kind: 'machine', groups: [], scopes: tokenScopes };
  }
  return { id: sub, name: username, kind: 'user', groups, scopes: tokenScopes };
}

/** The audit actor of a principal: a person by Cognito `sub`, a machine client as the system. */
export function actorOf(principal: Principal): AuditActor {
  return principal.kind === 'user'
    ? { type: 'person', id: principal.id, name: principal.name }
    : { type: 'system', id: principal.id, name: principal.name };
}
