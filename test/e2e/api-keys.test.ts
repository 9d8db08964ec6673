/**
 * The API keys page end to end, in Debian's Chromium against `shorts dev`: create a key, see it
 * once (with the warning and a working copy button), use it against the API, see it listed
 * without the key, revoke it (confirmed), and see the API refuse it. No video is made.
 *
 * Screenshots at desktop and phone width land in test-artifacts/e2e/ (keys-*.png).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type Browser } from './browser.js';
import { ensureSpaBuilt } from './build-spa.js';
import { startShortsDev, type ShortsDev } from './shorts-dev.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/e2e/', import.meta.url));
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 30_000, interval: 200 });

let dev: ShortsDev;
let browser: Browser;
let page: Page;
let dataDir: string;

async function screenshots(name: string): Promise<void> {
  await page.setViewportSize(DESKTOP);
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
}

/** A call to the API with the key, as a script would make it. */
async function withKey(key: string, apiPath: string): Promise<number> {
  return (await fetch(`${dev.url}${apiPath}`, { headers: { authorization: `Bearer ${key}` } })).status;
}

describe('API keys page (browser, shorts dev)', () => {
  beforeAll(async () => {
    ensureSpaBuilt();
    await mkdir(ARTIFACTS, { recursive: true });
    dataDir = await mkdtemp(path.join(tmpdir(), 'shorts-e2e-keys-'));
    dev = await startShortsDev({ dataDir, env: { MAX_RUNNING_PIPELINES: '0' } });
    browser = await launchBrowser({ viewport: DESKTOP });
    page = browser.page;
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: dev.url });
  }, 180_000);

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) {
      await page.screenshot({ path: path.join(ARTIFACTS, 'failed-keys.png'), fullPage: true }).catch(() => undefined);
      process.stderr.write(`shorts dev output:\n${dev?.output().slice(-4000)}\n`);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await dev?.stop();
    if (dataDir && !process.env.KEEP_E2E) await rm(dataDir, { recursive: true, force: true });
  });

  it('creates a key shown once, lists it without the key, and revokes it', { timeout: 180_000 }, async () => {
    // Sign in and open the page from the navigation.
    await page.goto(dev.url);
    await page.getByLabel('Your name').fill('Keys E2E');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('link', { name: 'API keys' }).first().click();
    await page.waitForURL(/\/keys$/);
    await eventually(() => page.getByText('No API keys yet').isVisible()).toBe(true);
    expect(await page.getByTestId('keys-count').textContent()).toBe('0 of 20');
    await screenshots('keys-01-empty');

    // Create: the key is shown once, with the warning, and copies.
    await page.getByLabel('Name').fill('Build server');
    await page.getByRole('button', { name: 'Create key' }).click();
    const value = page.getByTestId('new-key-value');
    await value.waitFor();
    const key = (await value.textContent()) ?? '';
    expect(key).toMatch(/^sk_shorts_[A-Za-z0-9_-]{43}$/);
    expect(await page.getByTestId('new-key').textContent()).toContain('only time it is shown');
    await page.getByTestId('copy-key').click();
    await eventually(() => page.getByTestId('copy-key').textContent()).toContain('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await screenshots('keys-02-created');

    // The key works against the API.
    expect(await withKey(key, '/api/videos')).toBe(200);

    // Listed without the key: name, hint, scopes; the key is gone from the page once dismissed.
    await page.getByRole('button', { name: 'Done, I saved it' }).click();
    await value.waitFor({ state: 'detached' });
    const list = page.getByTestId('keys-list');
    await eventually(() => list.locator('.key-row').count()).toBe(1);
    const row = list.locator('.key-row').first();
    const rowText = (await row.textContent()) ?? '';
    expect(rowText).toContain('Build server');
    expect(rowText).toContain(`sk_shorts_…${key.slice(-4)}`);
    expect(rowText).toContain('read + write');
    expect(await page.locator('body').textContent()).not.toContain(key);
    expect(await page.getByTestId('keys-count').textContent()).toBe('1 of 20');
    // Its use above is recorded (to the minute).
    await page.reload();
    await eventually(() => page.getByTestId('keys-list').textContent()).toContain('last used');
    await screenshots('keys-03-listed');

    // Revoke, confirmed in a dialog.
    await page.getByRole('button', { name: 'Revoke Build server' }).click();
    const dialog = page.getByRole('dialog');
    await eventually(() => dialog.isVisible()).toBe(true);
    expect(await dialog.textContent()).toContain('stops working at once');
    await screenshots('keys-04-revoke-confirm');
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await eventually(() => page.getByText('No API keys yet').isVisible()).toBe(true);
    expect(await page.getByTestId('keys-count').textContent()).toBe('0 of 20');
    expect(await withKey(key, '/api/videos')).toBe(401);
    await screenshots('keys-05-revoked');

    expect(browser.problems.filter((p) => !p.includes('401'))).toEqual([]);
  });
});
