/**
 * `shorts dev` is reachable from this machine only: every TCP socket its process tree listens on
 * (the API, DynamoDB Local's JVM, the S3 and SQS emulators, the local AWS services and their IAM
 * gates, whatever a render starts) is bound to a loopback address. Sampled from /proc while a
 * video is made, so listeners that live only during a run are seen too.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../api/api-client.js';
import { startShortsDev, type ShortsDev } from '../e2e/shorts-dev.js';
import { isLoopback, listeningSockets, type ListeningSocket } from '../support/listening-sockets.js';

let dev: ShortsDev;
let dataDir: string;

describe('shorts dev listens on loopback only', () => {
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'shorts-loopback-'));
    dev = await startShortsDev({ dataDir });
  }, 120_000);

  afterAll(async () => {
    await dev?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('binds every listening socket of the process tree to 127.0.0.1 while a video is made', { timeout: 240_000 }, async () => {
    const seen = new Map<string, ListeningSocket>();
    const sample = () => {
      for (const socket of listeningSockets(dev.pid)) seen.set(`${socket.pid}:${socket.address}:${socket.port}`, socket);
    };
    sample();

    const client = await ApiClient.signIn(dev.url, 'user_loopback');
    const created = await client.createVideo({ prompt: 'Why the sky is blue', seconds: 10 });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    for (;;) {
      sample();
      const answer = await client.call('GET', `/api/videos/${created.body.id}`);
      expect(answer.status).toBe(200);
      if (answer.body.status === 'SUCCEEDED') break;
      expect(answer.body.status, JSON.stringify(answer.body.error)).not.toBe('FAILED');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    sample();

    const sockets = [...seen.values()];
    const describeAll = sockets.map((s) => `${s.command}(${s.pid}) ${s.address}:${s.port}`).join('\n');
    // What must be among them: the API itself and DynamoDB Local's JVM.
    expect(sockets.some((s) => s.port === Number(new URL(dev.url).port)), describeAll).toBe(true);
    expect(sockets.some((s) => s.command === 'java'), describeAll).toBe(true);
    expect(sockets.filter((s) => !isLoopback(s.address)), describeAll).toEqual([]);
  });
});
