/**
 * The look of a video, chosen in the dashboard (Debian's Chromium against `shorts dev`, no
 * pipeline runs: MAX_RUNNING_PIPELINES=0): a brand kit made on the Brand page (a logo uploaded
 * through the presigned PUT and checked, a bad picture refused in words, corner, opacity, colours,
 * font), then on the Create page a language, music, a caption look and position and the kit —
 * each read back from the DOM of the live Remotion Player (caption words of the language, where
 * they sit, the watermark's picture, corner and opacity) — and the order: what the API got, in
 * the video's detail. Screenshots of both pages at 1440 and 390 px land in test-artifacts/e2e/
 * (look-*.png).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Language } from '../../lambdas/core/languages.js';
import { SAMPLE_TEXT, sampleTokens } from '../../frontend/src/lib/preview-props.js';
import { apiFromPage, DESKTOP, launchBrowser, screenshots, signIn, type Browser } from './browser.js';
import { ensureSpaBuilt } from './build-spa.js';
import { startShortsDev, type ShortsDev } from './shorts-dev.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/e2e/', import.meta.url));
const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 200 });

let dev: ShortsDev;
let browser: Browser;
let page: Page;
let dataDir: string;
let logo: string;
let notAPicture: string;

interface PreviewWord {
  text: string;
  /** Centre, as a share of the Player's width / height. */
  x: number;
  y: number;
}
interface PreviewImage {
  src: string;
  x: number;
  y: number;
  /** Its opacity times its ancestors' inside the Player. */
  opacity: number;
}

/** What the Player draws now: every text leaf and every picture, placed inside the Player's box. */
function readPlayer(preview: Locator): Promise<{ words: PreviewWord[]; images: PreviewImage[] }> {
  return preview.evaluate((root) => {
    const box = root.getBoundingClientRect();
    const place = (el: Element) => {
      const r = el.getBoundingClientRect();
      return { x: (r.left + r.width / 2 - box.left) / box.width, y: (r.top + r.height / 2 - box.top) / box.height };
    };
    const words = [...root.querySelectorAll('*')]
      .filter((el) => el.children.length === 0 && (el.textContent ?? '').trim() !== '')
      .map((el) => ({ text: (el.textContent ?? '').trim(), ...place(el) }));
    const images = [...root.querySelectorAll('img')].map((img) => {
      let opacity = 1;
      for (let n: Element | null = img; n && n !== root; n = n.parentElement) opacity *= Number(getComputedStyle(n).opacity);
      return { src: img.getAttribute('src') ?? '', opacity, ...place(img) };
    });
    return { words, images };
  });
}

/** The caption words of a language's sample the Player shows now, and their mean height (0 top … 1 bottom). */
async function captionWords(preview: Locator, language: Language): Promise<{ words: string[]; y: number }> {
  const tokens = new Set(sampleTokens(SAMPLE_TEXT[language].sentence, language).map((t) => t.trim()));
  const shown = (await readPlayer(preview)).words.filter((w) => tokens.has(w.text));
  return { words: shown.map((w) => w.text), y: shown.reduce((sum, w) => sum + w.y, 0) / (shown.length || 1) };
}

