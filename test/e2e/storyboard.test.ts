/**
 * Review before render in the dashboard, end to end, in Debian's Chromium against `shorts dev`:
 * a video ordered with "Review before rendering" stops with its storyboard; scene 1's narration
 * is changed to words that were not there and, once the preview is made again, those words are
 * in the Player's captions (read from the page while the Player plays scene 1); a scene is moved
 * (free); then Render makes the MP4 and the video is Ready, paid once; Edit and render again
 * puts it back in review with the first render listed as version 1. The script comes from a
 * Groq stub (SHORTS_LLM=groq), so the scenes are known.
 *
 * Screenshots of the storyboard at desktop (1440×900) and phone (390×844) width land in
 * test-artifacts/e2e/ (storyboard-*.png).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GROQ_STUB_KEY, startGroqStub, type GroqStub } from '../support/stubs/groq-stub.js';
import { launchBrowser, type Browser } from './browser.js';
import { ensureSpaBuilt } from './build-spa.js';
import { startShortsDev, type ShortsDev } from './shorts-dev.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/e2e/', import.meta.url));
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const STARTING_CREDITS = 3;
/** Bounds on a hang, not speeds: other files render on the same two cores in CI. */
const PREPARE_MS = 600_000;
const VIDEO_DONE_MS = 600_000;
const NEW_WORDS = 'Zebras juggle violet pineapples';

const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 30_000, interval: 200 });

let groq: GroqStub;
let dev: ShortsDev;
let browser: Browser;
let page: Page;
let dataDir: string;

