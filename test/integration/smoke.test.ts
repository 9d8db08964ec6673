/**
 * `npm run smoke` — what a user runs after `cdk deploy` (docs/deploy.md, "Verify your
 * deployment") — against `shorts dev`: it signs in with the token it is given, orders a 10 s
 * video, follows it to done, downloads the MP4 through the file route's presigned redirect and
 * checks it. And it fails clearly (exit 1, the reason) when the API refuses the token.
 */
import '../api/quiet-logs.js';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../lib/local/dev-server.js';
import { ApiClient } from '../api/api-client.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

let server: DevServer;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ai-shorts-smoke-'));
  server = await startDevServer({ port: 0, dataDir: path.join(dir, 'data'), inMemory: true, quiet: true, runner: { waitTimeOverrides: { 'Wait for Render': 250 } } });
});

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

function smoke(args: string[]) {
  return run(TSX, [path.join(ROOT, 'scripts', 'smoke.ts'), ...args], { cwd: ROOT, timeout: 240_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

describe('npm run smoke', () => {
  it('makes a video through the API and downloads it', async () => {
    const user = await ApiClient.signIn(server.url, 'smoke-tester');
    const out = path.join(dir, 'smoke.mp4');

    const result = await smoke(['--api-url', `${server.url}/api`, '--token', user.token!, '--out', out, '--poll-seconds', '0.5']);

    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/signed in as smoke-tester, 3 credit\(s\)/);
    expect(result.stdout).toMatch(/queued/);
    expect(result.stdout).toMatch(/Render video/);
    expect(result.stdout).toMatch(/ok: .*smoke\.mp4 \(\d+\.\d MB, \d+\.\d s, 1080×1920, with sound\)/);
    expect((await stat(out)).size).toBeGreaterThan(100_000);
  });

  it('says why and exits 1 when the API refuses the token', async () => {
    const result = await smoke(['--api-url', server.url, '--token', 'not-a-token']);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/smoke test failed: GET \/api\/me \(signing in\): HTTP 401: Your session token is invalid or has expired/);
  });

  it('exits 2 naming a bad flag', async () => {
    const result = await smoke(['--api-url', 'not a url', '--token', 'x']);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--api-url/);
  });
});
