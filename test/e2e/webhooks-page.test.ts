/**
 * The Webhooks page in Debian's Chromium against the local server (in-process, the built
 * dashboard): add an endpoint on 127.0.0.1 and see its secret once, see it listed, order a video
 * that fails (its image step is made to fail), read the delivery log (a 500, then the retry's
 * 200), "Send again", rotate the secret, delete the endpoint. Screenshots at desktop and phone
 * width land in test-artifacts/e2e/webhooks-*.png; the assertions are on what the page shows.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderRejected } from '../../lambdas/core/errors.js';
import { stepDeps, stepHandler } from '../../lambdas/shared/step-handler.js';
import { startDevServer, type DevServer } from '../../lib/local/dev-server.js';
import { Receiver, verified } from '../api/webhook-receiver.js';
import { launchBrowser, type Browser } from './browser.js';
import { ensureSpaBuilt } from './build-spa.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/e2e/', import.meta.url));
const DIST = fileURLToPath(new URL('../../frontend/dist/', import.meta.url));
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const eventually = <T>(read: () => T | Promise<T>, timeout = 60_000) => expect.poll(read, { timeout, interval: 250 });

let server: DevServer;
let receiver: Receiver;
let browser: Browser;
let page: Page;

async function screenshots(name: string): Promise<void> {
  await page.setViewportSize(DESKTOP);
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(ARTIFACTS, `webhooks-${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(ARTIFACTS, `webhooks-${name}-phone.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
}

describe('the Webhooks page', () => {
  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    ensureSpaBuilt();
    receiver = await new Receiver().start();
    server = await startDevServer({
      port: 0,
      inMemory: true,
      quiet: true,
      staticDir: DIST,
      maxRunningPipelines: 1,
      settings: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT', WEBHOOK_RETRY_SECONDS: '1' },
      runner: {
        handlers: {
          'Generate Image': async (input, ctx) =>
            stepHandler(await stepDeps(ctx.dependencies()), { step: 'images' }, async () => {
              throw new ProviderRejected('Replicate refused the prompt: it violates the content policy (422).');
            })(input),
        },
        retryIntervalOverrides: { 'Generate Image': 10, 'Fail Job': 10 },
      },
    });
    browser = await launchBrowser({ viewport: DESKTOP });
    page = browser.page;
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await receiver?.stop();
  });

  it('adds an endpoint (secret shown once), shows its delivery log with attempts, sends again, rotates and deletes', { timeout: 300_000 }, async () => {
    await page.goto(server.url);
    await eventually(() => page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
    await page.getByLabel('Your name').fill('Hook Tester');
    await page.getByRole('button', { name: 'Continue' }).click();
    await eventually(() => page.getByTestId('balance').isVisible()).toBe(true);

    await page.getByRole('link', { name: 'Webhooks' }).first().click();
    await page.waitForURL(/\/webhooks$/);
    await eventually(() => page.getByRole('heading', { name: 'Webhooks', level: 1 }).isVisible()).toBe(true);
    await eventually(() => page.getByText('No endpoints yet').isVisible()).toBe(true);
    await screenshots('01-empty');

    // The receiver fails the first attempt; the retry (1 s later, the shortened schedule) succeeds.
    receiver.answer('/hook', 500);
    await page.getByRole('textbox', { name: /^URL/ }).fill(`${receiver.url}/hook`);
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await eventually(() => page.getByTestId('webhook-secret-value').textContent()).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const secret = (await page.getByTestId('webhook-secret-value').textContent())!;
    await eventually(() => page.getByTestId('webhook-url').allTextContents()).toEqual([`${receiver.url}/hook`]);
    await expect.poll(() => page.getByText('Endpoints (1 of 10)').isVisible()).toBe(true);
    await screenshots('02-added');

    // A refused target: the API's 400 is shown beside the form.
    await page.getByRole('textbox', { name: /^URL/ }).fill('https://169.254.169.254/latest/meta-data/');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await eventually(() => page.getByTestId('webhook-add-error').textContent()).toContain('link-local');

    // A video that fails: its video.failed goes to the endpoint.
    await page.getByRole('link', { name: 'Create' }).first().click();
    await page.getByLabel('Prompt').fill('A quick tour of Saturn');
    await page.getByText('10 s', { exact: true }).click();
    await page.getByRole('button', { name: 'Create video' }).click();
    await page.waitForURL(/\/videos\/[^/]+$/);
    const videoId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    await eventually(() => receiver.at('/hook').length, 120_000).toBe(2);
    expect(verified(secret, receiver.at('/hook')[1]!)).toMatchObject({ type: 'video.failed', data: { id: videoId } });

    await page.getByRole('link', { name: 'Webhooks' }).first().click();
    await page.getByRole('button', { name: 'Deliveries' }).first().click();
    await eventually(() => page.getByTestId('delivery-state').allTextContents()).toEqual(['succeeded']);
    expect(await page.getByTestId('delivery-attempts').locator('li').allTextContents()).toEqual(['500', '200']);
    expect(await page.getByTestId('delivery').textContent()).toContain('video.failed');
    await screenshots('03-deliveries');

    await page.getByRole('button', { name: 'Send again' }).click();
    await eventually(() => page.getByTestId('delivery-attempts').locator('li').allTextContents()).toEqual(['500', '200', '200']);
    expect(receiver.at('/hook')).toHaveLength(3);
    expect(receiver.at('/hook')[2]!.headers['webhook-id']).toBe(receiver.at('/hook')[0]!.headers['webhook-id']);

    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Rotate' }).click();
    await eventually(async () => {
      const value = await page.getByTestId('webhook-secret-value').textContent();
      return value !== secret && /^whsec_/.test(value ?? '');
    }).toBe(true);

    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await eventually(() => page.getByText('No endpoints yet').isVisible()).toBe(true);
    expect(await page.locator('.state-error, [role=alert].error').count()).toBe(0);
    expect(browser.problems.filter((p) => !p.includes('400'))).toEqual([]);
  });
});