async function screenshots(name: string): Promise<void> {
  await page.setViewportSize(DESKTOP);
  await page.waitForTimeout(200);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(200);
  await page.getByTestId('storyboard').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}-phone.png`) });
  await page.setViewportSize(DESKTOP);
}

async function expectNoErrorBanners(): Promise<void> {
  const alerts = await page.locator('[role="alert"], .state-error, .state-na').evaluateAll((nodes) =>
    nodes.map((n) => `${n.getAttribute('data-testid') ?? ''}|${(n.textContent ?? '').trim().slice(0, 200)}`),
  );
  expect(alerts).toEqual([]);
}

const status = () => page.locator('.video-header .status-chip').getAttribute('data-status');
const revision = async () => Number(await page.getByTestId('storyboard').getAttribute('data-revision'));
const narrations = () => page.getByTestId('scene-card').evaluateAll((cards) => cards.map((c) => (c.querySelector('textarea') as HTMLTextAreaElement).value));

/** Waits until an edit sent at `before` came back: the job in REVIEW again with a later revision. */
async function previewUpdated(before: number): Promise<void> {
  await expect.poll(async () => ((await status()) === 'REVIEW' ? await revision() : -1), { timeout: PREPARE_MS, interval: 500 }).toBeGreaterThan(before);
}

const SCENES: [string, string][] = [
  ['Two hearts pump blood to the gills.', 'An octopus near coral, two glowing hearts'],
  ['The third sends it around the body.', 'An octopus swimming in open blue water'],
  ['And their blood is blue.', 'A close-up of blue octopus skin'],
];

describe('storyboard (browser, shorts dev)', () => {
  beforeAll(async () => {
    ensureSpaBuilt();
    await mkdir(ARTIFACTS, { recursive: true });
    dataDir = await mkdtemp(path.join(tmpdir(), 'shorts-e2e-storyboard-'));
    groq = await startGroqStub();
    dev = await startShortsDev({
      dataDir,
      timeoutMs: 180_000,
      env: {
        SHORTS_LLM: 'groq',
        GROQ_API_KEY: GROQ_STUB_KEY,
        GROQ_BASE_URL: groq.baseURL,
        STARTING_CREDITS: String(STARTING_CREDITS),
        MAX_RUNNING_PIPELINES: '1',
      },
    });
    browser = await launchBrowser({ viewport: DESKTOP });
    page = browser.page;
  }, 360_000);

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) {
      await page.screenshot({ path: path.join(ARTIFACTS, 'failed-storyboard.png'), fullPage: true }).catch(() => undefined);
      process.stderr.write(`shorts dev output:\n${dev?.output().slice(-4000)}\n`);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await dev?.stop();
    await groq?.stop();
    if (dataDir && !process.env.KEEP_E2E) await rm(dataDir, { recursive: true, force: true });
  });

  it('reviews a video: edits a narration and hears it in the preview, moves a scene, renders once paid', { timeout: PREPARE_MS * 3 + VIDEO_DONE_MS }, async () => {
    await page.goto(dev.url);
    await page.getByLabel('Your name').fill('Grace Review');
    await page.getByRole('button', { name: 'Continue' }).click();
    await eventually(() => page.getByTestId('balance').textContent()).toBe(String(STARTING_CREDITS));

    // Order with review, from the create form.
    groq.answer({
      content: JSON.stringify({
        title: 'Why octopuses have three hearts',
        hook: 'Octopuses have three hearts.',
        style: 'bright flat illustration, soft light, teal and coral palette',
        scenes: SCENES.map(([narration, imagePrompt]) => ({ narration, imagePrompt })),
      }),
    });
    await page.getByLabel('Prompt').fill('Why octopuses have three hearts');
    await page.getByText('10 s', { exact: true }).click();
    await page.getByLabel(/Review before rendering/).check();
    await eventually(() => page.getByTestId('cost').textContent()).toBe('1 credit');
    await page.getByRole('button', { name: 'Create video' }).click();
    await page.waitForURL(/\/videos\/[^/]+$/);
    await eventually(() => page.getByTestId('balance').textContent()).toBe(String(STARTING_CREDITS - 1));

    // It stops for review: the storyboard, the preview, the counter; no render yet.
    await expect.poll(status, { timeout: PREPARE_MS, interval: 500 }).toBe('REVIEW');
    const storyboard = page.getByTestId('storyboard');
    await storyboard.waitFor({ state: 'visible' });
    await page.getByTestId('preview-player').waitFor({ state: 'visible' });
    expect(await page.getByTestId('scene-card').count()).toBe(3);
    expect(await page.getByTestId('scene-count').textContent()).toMatch(/^3 scenes/);
    expect(await page.getByTestId('regenerations').textContent()).toContain('0 of 3 free changes used; more cost 1 credit each');
    expect(await narrations()).toEqual(SCENES.map(([n]) => n));
    expect(await page.locator('[data-step="render"]').getAttribute('data-status')).toBe('pending');
    expect(await page.getByTestId('final-video').count()).toBe(0);
    await expectNoErrorBanners();
    await screenshots('storyboard-01-review');

    // Scene 1 says something new: one change, included in the price.
    const first = await revision();
    await page.getByLabel('Narration, scene 1').fill(`${NEW_WORDS}.`);
    await eventually(() => page.getByTestId('change-cost').textContent()).toBe('1 change · included');
    await page.getByRole('button', { name: 'Update preview' }).click();
    // While it is prepared the cards are read-only.
    await eventually(async () => (await page.getByTestId('storyboard-updating').count()) > 0 || (await status()) === 'REVIEW').toBe(true);
    await previewUpdated(first);
    expect((await narrations())[0]).toBe(`${NEW_WORDS}.`);
    expect(await page.getByTestId('regenerations').textContent()).toContain('1 of 3 free changes used');

    // The new words are in the Player's captions: play scene 1 and read what the page shows.
    await page.getByTestId('preview-player').evaluate((player) => {
      const seen: string[] = [];
      (window as unknown as { captionsSeen: string[] }).captionsSeen = seen;
      new MutationObserver(() => seen.push(player.textContent ?? '')).observe(player, { subtree: true, childList: true, characterData: true });
    });
    await page.getByRole('button', { name: 'Play scene 1' }).click();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { captionsSeen: string[] }).captionsSeen.join(' ').toLowerCase()), { timeout: 60_000, interval: 250 })
      .toContain('pineapples');
    const seen = await page.evaluate(() => (window as unknown as { captionsSeen: string[] }).captionsSeen.join(' ').toLowerCase());
    expect(seen).toMatch(/zebras|juggle|violet/);
    expect(seen).not.toContain('gills');
    await expectNoErrorBanners();

    // Drag and drop reorders the draft (scene 3 by its handle onto scene 1); Discard puts it back.
    const fromOrder = () => page.getByTestId('scene-card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-from')));
    await page.getByTestId('scene-card').nth(2).locator('.scene-handle').dragTo(page.getByTestId('scene-card').nth(0));
    expect(await fromOrder()).toEqual(['3', '1', '2']);
    await page.getByRole('button', { name: 'Discard' }).click();
    expect(await fromOrder()).toEqual(['1', '2', '3']);

    // Move scene 3 up: free, and the cards follow.
    await page.getByRole('button', { name: 'Move scene 3 up' }).click();
    expect(await fromOrder()).toEqual(['1', '3', '2']);
    expect(await page.getByTestId('change-cost').textContent()).toBe('Free');
    await screenshots('storyboard-02-edited');
    const second = await revision();
    await page.getByRole('button', { name: 'Update preview' }).click();
    await previewUpdated(second);
    expect(await narrations()).toEqual([`${NEW_WORDS}.`, SCENES[2]![0], SCENES[1]![0]]);
    expect(await page.getByTestId('regenerations').textContent()).toContain('1 of 3 free changes used');
    await expectNoErrorBanners();
    await screenshots('storyboard-03-reordered');

    // Render: the MP4, Ready, paid once (the two changes were included).
    await page.getByTestId('render').click();
    await page.getByTestId('final-video').waitFor({ state: 'visible', timeout: VIDEO_DONE_MS });
    expect(await status()).toBe('SUCCEEDED');
    expect(await page.locator('[data-step="render"]').getAttribute('data-status')).toBe('succeeded');
    await eventually(() => page.getByTestId('balance').textContent()).toBe(String(STARTING_CREDITS - 1));
    expect(await page.getByTestId('reopen').isVisible()).toBe(true);
    expect(await page.getByTestId('storyboard').count()).toBe(0);
    await expectNoErrorBanners();
    await page.setViewportSize(DESKTOP);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(ARTIFACTS, 'storyboard-04-rendered-desktop.png'), fullPage: true });

    // Edit and render again: back in review with the same storyboard, the first render kept as version 1.
    await page.getByTestId('reopen').click();
    await expect.poll(status, { timeout: 30_000, interval: 250 }).toBe('REVIEW');
    await page.getByTestId('storyboard').waitFor({ state: 'visible' });
    expect(await narrations()).toEqual([`${NEW_WORDS}.`, SCENES[2]![0], SCENES[1]![0]]);
    // The reopen's answer carries no presigned URLs: the page reads them, so the preview plays and the cards show their pictures.
    await page.getByTestId('preview-player').waitFor({ state: 'visible', timeout: 30_000 });
    await eventually(() => page.locator('[data-testid="scene-card"] .scene-picture img').count()).toBe(3);
    const versions = page.getByTestId('versions');
    await versions.waitFor({ state: 'visible' });
    expect(await versions.getByText('Version 1').count()).toBe(1);
    expect(await versions.getByRole('link', { name: 'Download' }).getAttribute('href')).toMatch(/^http/);
    expect(await page.getByTestId('balance').textContent()).toBe(String(STARTING_CREDITS - 1));
    await expectNoErrorBanners();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(ARTIFACTS, 'storyboard-05-reopened-desktop.png'), fullPage: true });

    // The library marks it "Ready to review".
    await page.getByRole('link', { name: 'Library' }).first().click();
    await eventually(() => page.getByTestId('video-card').first().getAttribute('data-status')).toBe('REVIEW');
    expect(await page.getByTestId('video-card').first().locator('.status-chip').textContent()).toBe('Ready to review');
    // A poll may time out while the render holds both cores (the page says "Live updates paused"
    // and polls again); nothing else may go wrong.
    expect(browser.problems.filter((p) => !/status of 503 .*\/api\/videos\/[^/]+\)$/.test(p))).toEqual([]);
  });
});
