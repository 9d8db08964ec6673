/**
 * Many videos from the dashboard, in Debian's Chromium against `shorts dev` (no pipeline runs:
 * MAX_RUNNING_PIPELINES=0, so the videos stay queued): prompts pasted one per line, the cost
 * and the balance checked before sending, a CSV chosen as a file, and the page shows what the
 * batch started, each a link to its video. Screenshots at desktop and phone width land in
 * test-artifacts/e2e/ (batch-*).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  for (const [label, size] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150);
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${label}.png`), fullPage: label === 'phone' });
  }
  await page.setViewportSize(DESKTOP);
}

describe('many videos from the create page', () => {
  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    await ensureSpaBuilt();
    dataDir = await mkdtemp(path.join(tmpdir(), 'shorts-e2e-batch-'));
    dev = await startShortsDev({ dataDir, env: { STARTING_CREDITS: '3', MAX_RUNNING_PIPELINES: '0' } });
    browser = await launchBrowser({ viewport: DESKTOP });
    page = browser.page;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await dev?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('starts one video per line, says what it costs first, and links each video it started', { timeout: 180_000 }, async () => {
    await page.goto(dev.url);
    await page.getByLabel('Your name').fill('Batch E2E');
    await page.getByRole('button', { name: 'Continue' }).click();
    await eventually(() => page.getByTestId('balance').textContent()).toBe('3');

    await page.getByText('Many videos', { exact: true }).click();
    await page.getByText('10 s', { exact: true }).click();
    await page.getByLabel('Prompts, one per line').fill('Why the sea is salty\nHow bees dance\n\nWhy cats purr\nWhere rainbows end');
    await eventually(() => page.getByTestId('batch-count').textContent()).toBe('4 videos');
    expect(await page.getByTestId('cost').textContent()).toBe('4 credits');
    expect(await page.getByText('These videos cost 4 credits and you have 3 credits.').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Create 4 videos' }).isDisabled()).toBe(true);
    await screenshots('batch-01-too-many');

    await page.getByLabel('Prompts, one per line').fill('Why the sea is salty\nHow bees dance\nWhy cats purr');
    await eventually(() => page.getByTestId('cost').textContent()).toBe('3 credits');
    await page.getByRole('button', { name: 'Create 3 videos' }).click();

    const outcome = page.getByTestId('batch-outcome');
    await outcome.waitFor();
    expect(await outcome.locator('p').first().textContent()).toBe('3 videos started.');
    const links = outcome.getByRole('link');
    expect(await links.allTextContents()).toEqual(['Why the sea is salty', 'How bees dance', 'Why cats purr']);
    await eventually(() => page.getByTestId('balance').textContent()).toBe('0');
    expect(await page.locator('[role=alert]').count()).toBe(0);
    await screenshots('batch-02-started');

    await links.nth(1).click();
    await page.waitForURL(/\/videos\/[^/]+$/);
    await eventually(() => page.getByRole('heading', { level: 1 }).first().textContent()).toMatch(/bees/i);
  });

  it('reads a CSV chosen as a file, row by row, and names the row the API would refuse', { timeout: 120_000 }, async () => {
    const csv = path.join(dataDir, 'prompts.csv');
    await writeFile(csv, 'prompt,seconds,aspect\n"Why, exactly, owls hoot",10,1:1\nHow tides turn,500,9:16\n');
    await page.getByRole('link', { name: 'Create' }).first().click();
    await page.getByText('Many videos', { exact: true }).click();
    // The CSV's file input (the music picker has one for tracks).
    await page.locator('input[type=file][accept*=".csv"]').setInputFiles(csv);

    await eventually(() => page.locator('#prompts-help').textContent()).toMatch(/^Row 3: seconds: .*90/);
    expect(await page.getByTestId('csv-chip').textContent()).toContain('prompts.csv');
    await screenshots('batch-03-csv-error');
  });
});
