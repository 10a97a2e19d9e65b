import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type E2eSystem,
  listAllPurchaseOrders,
  makeDataDir,
  removeDataDir,
  startE2eSystem,
} from '../support/e2e-system.ts';

/** Debian's chromium package: the one browser the e2e tier drives. */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.log("browser tests skipped: Debian's chromium is not installed (apt-get install chromium)");
}
const SCREENSHOT = join(import.meta.dirname, 'screenshots', 'status-page.png');
/** The page lists this many of the newest POs. */
const PAGE_ROWS = 100;

const cellTexts = (page: Page, selector: string) => page.locator(selector).allTextContents();

describe.skipIf(!hasChromium)('the status page in headless Chromium', () => {
  let dataDir: string | undefined;
  let system: E2eSystem | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    dataDir = makeDataDir();
    system = await startE2eSystem(dataDir, { speed: 60, poGeneration: { backlog: 150, perHour: 0 } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await system?.close();
    if (dataDir) removeDataDir(dataDir);
  });

  it('shows the purchase orders the API lists and the runs of the schedules', async () => {
    // Prepare
    if (!system || !browser) throw new Error('the system or the browser did not start');
    const { url } = system;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });

    // Act: open the page and let it refresh until it shows the stored POs and a finished run.
    await page.goto(url);
    await expect
      .poll(async () => (await cellTexts(page, '#pos tbody tr')).length, { timeout: 60_000, interval: 500 })
      .toBeGreaterThan(0);
    await expect
      .poll(
        async () => (await cellTexts(page, '#schedules tbody tr td:nth-child(6)')).filter((t) => t === 'ok'),
        {
          timeout: 60_000,
          interval: 500,
        },
      )
      .not.toEqual([]);
    // The page refreshes every 3 s: wait until it has caught up with what the API lists now.
    let newest: string[] = [];
    let shown: string[] = [];
    await expect
      .poll(
        async () => {
          newest = (await listAllPurchaseOrders(url)).slice(0, PAGE_ROWS).map((r) => r.purchaseOrderNumber);
          shown = await cellTexts(page, '#pos tbody tr td:first-child');
          return {
            notShown: newest.filter((po) => !shown.includes(po)),
            notListed: shown.filter((po) => !newest.includes(po)),
          };
        },
        { timeout: 30_000, interval: 500 },
      )
      .toEqual({ notShown: [], notListed: [] });
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });

    // Assess
    expect(newest.length).toBeGreaterThan(0);
    expect(shown).toEqual(newest);
    for (const purchaseOrderNumber of newest.slice(0, 5)) {
      await expect.poll(() => page.getByText(purchaseOrderNumber, { exact: true }).isVisible()).toBe(true);
    }
    expect(await page.locator('h1').textContent()).toContain('Acorn');
    const schedules = await cellTexts(page, '#schedules tbody tr td:first-child');
    expect(schedules).toEqual(expect.arrayContaining(['PullPurchaseOrders/Schedule']));
    const runs = (await cellTexts(page, '#schedules tbody tr td:nth-child(3)')).map(Number);
    expect(Math.max(...runs)).toBeGreaterThanOrEqual(1);
    expect(Number.parseInt((await page.locator('#po-count').textContent()) ?? '', 10)).toBeGreaterThanOrEqual(
      newest.length,
    );
    expect(pageErrors).toEqual([]);
  });
});
