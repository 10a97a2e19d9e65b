import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  devLogin,
  type E2eSystem,
  makeDataDir,
  removeDataDir,
  startE2eSystem,
} from '../support/e2e-system.ts';

async function call(
  system: E2eSystem,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${system.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('the console API through the local HTTP layer: 401, 403, 200 by group', () => {
  let dataDir: string | undefined;
  let system: E2eSystem | undefined;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    dataDir = makeDataDir();
    system = await startE2eSystem(dataDir, { schedules: false, warehouse: false });
    for (const group of ['admin', 'operator', 'approver', 'analyst']) {
      tokens[group] = await devLogin(system.url, `e2e-${group}`, [group]);
    }
  });

  afterAll(async () => {
    await system?.close();
    if (dataDir) removeDataDir(dataDir);
  });

  it('refuses a call without a token or with a forged one (401)', async () => {
    if (!system) throw new Error('not started');
    expect((await call(system, 'GET', '/api/purchase-orders')).status).toBe(401);
    const forged = `${tokens.admin!.slice(0, -4)}AAAA`;
    expect((await call(system, 'GET', '/api/automation', forged)).status).toBe(401);
  });

  it('refuses a bad dev login, naming the field', async () => {
    if (!system) throw new Error('not started');
    const res = await call(system, 'POST', '/api/dev-login', undefined, { username: 'x', groups: ['root'] });
    expect(res.status).toBe(400);
    expect(String(res.body.message)).toContain('groups');
  });

  it('lets every group read, and only the allowed groups write (403 otherwise)', async () => {
    if (!system) throw new Error('not started');
    for (const group of ['admin', 'operator', 'approver', 'analyst']) {
      for (const path of [
        '/api/purchase-orders',
        '/api/kpis',
        '/api/errors',
        '/api/automation',
        '/api/audit',
      ]) {
        expect(`${group} ${path} ${(await call(system, 'GET', path, tokens[group])).status}`).toBe(
          `${group} ${path} 200`,
        );
      }
    }
    for (const group of ['operator', 'approver', 'analyst']) {
      const res = await call(system, 'PUT', '/api/automation/invoices', tokens[group], { mode: 'live' });
      expect(`${group} ${res.status}`).toBe(`${group} 403`);
    }
    for (const group of ['approver', 'analyst']) {
      const res = await call(system, 'POST', '/api/purchase-orders/NOSUCHPO/decisions', tokens[group], {
        lines: [],
      });
      expect(`${group} ${res.status}`).toBe(`${group} 403`);
    }
    // An operator passes the check and reaches the handler, which validates the body.
    const operator = await call(system, 'POST', '/api/purchase-orders/NOSUCHPO/decisions', tokens.operator, {
      lines: [],
    });
    expect(operator.status).toBe(400);
    // Credit-memo approval decisions: approvers only (README "Roles": `approve`).
    for (const group of ['admin', 'operator', 'analyst']) {
      const res = await call(system, 'POST', '/api/approvals/NOSUCH/decision', tokens[group], {
        decision: 'approve',
      });
      expect(`${group} ${res.status}`).toBe(`${group} 403`);
    }
    const approver = await call(system, 'POST', '/api/approvals/NOSUCH/decision', tokens.approver, {
      decision: 'maybe',
    });
    expect(approver.status).toBe(400);
    expect(String(approver.body.message)).toContain('decision');
  });

  it('lets an admin switch a mode, audited with the admin as actor and found by the audit search', async () => {
    if (!system) throw new Error('not started');
    const before = z
      .object({ version: z.number(), modules: z.array(z.object({ module: z.string(), mode: z.string() })) })
      .parse((await call(system, 'GET', '/api/automation', tokens.analyst)).body);

    const switched = await call(system, 'PUT', '/api/automation/invoices', tokens.admin, {
      mode: 'off',
      version: before.version,
      reason: 'e2e: pause invoices',
    });
    const stale = await call(system, 'PUT', '/api/automation/invoices', tokens.admin, {
      mode: 'live',
      version: before.version,
    });
    const bad = await call(system, 'PUT', '/api/automation/nonsense', tokens.admin, { mode: 'live' });

    expect(switched.status).toBe(200);
    expect(stale.status).toBe(409);
    expect(bad.status).toBe(400);
    expect(String(bad.body.message)).toContain('module');
    const after = z
      .object({ modules: z.array(z.object({ module: z.string(), mode: z.string(), source: z.string() })) })
      .parse((await call(system, 'GET', '/api/automation', tokens.operator)).body);
    expect(after.modules.find((m) => m.module === 'invoices')).toEqual({
      module: 'invoices',
      mode: 'off',
      source: 'console',
    });
    const audit = z
      .object({
        items: z.array(
          z.object({ action: z.string(), actor: z.object({ id: z.string(), name: z.string().optional() }) }),
        ),
      })
      .parse((await call(system, 'GET', '/api/audit?action=automation.switched', tokens.analyst)).body);
    expect(audit.items).toEqual([
      expect.objectContaining({
        action: 'automation.switched',
        actor: expect.objectContaining({ name: 'e2e-admin' }),
      }),
    ]);
    const byActor = (await call(system, 'GET', '/api/audit?actor=local-e2e-admin', tokens.analyst)).body as {
      items: unknown[];
    };
    expect(byActor.items).toHaveLength(1);
  });
});
