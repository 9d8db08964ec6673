/**
 * The dashboard end to end, in Debian's Chromium against `shorts dev`: sign in, make a 10 s video
 * and watch it reach done, play it, find its ledger entry; a video whose script provider fails
 * shows the reason, and Retry runs it again. The script comes from a Groq stub on 127.0.0.1
 * (SHORTS_LLM=groq), so the test decides when the provider fails.
 *
 * Screenshots of every screen at desktop and phone width land in test-artifacts/e2e/.
 */
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { STEPS } from '../../lambdas/core/job.js';
import { GROQ_STUB_KEY, startGroqStub, type GroqStub } from '../support/stubs/groq-stub.js';
import { launchBrowser, type Browser } from './browser.js';
import { ensureSpaBuilt } from './build-spa.js';
import { startShortsDev, type ShortsDev } from './shorts-dev.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/e2e/', import.meta.url));
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const STARTING_CREDITS = 3;
/**
 * A 10 s video takes under a minute on an idle machine; in CI other test files render on the
 * same two cores, so waits are generous (they bound a hang, they do not measure speed).
 */
const VIDEO_DONE_MS = 600_000;


/** Waits for a value, as a person would; generous for CI's busy cores (no speed is measured). */
const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 30_000, interval: 200 });

let groq: GroqStub;
let dev: ShortsDev;
let browser: Browser;
let page: Page;
let dataDir: string;

/** Saves the page at desktop and at phone width: `{name}-desktop.png`, `{name}-phone.png`. */
async function screenshots(name: string, fullPage = false): Promise<void> {
  await page.setViewportSize(DESKTOP);
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}-desktop.png`), fullPage });
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}-phone.png`), fullPage });
  await page.setViewportSize(DESKTOP);
}

/**
 * What the page shows besides what the test looks for: no error banner (`role="alert"`, an
 * ErrorState), no "not available yet" note. `allowed` names the alerts the screen is about.
 */
async function expectNoErrorBanners(allowed: string[] = []): Promise<void> {
  const alerts = await page.locator('[role="alert"], .state-error, .state-na').evaluateAll((nodes) =>
    nodes.map((n) => `${n.getAttribute('data-testid') ?? ''}|${(n.textContent ?? '').trim().slice(0, 200)}`),
  );
  expect(alerts.filter((a) => !allowed.includes(a.split('|')[0]!))).toEqual([]);
}

/**
 * The functions' warnings and errors so far (their logs in the data folder), for a failure
 * message: CI shows the assertion, not what the server printed before it.
 */
async function functionTrouble(): Promise<string> {
  const folder = path.join(dataDir, 'logs');
  const files = await readdir(folder).catch(() => [] as string[]);
  const lines: string[] = [];
  for (const file of files.sort()) {
    const text = await readFile(path.join(folder, file), 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      if (/"level":"(WARN|ERROR|CRITICAL)"/.test(line)) lines.push(`${file.replace(/^ai-shorts-|\.log$/g, '')}: ${line.slice(0, 700)}`);
    }
  }
  return lines.length > 0 ? `function logs:\n${lines.slice(-12).join('\n')}` : 'no warnings or errors in the function logs';
}

/** The drawn data points of the chart in the card titled `title` (each point is a circle). */
const chartPoints = (title: string) => page.locator(`section[aria-label="${title}"] svg .chart-point`).count();

async function createVideo(prompt: string): Promise<string> {
  await page.getByRole('link', { name: 'Create' }).first().click();
  await page.getByLabel('Prompt').fill(prompt);
  await page.getByText('10 s', { exact: true }).click();
  await eventually(() => page.getByTestId('cost').textContent()).toBe('1 credit');
  await page.getByRole('button', { name: 'Create video' }).click();
  await page.waitForURL(/\/videos\/[^/]+$/);
  return decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
}

/**
 * What the (stub) model answers: a script that reads in about ten seconds, so the video is as
 * short as the one ordered (the stub's default script is sized for 30 s).
 */
function tenSecondScript(topic: string, scenes: [narration: string, imagePrompt: string][]): { content: string } {
  return {
    content: JSON.stringify({
      title: topic,
      hook: `${topic}, in ten seconds.`,
      style: 'bright flat illustration, soft light, teal and coral palette',
      scenes: scenes.map(([narration, imagePrompt]) => ({ narration, imagePrompt })),
    }),
  };
}

const OCTOPUS: [string, string][] = [
  ['Two hearts pump blood to the gills.', 'An octopus near coral, two glowing hearts'],
  ['The third sends it around the body.', 'An octopus swimming in open blue water'],
  ['And their blood is blue.', 'A close-up of blue octopus skin'],
];
const COFFEE: [string, string][] = [
  ['Goats found it first, in Ethiopia.', 'Goats on a green hillside with coffee shrubs at dawn'],
  ['Then came the coffee houses.', 'A busy old coffee house with brass pots'],
  ['Now it starts our mornings.', 'A steaming cup of coffee on a sunny window sill'],
];

