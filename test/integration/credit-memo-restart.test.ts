import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type LocalSystem, PROJECT_ROOT, startLocalSystem } from '#local/system.ts';
import {
  api,
  memoOf,
  pulledOrder,
  returnRequest,
  seedInvoice,
  waitForMemo,
} from '../support/credit-memo-system.ts';

describe('credit memos across a restart of npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'acorn-restart-'));
  const configPath = join(dataDir, 'acorn.config.json');
  writeFileSync(configPath, readFileSync(join(PROJECT_ROOT, 'acorn.config.json')));
  let system: LocalSystem | undefined;

  const start = () =>
    startLocalSystem({
      port: 0,
      sandboxPort: 0,
      schedules: false,
      log: () => {},
      speed: 600,
      poGeneration: { backlog: 30, perHour: 0 },
      dataDir,
      configPath,
    });

  afterAll(async () => {
    await system?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes a memo waiting for approval from its stored state; the emailed link still decides it', async () => {
    system = await start();
    const test = { ...system, dataDir, dispose: async () => {} };
    const order = await pulledOrder(test, 'ACMEDE');
    await seedInvoice(test, order, 'ACME-DE-INV-000301');
    await api(test, 'POST', '/api/credit-requests', returnRequest(order, 'RN-RESTART', 40));
    const memoId = 'RET-ACMEDE-RN-RESTART';
    const before = await waitForMemo(test, memoId, 'pending-approval');
    const link = await vi.waitFor(() => {
      const found = system!.messages.emails().find((e) => e.text.includes(memoId))?.links[0];
      if (!found) throw new Error('no email yet');
      return found;
    });
    await system.close();

    system = await start();
    const again = { ...system, dataDir, dispose: async () => {} };
    const after = await memoOf(again, memoId);
    expect(after).toMatchObject({ state: 'pending-approval', approvalId: before.approvalId });
    await vi.waitFor(() => {
      const resumed = system!.runtime.stepFunctions
        .executions()
        .find((e) => e.input.includes('"resume"') && e.input.includes(memoId));
      expect(resumed?.status).toBe('RUNNING');
    });
    // The same link, on the restarted console (its port may differ).
    const url = new URL(link);
    const page = await fetch(`${system.url}${url.pathname}${url.search}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const cookie = page.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const decided = await fetch(`${system.url}${url.pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ t: url.searchParams.get('t') ?? '', csrf, decision: 'approve' }).toString(),
    });
    expect(decided.status).toBe(200);
    await waitForMemo(again, memoId, 'accepted');
    expect(
      system.sandbox
        .invoices()
        .filter((r) => r.invoice.items?.[0]?.creditNoteDetails?.returnsReferenceNumber === 'RN-RESTART'),
    ).toHaveLength(1);
  }, 180_000);
});
