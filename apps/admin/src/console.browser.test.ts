import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEventLogReader } from '@ripio-webhooks/event-log';
import { createDeadLetterStore } from '@ripio-webhooks/store';
import { deleteKeysContaining, uniquePrefix } from '@ripio-webhooks/test-support';
import {
  eventBody,
  jobFor,
  JobWaiter,
  putEntityOnHold,
  startAdmin,
  startWorkerApp,
  TOKEN,
  type AdminHarness,
  type ChildApp,
} from './admin.test-helpers.js';
import { logDatabase, loggedEvent, type LogDatabase } from './event-log.test-helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`[admin] console browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);
}

const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('console');
const t0 = Date.parse('2026-05-19T14:00:00.000Z');
/** expect.poll bounds: the console refreshes on its own, the test waits for what it should show. */
const POLL = { timeout: 10_000, interval: 50 };
/** An attribute of every element a locator finds, in order. */
async function attributes(locator: Locator, name: string): Promise<(string | null)[]> {
  const count = await locator.count();
  return Promise.all(Array.from({ length: count }, (_, index) => locator.nth(index).getAttribute(name)));
}
const at = (seconds: number): string => new Date(t0 + seconds * 1000).toISOString();

describe.skipIf(!hasChromium)('admin console in Chromium (skipped when /usr/bin/chromium is absent)', () => {
  let admin: AdminHarness;
  let server: Server;
  let baseUrl: string;
  let worker: ChildApp;
  let waiter: JobWaiter;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  let cleanup: Redis;
  let replayKey: string;
  let log: LogDatabase;
  let archivedTrade: string;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    // The event log holds an entity Redis no longer has (one body tries to inject markup), and another event.
    log = await logDatabase(inject('postgresUrl'));
    const archived = [
      loggedEvent({
        type: 'OFF-RAMP.DEPOSIT.RECEIVED',
        id: 'ui-archived',
        issuedAt: '2026-03-02T10:00:00.000Z',
        object: { customerId: 'cus-ui' },
        entity: { status: 'DEPOSIT_RECEIVED', version: 1, state: {} },
      }),
      loggedEvent({
        type: 'OFF-RAMP.TRADE.COMPLETED',
        id: 'ui-archived',
        issuedAt: '2026-03-02T10:05:00.000Z',
        object: { customerId: 'cus-ui', note: '<img src=x id=injected3>' },
        entity: { status: 'TRADE_COMPLETED', version: 2, state: {} },
      }),
      loggedEvent({
        type: 'OFF-RAMP.DEPOSIT.RECEIVED',
        id: 'ui-log-2',
        issuedAt: '2026-03-03T10:00:00.000Z',
        outcome: 'dead_lettered',
        object: { customerId: 'cus-other' },
      }),
    ];
    archivedTrade = archived[1]?.eventKey ?? '';
    await log.write(archived);
    admin = startAdmin(redisUrl, prefix, {
      eventLog: createEventLogReader({ databaseUrl: log.database.url }),
    });
    await admin.ready();
    server = admin.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    worker = await startWorkerApp(redisUrl, prefix);
    waiter = new JobWaiter(redisUrl, prefix);
    await waiter.ready();
    cleanup = new Redis(redisUrl);

    // One entity through the off-ramp success flow, then a late event and a conflict for it.
    const flow = [
      'OFF-RAMP.DEPOSIT.RECEIVED',
      'OFF-RAMP.WITHDRAWAL.PROCESSING',
      'OFF-RAMP.WITHDRAWAL.COMPLETED',
    ] as const;
    for (const [index, type] of flow.entries()) {
      await waiter.process(admin.events, eventBody(type, 'ui-tx-1', at(index * 2)));
    }
    await waiter.process(admin.events, eventBody('OFF-RAMP.TRADE.COMPLETED', 'ui-tx-1', at(1)));
    await waiter.process(admin.events, eventBody('OFF-RAMP.ORDER.CANCELLED', 'ui-tx-1', at(7)));
    // An off-ramp whose deposit (months ago) was never followed by its trade: stuck.
    await waiter.process(admin.events, eventBody('OFF-RAMP.DEPOSIT.RECEIVED', 'ui-stuck-1', at(0)));

    // A dead-lettered valid event (replayable) and an unknown type whose name tries to inject markup.
    const deadLetters = createDeadLetterStore({ redis: admin.redis, queuePrefix: prefix });
    const { name, data } = jobFor(eventBody('OFF-RAMP.DEPOSIT.RECEIVED', 'ui-tx-2', at(0)));
    replayKey = data.eventKey;
    await deadLetters.add(name, {
      job: data,
      reason: 'exhausted',
      error: 'handler ledger failed: <b id="injected">timeout</b>',
      attemptsMade: 10,
      firstFailedAt: at(1),
      lastFailedAt: at(600),
    });
    await deadLetters.close();
    const hostile = eventBody('OFF-RAMP.ORDER.CANCELLED', 'ui-tx-3', at(0)).replace(
      'OFF-RAMP.ORDER.CANCELLED',
      'OFF-RAMP.<img src=x id=injected2>',
    );
    await waiter.process(admin.events, hostile);

    userDataDir = await mkdtemp(join(tmpdir(), 'ripio-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    // Chromium reports each blocked load or inline script/style on the console: the console must cause none.
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir !== undefined) await rm(userDataDir, { recursive: true, force: true });
    await worker?.stop();
    await waiter?.close();
    await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
    await admin?.close();
    await log?.close();
    if (cleanup !== undefined) {
      await deleteKeysContaining(cleanup, prefix);
      cleanup.disconnect();
    }
  });

  it('sends an anonymous visitor to the login form and refuses a wrong token', async () => {
    await page.goto(`${baseUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#operator', 'admin');
    await page.fill('#token', 'not-the-token');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('.error')).toMatch(/operator and token do not match/);
  });

  it('logs in and shows live counters', async () => {
    await page.fill('#operator', 'admin');
    await page.fill('#token', TOKEN);
    await page.click('button[type=submit]');
    await page.waitForURL(`${baseUrl}/`);
    await expect.poll(() => page.textContent('#counter-dlq'), POLL).toBe('2');
    expect(await page.textContent('#counter-processed')).toMatch(/^\d+$/);
    expect(Number(await page.textContent('#counter-processed'))).toBeGreaterThanOrEqual(5);
    expect(await page.textContent('#counter-backlog')).toBe('0');
  });

  it('pauses and resumes processing with a reason, and shows the circuit breaker', async () => {
    await expect
      .poll(() => page.textContent('#processing-status'), POLL)
      .toMatch(/^Running\. Circuit breaker closed/);
    await page.fill('#processing-reason', 'ledger maintenance');
    await page.click('#processing-pause');
    await expect
      .poll(() => page.textContent('#processing-status'), POLL)
      .toMatch(/^Paused since .* — ledger maintenance/);
    expect(await admin.events.isPaused()).toBe(true);
    expect(await page.isVisible('#processing-resume')).toBe(true);
    await page.click('#processing-resume');
    await expect.poll(() => page.textContent('#processing-status'), POLL).toMatch(/^Running/);
    expect(await admin.events.isPaused()).toBe(false);
  });

  it('finds an entity and shows its status and coloured timeline', async () => {
    await page.selectOption('#entity-kind', 'off-ramp');
    await page.fill('#entity-id', 'ui-tx-1');
    await page.click('#entity-form button[type=submit]');
    await page.waitForSelector('#entity-status');
    expect(await page.textContent('#entity-status')).toBe('WITHDRAWAL_COMPLETED');
    const items = page.locator('#entity-timeline li');
    const outcomes = await Promise.all(
      Array.from({ length: await items.count() }, (_, index) => items.nth(index).getAttribute('class')),
    );
    expect(outcomes).toEqual([
      'outcome-applied',
      'outcome-applied',
      'outcome-applied',
      'outcome-late',
      'outcome-conflict',
    ]);
    expect(await page.textContent('#entity-conflicts')).toContain(
      '1 conflict(s); latest: OFF-RAMP.ORDER.CANCELLED (contradicts_status',
    );
    // What Ripio sent in the late event is shown with it.
    const lateData = await items.nth(3).locator('.event-data pre').textContent();
    expect(lateData).toContain('"transactionId": "ui-tx-1"');
    expect(lateData).toContain('"status": "TRADE_COMPLETED"');

    await page.fill('#entity-id', 'nobody');
    await page.click('#entity-form button[type=submit]');
    await page.waitForSelector('#entity-error');
    expect(await page.textContent('#entity-error')).toBe('no off-ramp entity with id nobody');
  });

  it('lists the stuck entities with their age, and opens one from its row', async () => {
    const row = page.locator('#stuck-rows tr', { hasText: 'ui-stuck-1' });
    await expect.poll(() => row.count(), POLL).toBe(1);
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['off-ramp', 'ui-stuck-1', 'DEPOSIT_RECEIVED']);
    expect(cells[3]).toMatch(/^\d+d \d+h$|^\d+d$/);
    expect(cells[4]).toBe('> 1h');
    await row.locator('a').click();
    await expect.poll(() => page.textContent('#entity-status'), POLL).toBe('DEPOSIT_RECEIVED');
  });

  it('filters the DLQ and shows hostile data as text', async () => {
    await page.selectOption('#dlq-reason', 'unknown_type');
    await page.click('#dlq-filters button[type=submit]');
    await expect.poll(() => page.locator('#dlq-rows tr').count(), POLL).toBe(1);
    expect(await page.textContent('#dlq-rows tr td:nth-child(2)')).toBe('OFF-RAMP.<img src=x id=injected2>');
    expect(await page.$('#injected2')).toBeNull();
    await page.selectOption('#dlq-reason', '');
    await page.click('#dlq-filters button[type=submit]');
    await expect.poll(() => page.locator('#dlq-rows tr').count(), POLL).toBe(2);
  });

  it('opens a DLQ entry with its payload and error, replays it, and shows the result', async () => {
    await page.click(`#dlq-rows tr[data-id="${replayKey}"] .entry-link`);
    await page.waitForSelector('#dlq-detail:not([hidden])');
    expect(await page.textContent('#dlq-detail-id')).toBe(replayKey);
    expect(await page.textContent('#dlq-detail-error')).toBe(
      'handler ledger failed: <b id="injected">timeout</b>',
    );
    expect(await page.$('#injected')).toBeNull();
    expect(await page.textContent('#dlq-detail-payload')).toContain('"transactionId": "ui-tx-2"');

    await page.click('#dlq-detail-replay');
    await expect.poll(() => page.textContent('#dlq-message'), POLL).toMatch(/^Replayed /);
    expect(await page.textContent('#dlq-message')).toBe(
      `Replayed ${replayKey}: it is back on the events queue.`,
    );
    await expect.poll(() => page.locator('#dlq-rows tr').count(), POLL).toBe(1);
    expect(await page.$(`#dlq-rows tr[data-id="${replayKey}"]`)).toBeNull();

    // The worker applied the replayed event: the entity now exists.
    const job = await admin.events.getJob(replayKey);
    expect(await waiter.finished(job!)).toEqual({ result: 'committed', outcome: 'applied' });
    await page.fill('#entity-id', 'ui-tx-2');
    await page.click('#entity-form button[type=submit]');
    await expect.poll(() => page.textContent('#entity-status'), POLL).toBe('DEPOSIT_RECEIVED');
    await expect.poll(() => page.textContent('#counter-dlq'), POLL).toBe('1');
  });

  it('shows an entity on hold with its parked events, and releases it with a reason', async () => {
    const { deposit, trade } = await putEntityOnHold(admin, 'ui-held', { deadLettered: false });
    const tradeJob = await admin.events.getJob(trade);
    await page.fill('#entity-id', 'ui-held');
    await page.click('#entity-form button[type=submit]');
    await page.waitForSelector('#entity-hold');
    expect(await page.textContent('#entity-status')).toBe('(no status yet)');
    expect(await page.textContent('#entity-hold h3')).toBe('On hold behind OFF-RAMP.DEPOSIT.RECEIVED');
    expect(await page.textContent('#entity-hold-blocker')).toBe(deposit);
    expect(await page.textContent('#entity-parked li strong')).toBe('OFF-RAMP.TRADE.COMPLETED');
    expect(await page.textContent('#entity-parked li pre')).toContain('"transactionId": "ui-held"');

    await page.click('#entity-release button[value=skip]');
    await expect.poll(() => page.textContent('#entity-release-message'), POLL).toMatch(/reason is required/);
    await page.fill('#entity-release-reason', 'settled by hand');
    await page.click('#entity-release button[value=skip]');
    await expect
      .poll(() => page.textContent('#entity-release-message'), POLL)
      .toBe('Released (skip). The parked events are being applied.');
    expect(await waiter.finished(tradeJob!)).toEqual({ result: 'committed', outcome: 'applied' });
    await page.click('#entity-form button[type=submit]');
    await expect.poll(() => page.textContent('#entity-status'), POLL).toBe('TRADE_COMPLETED');
    expect(await page.$('#entity-hold')).toBeNull();
    const items = page.locator('#entity-timeline li');
    expect(await items.first().getAttribute('class')).toBe('outcome-released');
  });

  it('searches the event log with filters and opens an event with its body shown as text', async () => {
    await page.fill('#events-customer-id', 'cus-ui');
    await page.click('#events-filters button[type=submit]');
    await expect.poll(() => page.locator('#events-rows tr').count(), POLL).toBe(2);
    expect(await page.textContent('#events-total')).toBe('2 matching');
    expect(await page.textContent('#events-rows tr:first-child td:nth-child(3)')).toBe(
      'OFF-RAMP.TRADE.COMPLETED',
    );

    await page.click(`#events-rows tr[data-key="${archivedTrade}"] .event-link`);
    await page.waitForSelector('#event-detail:not([hidden])');
    expect(await page.textContent('#event-detail-key')).toBe(archivedTrade);
    const body = await page.textContent('#event-detail-body');
    expect(body).toContain('"status": "TRADE_COMPLETED"');
    expect(body).toContain('<img src=x id=injected3>');
    expect(await page.$('#injected3')).toBeNull();

    await page.fill('#events-customer-id', '');
    await page.selectOption('#events-outcome', 'dead_lettered');
    await page.click('#events-filters button[type=submit]');
    await expect.poll(() => page.locator('#events-rows tr').count(), POLL).toBe(1);
    expect(await page.textContent('#events-rows tr td:nth-child(4)')).toBe('off-ramp/ui-log-2');

    // The export link follows the filters and downloads with the console's login.
    const href = await page.getAttribute('#events-export-csv', 'href');
    expect(href).toBe('/api/events/export?outcome=dead_lettered&format=csv');
    const exported = await page.request.get(`${baseUrl}${href ?? ''}`);
    expect(exported.status()).toBe(200);
    expect((await exported.text()).trimEnd().split('\n')).toHaveLength(2);

    await page.fill('#events-match', 'transactionObject.status=NOPE');
    await page.selectOption('#events-outcome', '');
    await page.click('#events-filters button[type=submit]');
    await expect.poll(() => page.locator('#events-rows tr').count(), POLL).toBe(0);
    await page.fill('#events-match', 'nopath');
    await page.click('#events-filters button[type=submit]');
    await expect.poll(() => page.textContent('#events-message'), POLL).toMatch(/invalid match/);
  });

  it('shows an entity Redis no longer has from the event log, saying so', async () => {
    await page.fill('#entity-id', 'ui-archived');
    await page.click('#entity-form button[type=submit]');
    await expect.poll(() => page.textContent('#entity-status'), POLL).toBe('TRADE_COMPLETED');
    expect(await page.textContent('#entity-source')).toMatch(/^From the event log/);
    expect(await page.locator('#entity-timeline li').count()).toBe(2);
  });

  it('shows who is signed in, and the audit log of what was done (a delete needs a reason)', async () => {
    expect(await page.textContent('#whoami')).toBe('admin (admin)');
    const [entry] = await attributes(page.locator('#dlq-rows tr'), 'data-id');
    await page.click(`#dlq-rows tr[data-id="${entry}"] .entry-link`);
    await page.waitForSelector('#dlq-detail:not([hidden])');
    await page.click('#dlq-detail-delete');
    await expect.poll(() => page.textContent('#dlq-message'), POLL).toMatch(/reason is required/);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.fill('#dlq-detail-reason', 'not a Ripio event');
    await page.click('#dlq-detail-delete');
    await expect.poll(() => page.textContent('#dlq-message'), POLL).toBe(`Deleted ${entry}.`);

    await page.fill('#audit-operator', 'admin');
    await page.click('#audit-filters button[type=submit]');
    // Only what this test did (earlier tests of this file paused and resumed processing).
    const actions = async (): Promise<(string | null)[]> =>
      (await attributes(page.locator('#audit-rows tr'), 'data-action')).filter(
        (action) => action?.startsWith('dead-letter.') === true || action?.startsWith('hold.') === true,
      );
    await expect.poll(actions, POLL).toEqual(['dead-letter.delete', 'hold.release', 'dead-letter.replay']);
    expect(await page.textContent('#audit-rows tr:first-child td:nth-child(6)')).toBe('not a Ripio event');
    expect(await page.textContent('#audit-rows tr:nth-child(2) td:nth-child(4)')).toBe('off-ramp/ui-held');
  });

  it('raised no Content Security Policy violation on the console or the login form', () => {
    expect(cspViolations).toEqual([]);
  });

  it('reaches the queue dashboard with the same login, and signs out', async () => {
    const response = await page.goto(`${baseUrl}/queues/`);
    expect(response?.status()).toBe(200);
    await page.goto(`${baseUrl}/`);
    await page.click('header form button[type=submit]');
    await page.waitForURL(`${baseUrl}/login`);
    const again = await page.goto(`${baseUrl}/queues/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(again?.status()).toBe(200);
  });
});
