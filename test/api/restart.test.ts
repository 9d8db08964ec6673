/**
 * `npx shorts dev` as a person runs it: start it, order two short videos, stop it with Ctrl-C
 * while the first is being made and the second waits in the queue, start it again on the same
 * data directory — and both videos finish, each paid for once.
 */
import './quiet-logs.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ledgerSum } from './api-client.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHORT = { seconds: 10, aspect: '1:1', captionStyle: 'minimal' };

let dataDir: string;
const children = new Set<ChildProcess>();

interface Dev {
  url: string;
  child: ChildProcess;
  output: () => string;
}

/** Starts `shorts dev` in its own process and resolves with its URL once it says it is running. */
async function startDev(): Promise<Dev> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'shorts.mjs'), 'dev', '--port', '0', '--max-running', '1', '--data-dir', dataDir], {
    cwd: ROOT,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'WARN', STARTING_CREDITS: '3' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 90_000;
  for (;;) {
    const url = output.match(/ai-shorts is running at (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
    if (url) return { url, child, output: () => output };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`shorts dev did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Ctrl-C, and wait for the process to finish shutting down. */
async function interrupt(dev: Dev): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => dev.child.once('exit', (code) => resolve(code)));
  dev.child.kill('SIGINT');
  return exited;
}

async function waitFor(user: ApiClient, id: string, until: (video: any) => boolean, timeoutMs: number): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A poll may meet a keep-alive socket the server is just closing (the test process can be
    // starved for seconds on a busy machine): that read is retried; a server that is gone is not.
    const answer = await user.call('GET', `/api/videos/${id}`).catch((error: unknown) => {
      if ((error as { cause?: { code?: string } }).cause?.code === 'ECONNRESET' && Date.now() < deadline) return undefined;
      throw error;
    });
    if (answer === undefined) continue;
    if (answer.status !== 200) throw new Error(`GET /api/videos/${id}: ${answer.status} ${JSON.stringify(answer.body)}`);
    if (until(answer.body)) return answer.body;
    if (answer.body?.status === 'FAILED') throw new Error(`video ${id} failed: ${JSON.stringify(answer.body.error)}`);
    if (Date.now() > deadline) throw new Error(`video ${id} did not get there: ${JSON.stringify(answer.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ai-shorts-restart-'));
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

describe('shorts dev, restarted', () => {
  it('finishes every queued and interrupted video after a restart, charging each once', async () => {
    // Prepare: two videos, one being made, one waiting (one pipeline at a time)
    const first = await startDev();
    let user = await ApiClient.signIn(first.url, 'restarter');
    const a = await user.createVideo({ ...SHORT, prompt: 'Why cats purr' });
    const b = await user.createVideo({ ...SHORT, prompt: 'How rainbows form' });
    expect([a.status, b.status]).toEqual([202, 202]);
    await waitFor(user, a.body.id, (v) => v.status === 'RUNNING' && v.currentStep !== undefined, 60_000);
    expect((await user.call('GET', `/api/videos/${b.body.id}`)).body.status).toBe('QUEUED');

    // Act: Ctrl-C mid-video, then start again on the same data
    expect(await interrupt(first)).toBe(0);
    expect(first.output()).toMatch(/stopping/);
    const second = await startDev();
    // The signing key is kept in the data directory; a token names the origin it was made for (port 0 picked a new one).
    user = await ApiClient.signIn(second.url, 'restarter');

    // Assess
    // On failure, what the restarted server said is part of the message.
    const withOutput = (error: unknown): never => {
      throw new Error(`${(error as Error).message}\n--- shorts dev (restarted) said ---\n${second.output().slice(-6000)}`);
    };
    const videoA = await waitFor(user, a.body.id, (v) => v.status === 'SUCCEEDED', 480_000).catch(withOutput);
    const videoB = await waitFor(user, b.body.id, (v) => v.status === 'SUCCEEDED', 480_000).catch(withOutput);
    expect(videoA.attempt).toBe(1); // re-driven once, as a new execution
    expect(videoB.attempt).toBe(0);
    for (const video of [videoA, videoB]) {
      const mp4 = new Uint8Array(await (await fetch(video.videoUrl)).arrayBuffer());
      expect(new TextDecoder().decode(mp4.slice(4, 8))).toBe('ftyp');
    }
    const { balance, entries } = await user.credits();
    expect(balance).toBe(1);
    expect(entries.filter((e) => e.kind === 'debit')).toHaveLength(2);
    expect(entries.filter((e) => e.kind === 'refund')).toHaveLength(0);
    expect(ledgerSum(entries)).toBe(balance);
    expect(await interrupt(second)).toBe(0);
    // Two real renders one after the other: generous on a busy 2-core machine.
  }, 900_000);
});