const stepStatus = (step: string) => page.locator(`[data-step="${step}"]`).getAttribute('data-status');

describe('dashboard (browser, shorts dev)', () => {
  beforeAll(async () => {
    ensureSpaBuilt();
    await mkdir(ARTIFACTS, { recursive: true });
    dataDir = await mkdtemp(path.join(tmpdir(), 'shorts-e2e-data-'));
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
      const name = task.name.replace(/\W+/g, '-').slice(0, 60);
      await page.screenshot({ path: path.join(ARTIFACTS, `failed-${name}.png`), fullPage: true }).catch(() => undefined);
      process.stderr.write(`shorts dev output:\n${dev?.output().slice(-4000)}\n`);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await dev?.stop();
    await groq?.stop();
    if (dataDir && !process.env.KEEP_E2E) await rm(dataDir, { recursive: true, force: true });
  });

  it('signs in, makes a 10 s video, shows it being made, plays it, and books it in the ledger', { timeout: VIDEO_DONE_MS + 60_000 }, async () => {
    await page.goto(dev.url);
    await eventually(() => page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
    await screenshots('01-sign-in');

    await page.getByLabel('Your name').fill('Ada E2E');
    await page.getByLabel(/Administrator/).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await eventually(() => page.getByTestId('balance').textContent()).toBe(String(STARTING_CREDITS));
    await page.getByLabel('Prompt').fill('Why octopuses have three hearts');
    await expectNoErrorBanners();
    await screenshots('02-create');

    groq.answer(tenSecondScript('Why octopuses have three hearts', OCTOPUS));
    const id = await createVideo('Why octopuses have three hearts');
    expect(id).not.toBe('');
    await eventually(() => page.getByTestId('balance').textContent()).toBe(String(STARTING_CREDITS - 1));
    await eventually(() => page.locator('[data-step]').count()).toBe(STEPS.length);
    // While it is made: the live timeline, and the preview (or an honest "not available yet").
    await expect.poll(() => stepStatus('voice'), { timeout: VIDEO_DONE_MS, interval: 500 }).toBe('succeeded');
    if ((await stepStatus('finalize')) !== 'succeeded') {
      const preview = page.getByTestId('preview-player').or(page.getByTestId('preview-pending'));
      expect(await preview.count()).toBeGreaterThan(0);
      await screenshots('03-video-in-progress');
    }

    const video = page.getByTestId('final-video');
    await video.waitFor({ state: 'visible', timeout: VIDEO_DONE_MS });
    for (const step of ['script', 'parse', 'images', 'voice', 'captions', 'duration', 'render', 'finalize']) {
      expect(await stepStatus(step)).toBe('succeeded');
    }
    expect(await page.getByTestId('overall-progress').getAttribute('aria-valuenow')).toBe('100');
    expect(await page.getByTestId('download').getAttribute('href')).toMatch(/^http/);

    // It plays: the browser decodes the MP4 and time moves on.
    await video.evaluate((v: HTMLVideoElement) => v.play());
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 30_000 }).toBeGreaterThan(1);
    expect(await video.evaluate((v: HTMLVideoElement) => [v.videoWidth, v.videoHeight])).toEqual([1080, 1920]);
    const seconds = await video.evaluate((v: HTMLVideoElement) => v.duration);
    expect(seconds).toBeGreaterThan(5);
    expect(seconds).toBeLessThan(20);
    await video.evaluate((v: HTMLVideoElement) => {
      v.pause();
      v.currentTime = 2;
    });
    expect(await page.getByTestId('video-title').textContent()).toContain('octopuses');
    await expectNoErrorBanners();
    await screenshots('04-video-done');

    await page.getByRole('link', { name: 'Credits' }).first().click();
    const ledger = page.getByTestId('ledger');
    await ledger.waitFor();
    const debit = ledger.locator('[data-kind="debit"]').first();
    await eventually(() => debit.textContent()).toContain('octopuses');
    expect(await debit.locator('.ledger-delta').textContent()).toBe('−1');
    expect(await page.getByTestId('credits-balance').textContent()).toContain(String(STARTING_CREDITS - 1));
    // The starting grant and the one debit, nothing else.
    expect(await ledger.locator('[data-kind]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')))).toEqual(['debit', 'grant']);
    expect(await ledger.locator('[data-kind="grant"] .ledger-delta').textContent()).toBe(`+${STARTING_CREDITS}`);
    await expectNoErrorBanners();
    await screenshots('05-credits');
  });

  it('shows why a video failed, and Retry runs it again', async () => {
    // The script provider rejects the next call: a permanent error, so the job fails at once.
    groq.fail('chat', { status: 401, body: { error: { message: 'Invalid API Key', type: 'invalid_request_error', code: 'invalid_api_key' } } });
    await createVideo('A short history of coffee');

    const failure = page.getByTestId('failure');
    await failure.waitFor({ state: 'visible', timeout: 60_000 });
    const reason = (await page.getByTestId('failure-reason').textContent()) ?? '';
    expect(reason.length).toBeGreaterThan(10);
    expect(reason).not.toMatch(/undefined|\[object/);
    expect(await stepStatus('script')).toBe('failed');
    // The failure refunded the credit.
    await eventually(() => page.getByTestId('balance').textContent()).toBe(String(STARTING_CREDITS - 1));
    expect(await page.locator('.status-chip').first().getAttribute('data-status')).toBe('FAILED');
    // The failure card is the one alert on the page.
    await expectNoErrorBanners(['failure']);
    await screenshots('06-video-failed');

    groq.answer(tenSecondScript('A short history of coffee', COFFEE));
    await failure.getByRole('button', { name: /Retry/ }).click();
    await failure.waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(() => stepStatus('script'), { timeout: 60_000, interval: 500 }).toBe('succeeded');
    expect(await page.locator('.status-chip').first().getAttribute('data-status')).toMatch(/QUEUED|RUNNING|SUCCEEDED/);
    await eventually(() => page.getByTestId('balance').textContent()).toBe(String(STARTING_CREDITS - 2));
    await expectNoErrorBanners();
    await screenshots('07-video-retried');
  });

  it('lists the videos in the library and shows the ops page to an admin', async () => {
    await page.getByRole('link', { name: 'Library' }).first().click();
    await eventually(() => page.getByTestId('video-card').count()).toBe(2);
    // The finished video's card shows its first scene's picture.
    const thumbnail = page.locator('[data-testid="video-card"][data-status="SUCCEEDED"] img.thumb-img');
    await eventually(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    const statuses = await page.getByTestId('video-card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-status')));
    expect(statuses[1]).toBe('SUCCEEDED'); // the octopus video, older
    // The retried coffee video. The grid shows what it last fetched (the video failed) while it
    // asks again, so its card is waited for; if it stays failed, the functions' logs say why.
    const newest = () => page.getByTestId('video-card').first().getAttribute('data-status');
    await eventually(newest)
      .toMatch(/QUEUED|RUNNING|SUCCEEDED/)
      .catch(async (error: Error) => {
        throw new Error(`${error.message}\n${await functionTrouble()}`);
      });
    expect(await page.getByTestId('balance').textContent()).toBe(String(STARTING_CREDITS - 2));
    await expectNoErrorBanners();
    await screenshots('08-library');

    await page.getByRole('link', { name: 'Ops' }).first().click();
    await eventually(() => page.getByRole('heading', { name: 'Operations' }).isVisible()).toBe(true);
    await eventually(() => page.locator('[aria-busy="true"]').count()).toBe(0);
    // Every card answered: no error and no "not available yet" anywhere.
    await expectNoErrorBanners();
    // The charts drew points: the two videos were ordered within the last hour.
    await eventually(() => chartPoints('Jobs over time')).toBeGreaterThanOrEqual(24);
    expect(await chartPoints('Success rate')).toBeGreaterThan(0);
    expect(await chartPoints('Step durations')).toBeGreaterThan(0);
    // The figures are this server's: two jobs in the records, the queue read, the checks passed.
    const jobsCreated = await page.locator('section[aria-label="Jobs over time"] table td[data-series="jobs_created"]').allTextContents();
    expect(jobsCreated.reduce((sum, v) => sum + Number(v || 0), 0)).toBe(2);
    // A probe can time out while other test files render on the same two cores; the page checks
    // again every 15 s, so a passing check is waited for (a bound on a hang, not a speed).
    await expect.poll(() => page.getByTestId('health-overall').textContent(), { timeout: 90_000, interval: 1000 }).toMatch(/Healthy/);
    expect(await page.getByTestId('queue-queued').textContent()).toMatch(/^\d+$/);
    await screenshots('09-ops', true);

    // The health check answers 503 while a probe times out (above): Chromium logs that answer as
    // a console error. Anything else the page logged is a problem.
    const unhealthy = /^console\.error: Failed to load resource: the server responded with a status of 503 \(Service Unavailable\) \(http:\/\/127\.0\.0\.1:\d+\/api\/health\)$/;
    expect(browser.problems.filter((p) => !unhealthy.test(p))).toEqual([]);
  });
});
