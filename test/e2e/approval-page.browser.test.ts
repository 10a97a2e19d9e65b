import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sunkEmailSchema } from '#local/messages/message-sink.ts';
import { hasChromium, launchChromium } from '../support/browser.ts';
import { api, memoOf, pulledOrder, returnRequest, waitForMemo } from '../support/credit-memo-system.ts';
import { type E2eSystem, makeDataDir, removeDataDir, startE2eSystem } from '../support/e2e-system.ts';

/** The emails of the local run, read from the files the SES sink wrote under `<dataDir>/mail/`. */
function emailFiles(dataDir: string) {
  const dir = join(dataDir, 'mail');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => sunkEmailSchema.parse(JSON.parse(readFileSync(join(dir, f), 'utf8'))));
}

describe.skipIf(!hasChromium)('approving a credit memo from its email in headless Chromium', () => {
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

  it('shows the page to a scanner without deciding, approves on the button, and says "already decided" to a replay', async () => {
    if (!system || !browser || !dataDir) throw new Error('the system or the browser did not start');
    const dir = dataDir;
    const test = { ...system, dispose: async () => {} };
    const order = await pulledOrder(test, 'ACMEDE');
    // A return worth far more than the auto-approval limit (and no invoice yet): a person decides.
    const accepted = await api(test, 'POST', '/api/credit-requests', returnRequest(order, 'RN-E2E-1', 1));
    expect(accepted.status).toBe(202);
    const memoId = 'RET-ACMEDE-RN-E2E-1';
    await waitForMemo(test, memoId, 'pending-approval');
    const email = await vi.waitFor(
      () => {
        const found = emailFiles(dir).find((e) => e.text.includes(memoId));
        if (!found) throw new Error('no email file yet');
        return found;
      },
      { timeout: 30_000 },
    );
    const link = email.links.find((l) => l.includes('/approvals/'))!;

    // A mail scanner: GET and HEAD, nothing decided.
    const scanned = await fetch(link);
    expect(scanned.status).toBe(200);
    expect((await fetch(link, { method: 'HEAD' })).status).toBe(200);
    expect((await memoOf(test, memoId))?.state).toBe('pending-approval');
    const csrf = /name="csrf" value="([^"]+)"/.exec(await scanned.text())?.[1] ?? '';
    const cookie = scanned.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');

    // The approver opens the link and presses Approve.
    const page = await browser.newPage();
    await page.goto(link);
    await expect(page.locator('h1').textContent()).resolves.toContain(memoId);
    await page.click('#approve');
    await expect(page.locator('#message').textContent()).resolves.toContain('approved');

    await waitForMemo(test, memoId, 'accepted', 90_000);
    expect(
      system.sandbox
        .invoices()
        .some((r) => r.invoice.items?.[0]?.creditNoteDetails?.returnsReferenceNumber === 'RN-E2E-1'),
    ).toBe(true);

    // The same decision again (a replayed POST): already decided.
    const url = new URL(link);
    const replay = await fetch(`${url.origin}${url.pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ t: url.searchParams.get('t') ?? '', csrf, decision: 'approve' }).toString(),
    });
    expect(replay.status).toBe(409);
    expect(await replay.text()).toContain('already decided');
  }, 180_000);
});
