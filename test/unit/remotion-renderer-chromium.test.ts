import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openBrowser } from '@remotion/renderer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM_DISABLE_FEATURES,
  CHROMIUM_ENABLE_FEATURES,
  CHROMIUM_SWITCHES,
  chromiumWrapperScript,
} from '../../lambdas/adapters/offline/remotion-renderer.js';
import { descendants } from '../bench/process-tree.js';

const run = promisify(execFile);

describe('the Chromium wrapper script', () => {
  let dir: string;
  let wrapper: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chromium-wrapper-'));
    // A "browser" that prints its arguments one a line; the quote in its name must survive.
    const fake = join(dir, "fake chromium's.sh");
    await writeFile(fake, '#!/bin/sh\nfor a do printf "%s\\n" "$a"; done\n', { mode: 0o755 });
    wrapper = join(dir, 'wrapper.sh');
    await writeFile(wrapper, chromiumWrapperScript(fake), { mode: 0o755 });
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  const argsOf = async (...args: string[]) => (await run(wrapper, args)).stdout.split('\n').slice(0, -1);

  it("merges its features into Remotion's lists, keeping every other argument as it was", async () => {
    const args = await argsOf('--a', '--enable-features=X,Y', 'about:blank', '--b=c d', '--disable-features=Z');
    expect(args).toEqual([
      ...CHROMIUM_SWITCHES,
      '--a',
      `--enable-features=X,Y,${CHROMIUM_ENABLE_FEATURES.join(',')}`,
      'about:blank',
      '--b=c d',
      `--disable-features=Z,${CHROMIUM_DISABLE_FEATURES.join(',')}`,
    ]);
    // Chromium honours only the last of a repeated switch: one list each, or Remotion's would be lost.
    expect(args.filter((a) => a.startsWith('--enable-features='))).toHaveLength(1);
    expect(args.filter((a) => a.startsWith('--disable-features='))).toHaveLength(1);
  });

  it('adds its own feature switches when the caller passes none', async () => {
    expect(await argsOf('--a')).toEqual([
      ...CHROMIUM_SWITCHES,
      '--a',
      `--enable-features=${CHROMIUM_ENABLE_FEATURES.join(',')}`,
      `--disable-features=${CHROMIUM_DISABLE_FEATURES.join(',')}`,
    ]);
  });
});

describe("Debian's Chromium started as the offline renderer starts it", () => {
  it('runs without a GPU process, a network service process or the omnibox WebUI renderer, with one renderer', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chromium-wrapper-'));
    const wrapper = join(dir, 'chromium.sh');
    await writeFile(wrapper, chromiumWrapperScript('/usr/bin/chromium'), { mode: 0o755 });
    const browser = await openBrowser('chrome', { browserExecutable: wrapper, chromeMode: 'chrome-for-testing', chromiumOptions: { gl: null }, logLevel: 'error' });
    try {
      // Chromium starts with about:blank open; it preloaded the omnibox popup's WebUI within a
      // second or two of start.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const helpers: string[] = [];
      for (const { pid } of await descendants(process.pid)) {
        // Chromium rewrites its helpers' titles: arguments may be separated by spaces, not NULs.
        const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split(/[\0 ]/);
        if (!/chrom/.test(args[0] ?? '')) continue;
        helpers.push(args.filter((a) => /^--(type|utility-sub-type)=|^--top-chrome-webui$/.test(a)).join(' ') || 'browser');
      }
      expect(helpers, helpers.join('; ')).toContain('browser');
      expect(helpers.filter((h) => h.includes('--type=gpu-process'))).toEqual([]);
      expect(helpers.filter((h) => h.includes('NetworkService'))).toEqual([]);
      expect(helpers.filter((h) => h.includes('--top-chrome-webui'))).toEqual([]);
      expect(helpers.filter((h) => h.startsWith('--type=renderer'))).toHaveLength(1);
    } finally {
      await browser.close({ silent: true });
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
