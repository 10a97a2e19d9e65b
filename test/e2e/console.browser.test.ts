import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../support/browser.ts';
import {
  type E2eSystem,
  listAllPurchaseOrders,
  makeDataDir,
  removeDataDir,
  startE2eSystem,
} from '../support/e2e-system.ts';

if (!hasChromium) {
  console.log("browser tests skipped: Debian's chromium is not installed (apt-get install chromium)");
}
const SCREENSHOTS = join(import.meta.dirname, 'screenshots');

describe.skipIf(!hasChromium)('the console in headless Chromium', () => {
  let dataDir: string | undefined;
  let system: E2eSystem | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    dataDir = makeDataDir();
    system = await startE2eSystem(dataDir, { speed: 60, poGeneration: { backlog: 150, perHour: 0 } });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await system?.close();
    if (dataDir) removeDataDir(dataDir);
  });

  it('signs in with the dev login, shows the KPIs as charts, the POs, and switches a mode as admin', async () => {
    if (!system || !browser) throw new Error('the system or the browser did not start');
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    mkdirSync(SCREENSHOTS, { recursive: true });

    // Sign in as an admin through the dev login form.
    await page.goto(system.url);
    await page.locator('#dev-login input[name=username]').fill('browser-admin');
    await page.locator('#dev-login select[name=group]').selectOption('admin');
    await page.locator('#dev-login button[type=submit]').click();
    await expect.poll(() => page.locator('#page-kpis').count(), { timeout: 30_000 }).toBe(1);

    // KPIs: the cards and the two charts, once the stored POs are acknowledged.
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.locator('#kpi-fill-rate').waitFor({ timeout: 10_000 });
          return page.locator('#kpi-fill-rate').textContent();
        },
        { timeout: 90_000, interval: 2_000 },
      )
      .toMatch(/%$/);
    expect(await page.locator('#kpi-approvals').textContent()).toBe('0');

    // DTC conversion: pulled from the Shopify sandbox's analytics now that the clock has run a while.
    const pulled = await system.runtime.schedules.fireNow('PullDtcConversion/Schedule');
    expect(pulled.ok, JSON.stringify(pulled.error)).toBe(true);
    const kpis = (await (
      await fetch(`${system.url}/api/kpis`, {
        headers: {
          authorization: `Bearer ${system.signIn({ username: 'browser-admin', groups: ['admin'] })}`,
        },
      })
    ).json()) as {
      dtcConversion: {
        days: { day: string; sessions: number; checkouts: number }[];
        total: { sessions: number; checkouts: number; rate: string | null };
      };
    };
    const dtc = kpis.dtcConversion;
    expect(dtc.days).toHaveLength(30);
    // The period total is the sum of its days, each as the sandbox counted it when pulled.
    expect(dtc.total.sessions).toBe(dtc.days.reduce((n, d) => n + d.sessions, 0));
    expect(dtc.total.sessions).toBeGreaterThan(0);
    // Settled days only: today (and yesterday, should the clock pass midnight meanwhile) still move.
    const closed = dtc.days.slice(0, -2);
    for (const d of closed) expect(d.checkouts).toBe(system.shopify.conversion(d.day).checkouts);
    await page.reload();
    await page.locator('#chart-dtc-conversion').waitFor({ timeout: 10_000 });
    const headline = await page.locator('#kpi-dtc-conversion').textContent();
    const rate = dtc.total.rate;
    expect(rate).not.toBeNull();
    // "0.0312" shows as "3.12 %".
    expect(headline).toBe(`${(Number(rate) * 100).toFixed(2)} %`);
    expect(await page.locator('svg.chart').count()).toBe(3);
    expect(await page.locator('#chart-dtc-conversion rect.bar').count()).toBe(30);
    expect(await page.locator('svg.chart:not(#chart-dtc-conversion) rect.bar').count()).toBe(14);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-kpis.png') });

    // The POs page lists what the API lists.
    await page.goto(`${system.url}/#purchase-orders`);
    const listed = (await listAllPurchaseOrders(system.url)).slice(0, 5).map((p) => p.purchaseOrderNumber);
    await expect
      .poll(() => page.locator('#table-purchase-orders tbody tr td:first-child').allTextContents(), {
        timeout: 30_000,
      })
      .toEqual(expect.arrayContaining(listed));
    await page.screenshot({ path: join(SCREENSHOTS, 'console-purchase-orders.png') });

    // The invoices page (a route merged after the console) renders its table.
    await page.goto(`${system.url}/#invoices`);
    await expect.poll(() => page.locator('#table-invoices').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('.unavailable').count()).toBe(0);

    // Automation: switch notifications off, then find the switch in the audit log.
    await page.goto(`${system.url}/#automation`);
    await page.locator('button[data-module=notifications][data-mode=off]').click();
    await expect
      .poll(() => page.locator('#table-automation tr:has-text("notifications") td.mode-off').count(), {
        timeout: 10_000,
      })
      .toBe(1);
    // The day's log is busy (the outbox writes as the clock runs), so search it by action as an
    // operator would: the switch is found however many events came after it.
    await page.goto(`${system.url}/#audit`);
    await page.locator('#table-audit').waitFor({ timeout: 10_000 });
    await page.locator('#audit-form input[name=action]').fill('automation.switched');
    await page.locator('#audit-form button[type=submit]').click();
    await expect
      .poll(() => page.locator('#table-audit tbody tr td:nth-child(3)').allTextContents(), {
        timeout: 10_000,
      })
      .toEqual(['automation.switched']);
    // Unfiltered, the newest page comes first and "Older" appends the next one beneath it.
    await page.locator('#audit-form input[name=action]').fill('');
    await page.locator('#audit-form button[type=submit]').click();
    await expect.poll(() => page.locator('#table-audit tbody tr').count(), { timeout: 10_000 }).toBe(50);
    const newest = await page.locator('#table-audit tbody tr').first().textContent();
    await page.locator('#audit-older').click();
    await expect
      .poll(() => page.locator('#table-audit tbody tr').count(), { timeout: 10_000 })
      .toBeGreaterThan(50);
    expect(await page.locator('#table-audit tbody tr').first().textContent()).toBe(newest);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-audit.png') });
    expect(pageErrors).toEqual([]);
  });
});
