import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { hasChromium, launchChromium } from '../support/browser.ts';
import { api, pulledOrder, returnRequest, waitForMemo } from '../support/credit-memo-system.ts';
import { type E2eSystem, makeDataDir, removeDataDir, startE2eSystem } from '../support/e2e-system.ts';

const SCREENSHOTS = join(import.meta.dirname, 'screenshots');

const approvalsSchema = z.object({
  items: z.array(
    z.looseObject({ approvalId: z.string(), memoId: z.string(), approvers: z.array(z.string()) }),
  ),
});

describe.skipIf(!hasChromium)('signing in, approving a credit memo and finding it in the audit log', () => {
  let dataDir: string | undefined;
  let system: E2eSystem | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    dataDir = makeDataDir();
    system = await startE2eSystem(dataDir, {
      speed: 300,
      schedules: false,
      poGeneration: { backlog: 30, perHour: 0 },
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
    if (dataDir) removeDataDir(dataDir);
  });

  it('shows the KPI charts, links the pending approval to its memo, approves from the approvals page and audits the signed-in approver', async () => {
    if (!system || !browser) throw new Error('the system or the browser did not start');
    const test = { ...system, dispose: async () => {} };
    mkdirSync(SCREENSHOTS, { recursive: true });

    // A return worth more than the auto-approval limit: the workflow asks a person.
    const order = await pulledOrder(test, 'ACMEDE');
    const accepted = await api(test, 'POST', '/api/credit-requests', returnRequest(order, 'RN-CONSOLE-1', 1));
    expect(accepted.status).toBe(202);
    const memoId = 'RET-ACMEDE-RN-CONSOLE-1';
    await waitForMemo(test, memoId, 'pending-approval');
    const approval = approvalsSchema
      .parse((await api(test, 'GET', '/api/approvals?state=pending')).body)
      .items.find((a) => a.memoId === memoId);
    if (!approval) throw new Error(`no pending approval for ${memoId}`);
    const approverName = approval.approvers[0]!;
    // Signed in under the configured approver's email, the console's Approve button decides as them.
    const approverEmail = system.config.approvers.find((a) => a.name === approverName)?.email;
    if (!approverEmail) throw new Error(`${approverName} is not a configured approver`);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    // Sign in with the dev login as an approver (the configured approver's email): the KPIs page
    // with its charts.
    await page.goto(system.url);
    await page.locator('#dev-login input[name=username]').fill(approverEmail);
    await page.locator('#dev-login select[name=group]').selectOption('approver');
    await page.locator('#dev-login button[type=submit]').click();
    await page.locator('#kpi-fill-rate').waitFor({ timeout: 30_000 });
    // Vendor sales and units, plus the DTC conversion of the last 30 days.
    expect(await page.locator('svg.chart').count()).toBe(3);
    expect(await page.locator('svg.chart:not(#chart-dtc-conversion) rect.bar').count()).toBe(14);
    expect(await page.locator('#chart-dtc-conversion rect.bar').count()).toBe(30);
    expect(await page.locator('#kpi-approvals').textContent()).toBe('1');
    await page.screenshot({ path: join(SCREENSHOTS, 'console-approval-kpis.png') });

    // The approvals page lists the pending approval; its memo link opens that one memo.
    await page.goto(`${system.url}/#approvals`);
    const memoLink = page.locator(`#table-approvals a[href="#credit-memos?memoId=${memoId}"]`);
    await memoLink.waitFor({ timeout: 10_000 });
    expect(await page.locator('#table-approvals tbody tr').count()).toBe(1);
    expect(await page.locator('#table-approvals tbody tr').textContent()).toContain(approverName);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-approvals.png') });
    await memoLink.click();
    await expect
      .poll(() => page.locator('#table-credit-memos tbody tr td:first-child').allTextContents(), {
        timeout: 10_000,
      })
      .toEqual([memoId]);
    expect(await page.locator('#table-credit-memos tbody tr').textContent()).toContain('pending-approval');

    // Back on the approvals page, the signed-in approver presses Approve on the memo's row.
    await page.goto(`${system.url}/#approvals`);
    const row = page.locator('#table-approvals tbody tr', { hasText: memoId });
    await row.locator('button[data-action=approve]').click();
    // The page reloads without the decided approval.
    await expect
      .poll(() => page.locator('#table-approvals tbody tr', { hasText: memoId }).count(), { timeout: 30_000 })
      .toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-approval-decided.png') });
    await waitForMemo(test, memoId, 'accepted', 90_000);

    // The audit log: the decision on the memo, with the signed-in approver (not a system) as the actor.
    await page.goto(`${system.url}/#audit`);
    // The memo's own history (an index query by entity), with the approval in it.
    await page.locator('#audit-form input[name=entity]').fill(`CreditMemo:${memoId}`);
    await page.locator('#audit-form button[type=submit]').click();
    const approvalRow = page.locator('#table-audit tbody tr', { hasText: 'creditMemo.approved' });
    await expect.poll(() => approvalRow.count(), { timeout: 60_000 }).toBe(1);
    const cells = await approvalRow.locator('td').allTextContents();
    expect(cells.slice(1, 5)).toEqual([approverEmail, 'creditMemo.approved', 'CreditMemo', memoId]);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-approval-audit.png') });

    // The same decision found by the signed-in user's id (Cognito `sub`; the dev login's `local-…`).
    await page.locator('#audit-form input[name=entity]').fill('');
    await page.locator('#audit-form input[name=actor]').fill(`local-${approverEmail}`);
    await page.locator('#audit-form button[type=submit]').click();
    await expect
      .poll(() => page.locator('#table-audit tbody tr td:nth-child(3)').allTextContents(), {
        timeout: 60_000,
      })
      .toContain('creditMemo.approved');
    expect(pageErrors).toEqual([]);
  }, 240_000);
});
