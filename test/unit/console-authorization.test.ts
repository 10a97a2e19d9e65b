import { describe, expect, it } from 'vitest';
import { LocalJwtIssuer } from '#local/runtime/local-jwt.ts';
import {
  actorOf,
  authorize,
  claimList,
  POLICIES,
  type Principal,
  principalFromClaims,
  SHIPMENTS_WRITE_SCOPE,
} from '#shared/domain/authorization.ts';

const user = (...groups: Principal['groups']): Principal => ({
  id: `sub-${groups.join('-')}`,
  name: `user-${groups.join('-')}`,
  kind: 'user',
  groups,
  scopes: [],
});
const warehouse: Principal = {
  id: 'client-1',
  name: 'client-1',
  kind: 'machine',
  groups: [],
  scopes: [SHIPMENTS_WRITE_SCOPE],
};

/** The README's table: policy → who may. */
const TABLE = {
  read: { admin: true, operator: true, approver: true, analyst: true, warehouse: false },
  operate: { admin: true, operator: true, approver: false, analyst: false, warehouse: false },
  pushShipments: { admin: true, operator: true, approver: false, analyst: false, warehouse: true },
  administer: { admin: true, operator: false, approver: false, analyst: false, warehouse: false },
  approve: { admin: false, operator: false, approver: true, analyst: false, warehouse: false },
} as const;

describe('console authorization', () => {
  for (const [policyName, row] of Object.entries(TABLE)) {
    const policy = POLICIES[policyName as keyof typeof POLICIES];
    for (const [who, allowed] of Object.entries(row)) {
      it(`${allowed ? 'lets' : 'refuses'} ${who} ${policy.name}`, () => {
        const principal = who === 'warehouse' ? warehouse : user(who as Principal['groups'][number]);
        const decision = authorize(principal, policy);
        expect(decision.ok).toBe(allowed);
        if (!decision.ok) expect(decision.status).toBe(403);
      });
    }
  }

  it('answers 401 without a principal and names what a refused call needs', () => {
    expect(authorize(undefined, POLICIES.read)).toEqual(expect.objectContaining({ ok: false, status: 401 }));
    const refused = authorize(user('analyst'), POLICIES.administer);
    expect(refused.ok ? '' : refused.message).toContain('a member of admin');
  });

  it('does not let a user borrow a machine scope', () => {
    const sneaky: Principal = { ...user('analyst'), scopes: [SHIPMENTS_WRITE_SCOPE] };
    expect(authorize(sneaky, POLICIES.pushShipments).ok).toBe(false);
  });

  it("reads API Gateway's flattened claims: groups `[a b]`, unknown groups dropped, machine tokens", () => {
    expect(claimList('[admin operator]')).toEqual(['admin', 'operator']);
    expect(claimList('["approver"]')).toEqual(['approver']);
    expect(
      principalFromClaims({ sub: 's1', username: 'ana', 'cognito:groups': '[analyst superuser]' }),
    ).toEqual({ id: 's1', name: 'ana', kind: 'user', groups: ['analyst'], scopes: [] });
    expect(principalFromClaims({ sub: 'c1', client_id: 'c1', scope: SHIPMENTS_WRITE_SCOPE })).toEqual(
      expect.objectContaining({ kind: 'machine', scopes: [SHIPMENTS_WRITE_SCOPE] }),
    );
    expect(principalFromClaims({ username: 'no-sub' })).toBeUndefined();
    expect(actorOf(user('admin'))).toEqual({ type: 'person', id: 'sub-admin', name: 'user-admin' });
  });
});

describe('the local dev login tokens', () => {
  it('verify what they issue, as the JWT authorizer would', () => {
    const issuer = new LocalJwtIssuer();
    const verified = issuer.verify(issuer.issue({ username: 'ana', groups: ['admin'] }));
    expect(verified.ok && verified.claims['cognito:groups']).toEqual(['admin']);
  });

  it('refuse a tampered, foreign, expired or malformed token', () => {
    const issuer = new LocalJwtIssuer();
    const token = issuer.issue({ username: 'ana', groups: ['analyst'] });
    const [h, p, s] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), 'cognito:groups': ['admin'] }),
    ).toString('base64url');
    expect(issuer.verify(`${h}.${forged}.${s}`)).toEqual({ ok: false, reason: 'bad signature' });
    expect(new LocalJwtIssuer().verify(token)).toEqual({ ok: false, reason: 'bad signature' });
    let now = new Date('2026-01-01T00:00:00Z');
    const timed = new LocalJwtIssuer({ now: () => now });
    const short = timed.issue({ username: 'ana', groups: ['admin'], ttlSeconds: 60 });
    now = new Date('2026-01-01T00:01:01Z');
    expect(timed.verify(short)).toEqual({ ok: false, reason: 'expired' });
    expect(issuer.verify('not-a-jwt')).toEqual({ ok: false, reason: 'not a JWT' });
  });
});
