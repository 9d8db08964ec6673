/**
 * The dashboard is always there: `shorts dev` in a checkout without a built dashboard builds it
 * (a line of progress) before it says it is running, and serves it; a build that fails says so
 * plainly and the API serves anyway. The build goes to a temporary directory
 * (`--dashboard-dir`), never to the checkout's frontend/dist, which other tests serve.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dashboardBuildReason, ensureDashboardBuilt } from '../../lib/local/dashboard-build.js';
import { startShortsDev, type ShortsDev } from './shorts-dev.js';

const temporary: string[] = [];
let dev: ShortsDev | undefined;

async function tempDir(name: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), name));
  temporary.push(dir);
  return dir;
}

afterAll(async () => {
  await dev?.stop();
  for (const dir of temporary) await rm(dir, { recursive: true, force: true });
});

describe('the dashboard build of shorts dev', () => {
  it('builds a missing dashboard, says so, and serves it', { timeout: 420_000 }, async () => {
    // Prepare: where the dashboard is missing
    const dist = path.join(await tempDir('shorts-dashboard-'), 'dist');
    expect(dashboardBuildReason(dist)).toBe('missing');

    // Act
    dev = await startShortsDev({ dataDir: await tempDir('shorts-dashboard-data-'), args: ['--dashboard-dir', dist], timeoutMs: 360_000 });

    // Assess: the progress lines came before the "running" line, and / is the SPA
    const output = dev.output();
    const building = output.indexOf('Building the dashboard');
    expect(building, output).toBeGreaterThanOrEqual(0);
    expect(output).toMatch(/Building the dashboard \(.+ is missing\) …/);
    expect(output).toMatch(/Dashboard built in \d+ s\./);
    expect(building).toBeLessThan(output.indexOf('ai-shorts is running at'));
    const page = await fetch(`${dev.url}/`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).not.toMatch(/not built yet/);
    expect(html).toBe(await readFile(path.join(dist, 'index.html'), 'utf8'));
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect((await fetch(`${dev.url}${script}`)).status).toBe(200);
    // Built now: the next start does not build again.
    expect(dashboardBuildReason(dist)).toBeUndefined();
    expect(await ensureDashboardBuilt({ outDir: dist })).toEqual({ built: false, reason: 'current' });
  });

  it('says plainly when the build fails, and leaves the serving to the API', async () => {
    const dist = path.join(await tempDir('shorts-dashboard-broken-'), 'dist');
    const lines: string[] = [];
    const result = await ensureDashboardBuilt({
      outDir: dist,
      progress: (line) => lines.push(line),
      // A build that fails as vite does: a message, exit 1.
      command: [process.execPath, '-e', 'console.error("[vite]: Rollup failed to resolve import \\"./nowhere.js\\""); process.exit(1)'],
    });
    expect(result).toMatchObject({ built: false, reason: 'missing' });
    expect(lines[0]).toMatch(/^Building the dashboard/);
    expect(lines[1]).toMatch(/^The dashboard could not be built \(vite exited 1\); the API serves anyway\. Run npm run build:web to see why\./);
    expect(lines[1]).toContain('failed to resolve import "./nowhere.js"');
    await expect(stat(dist)).rejects.toThrow();
  });
});