describe('brand kit and the look of a video (browser, shorts dev)', () => {
  beforeAll(async () => {
    ensureSpaBuilt();
    await mkdir(ARTIFACTS, { recursive: true });
    dataDir = await mkdtemp(path.join(tmpdir(), 'shorts-e2e-look-'));
    // A 160×80 logo, pink on the left half and white on the right: a real PNG made by ffmpeg.
    logo = path.join(dataDir, 'logo.png');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=0xFF0066:s=160x80', '-vf', 'drawbox=x=80:y=0:w=80:h=80:color=white:t=fill', '-frames:v', '1', '-y', logo]);
    notAPicture = path.join(dataDir, 'notes.png');
    await writeFile(notAPicture, 'these are my notes, not a picture\n'.repeat(20));
    dev = await startShortsDev({ dataDir: path.join(dataDir, 'data'), timeoutMs: 180_000, env: { STARTING_CREDITS: '2', MAX_RUNNING_PIPELINES: '0' } });
    browser = await launchBrowser({ viewport: DESKTOP });
    page = browser.page;
  }, 180_000);

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) {
      await page.screenshot({ path: path.join(ARTIFACTS, 'failed-look.png'), fullPage: true }).catch(() => undefined);
      process.stderr.write(`shorts dev output:\n${dev?.output().slice(-3000)}\nbrowser problems:\n${browser?.problems.join('\n')}\n`);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await dev?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('makes a brand kit with a logo, shows it in the Player, and refuses a file that is not a picture in words', { timeout: 90_000 }, async () => {
    await signIn(page, dev.url, 'Brand E2E');
    // No kit yet: the Create page offers it disabled, with the way to make one.
    const brandBox = page.getByRole('checkbox', { name: /Use my brand kit/ });
    await eventually(() => page.locator('#brand-help').textContent()).toContain('You have no brand kit yet.');
    expect(await brandBox.isDisabled()).toBe(true);

    await page.getByRole('link', { name: 'Brand' }).first().click();
    await page.waitForURL(/\/brand$/);
    await page.getByRole('heading', { name: 'Brand kit' }).waitFor();

    // A text file named .png reaches the server, which reads its bytes and says no, plainly.
    await page.locator('#logo-file').setInputFiles(notAPicture);
    const help = page.getByTestId('logo-help');
    await eventually(() => help.getAttribute('class')).toBe('field-error');
    const refusal = (await help.textContent()) ?? '';
    expect(refusal).toMatch(/picture|image|PNG|file/i);
    expect(refusal).not.toMatch(/arn:|Exception|\/tmp\/|uploads\/|s3:/i);

    await page.locator('#logo-file').setInputFiles(logo);
    await page.getByTestId('brand-logo').locator('img').waitFor();
    expect(await help.getAttribute('class')).toBe('field-hint');

    await page.getByRole('radiogroup', { name: 'Logo corner' }).getByText('Bottom left').click();
    await page.locator('#logoOpacity').fill('0.5');
    await page.getByLabel('Highlight colour').fill('#22cc88');
    await page.getByText('Montserrat', { exact: true }).click();

    // The Player draws the kit before it is saved: the logo bottom left at half opacity.
    const preview = page.getByTestId('live-preview');
    const logoUrl = (await page.getByTestId('brand-logo').locator('img').getAttribute('src'))!;
    await eventually(async () => (await readPlayer(preview)).images.find((i) => i.src === logoUrl)).toMatchObject({ opacity: expect.closeTo(0.5, 1) });
    const mark = (await readPlayer(preview)).images.find((i) => i.src === logoUrl)!;
    expect(mark.x).toBeLessThan(0.4);
    expect(mark.y).toBeGreaterThan(0.6);

    await page.getByRole('button', { name: 'Save changes' }).click();
    await eventually(() => page.getByTestId('brand-state').textContent()).toMatch(/^Saved/);
    const saved = await apiFromPage<{ brand: Record<string, unknown> }>(page, 'GET', '/api/brand');
    expect(saved.body.brand).toMatchObject({ logoPosition: 'bottom-left', logoOpacity: 0.5, primaryColor: expect.stringMatching(/^#22cc88$/i), font: 'montserrat' });
    expect(saved.body.brand.logoUrl).toEqual(expect.any(String));
    expect(await page.locator('[role="alert"]').count()).toBe(0);
    await screenshots(page, ARTIFACTS, 'look-brand');
  });

  it('previews the language, caption look, place and the kit live, and orders the video with them', { timeout: 90_000 }, async () => {
    await page.getByRole('link', { name: 'Create' }).first().click();
    await page.getByLabel('Prompt').fill('なぜ海は塩辛いのか');
    await page.getByText('10 s', { exact: true }).click();
    const preview = page.getByTestId('live-preview');

    // English first, the style's own place (bottom band of a portrait frame).
    await eventually(async () => (await captionWords(preview, 'en')).words.length).toBeGreaterThan(0);
    expect((await captionWords(preview, 'en')).y).toBeGreaterThan(0.55);

    await page.getByLabel('Language').selectOption('ja');
    await page.locator('#music').selectOption('calm');
    await page.getByTestId('caption-look-karaoke').click();
    await page.getByRole('radiogroup', { name: 'Caption position' }).getByText('Top', { exact: true }).click();
    const brandBox = page.getByRole('checkbox', { name: /Use my brand kit/ });
    await brandBox.check();

    // Japanese words of the sample, drawn in the top part of the frame, with the logo bottom left.
    await eventually(async () => (await captionWords(preview, 'ja')).words.length).toBeGreaterThan(0);
    await eventually(async () => (await captionWords(preview, 'ja')).y).toBeLessThan(0.4);
    expect(await preview.getAttribute('data-language')).toBe('ja');
    await eventually(async () => (await readPlayer(preview)).images.filter((i) => i.src.startsWith('http')).length).toBe(1);
    const mark = (await readPlayer(preview)).images.find((i) => i.src.startsWith('http'))!;
    expect([mark.x < 0.4, mark.y > 0.6]).toEqual([true, true]);
    await screenshots(page, ARTIFACTS, 'look-create');

    const sent = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/videos');
    await page.getByRole('button', { name: 'Create video' }).click();
    expect((await sent).postDataJSON()).toMatchObject({ language: 'ja', music: 'calm', captionStyle: 'karaoke', captionPosition: 'top', brand: true, seconds: 10 });
    await page.waitForURL(/\/videos\/[^/]+$/);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);

    // The job keeps what was asked for; the page says it.
    const detail = await apiFromPage(page, 'GET', `/api/videos/${encodeURIComponent(id)}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ language: 'ja', music: 'calm', captionStyle: 'karaoke', captionPosition: 'top', brand: true });
    await eventually(() => page.getByTestId('video-language').textContent()).toContain('日本語');
    expect(await page.getByTestId('video-music').textContent()).toBe('Calm');
    expect(await page.getByTestId('video-captions').textContent()).toBe('Karaoke · Top');
    expect(await page.getByTestId('video-brand').textContent()).toBe('Applied');
    // Nothing else went wrong on the way: the only error answer was the refused logo's 400.
    expect(browser.problems.filter((p) => !p.includes('status of 400'))).toEqual([]);
  });
});
