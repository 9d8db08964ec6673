/**
 * Debian's Chromium driven by playwright-core (no browser download): headless, a fresh profile,
 * and no calls to Google's hosts (FINDINGS: Chromium looks them up even headless).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.SHORTS_CHROMIUM ?? '/usr/bin/chromium';

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors seen so far. */
  problems: string[];
  close(): Promise<void>;
}

export async function launchBrowser(options: { viewport: { width: number; height: number } }): Promise<Browser> {
  const profile = await mkdtemp(path.join(tmpdir(), 'shorts-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: options.viewport,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return {
    context,
    page,
    problems,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** The widths every dashboard screenshot is taken at: a desktop and a phone. */
export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** Signs in on the local sign-in screen as `name` and waits until the balance shows. */
export async function signIn(page: Page, url: string, name: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByTestId('balance').waitFor();
}

/**
 * Saves the page at desktop and phone width as `{dir}/{name}-desktop.png` and `-phone.png`
 * (whole page), then goes back to desktop width.
 */
export async function screenshots(page: Page, dir: string, name: string): Promise<void> {
  for (const [label, size] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    await page.setViewportSize(size);
    // From the top: a whole-page capture of a scrolled page draws the sticky bar mid-page.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(250);
    await page.screenshot({ path: path.join(dir, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(DESKTOP);
}

/** A call to the API from the signed-in page, with its local session token: the answer's status and JSON body. */
export async function apiFromPage<T = Record<string, unknown>>(page: Page, method: string, apiPath: string): Promise<{ status: number; body: T }> {
  return page.evaluate(
    async ({ method, apiPath }) => {
      const stored = JSON.parse(localStorage.getItem('ai-shorts.local-session') ?? '{}') as { token?: string };
      const response = await fetch(apiPath, { method, headers: { Authorization: `Bearer ${stored.token ?? ''}` } });
      return { status: response.status, body: (await response.json()) as T };
    },
    { method, apiPath },
  );
}
