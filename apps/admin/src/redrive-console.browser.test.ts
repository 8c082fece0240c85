import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN } from './admin.test-helpers.js';
import { startRedriveAdmin, type RedriveAdmin } from './redrive.test-helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
/** expect.poll bounds: the page refreshes on its own, the test waits for what it should show. */
const POLL = { timeout: 10_000, interval: 50 };

describe.skipIf(!hasChromium)('the console’s re-drives (skipped when /usr/bin/chromium is absent)', () => {
  let admin: RedriveAdmin;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;

  beforeAll(async () => {
    admin = await startRedriveAdmin();
    userDataDir = await mkdtemp(join(tmpdir(), 'ripio-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${admin.url}/login`);
    await page.fill('#operator', 'admin');
    await page.fill('#token', TOKEN);
    await page.click('button[type=submit]');
    await page.waitForURL(`${admin.url}/`);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir !== undefined) await rm(userDataDir, { recursive: true, force: true });
    await admin?.close();
  });

  it('dry-runs first, then starts the re-drive, shows its progress and cancels it', async () => {
    expect(await page.isDisabled('#redrive-start')).toBe(true);
    await page.fill('#redrive-family', 'support-ticket');
    await page.fill('#redrive-reason', 'ledger fix');
    await page.click('#redrive-form button[type=submit]');
    await expect.poll(() => page.textContent('#redrive-message'), POLL).toMatch(/^3 events match/);
    expect(await page.locator('#redrive-sample-rows tr').count()).toBe(3);
    expect(await admin.pool.query('SELECT 1 FROM redrives')).toMatchObject({ rowCount: 0 });

    await page.click('#redrive-start');
    await expect.poll(() => page.textContent('#redrive-message'), POLL).toMatch(/queued: 3 events/);
    const row = page.locator('#redrive-rows tr').first();
    await expect.poll(() => row.textContent(), POLL).toMatch(/queued0 done, 0 failed, 3 remaining10\/s/);
    await row.locator('button.danger').click();
    await expect.poll(() => row.textContent(), POLL).toMatch(/cancelled/);
    expect(await row.locator('button.danger').count()).toBe(0);
  });
});
