/**
 * `shorts batch`: orders a file's videos through the HTTP API (POST /api/batches, 50 at a time),
 * follows them (GET /api/batches/{id}) with a line per change of each video, downloads each
 * finished MP4 and returns one outcome per line of the file. Refused items are ordered again the
 * way the API intends — the same batch under the same Idempotency-Key — when a place among the
 * user's videos in progress frees up, or, locally, once the credits they need were bought.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { creditsFor } from '../../lambdas/core/credits.js';
import { MAX_BATCH_ITEMS } from '../../lambdas/core/jobs/batches.js';
import type { BatchLine } from '../../lambdas/core/batch-file.js';
import { downloadTo } from './api-session.js';
import { ApiError, createShortsClient, unwrap, type Schemas } from '../../lambdas/api/client/shorts-client.js';

export interface BatchOutcome {
  line: number;
  prompt: string;
  status: 'succeeded' | 'failed' | 'refused';
  videoId?: string;
  file?: string;
  durationMs?: number;
  reason?: string;
}

export interface BatchRunOptions {
  /** The API and a token it accepts (a session token; locally one from the dev session route). */
  api: { url: string; token: string };
  lines: BatchLine[];
  outDir: string;
  /** Locally: buys credits (simulated, through the real webhook) when items were refused for want of them. */
  buyCredits?: (credits: number) => Promise<void>;
  /** A line of progress (to stderr). */
  report: (line: string) => void;
  pollMs?: number;
}

type ItemView = Schemas['BatchItem'];

type ItemState =
  | { kind: 'pending'; waiting?: string }
  | { kind: 'accepted'; videoId: string; seen: string }
  | { kind: 'done'; outcome: BatchOutcome };

/** A file name for line `n`: its number and the prompt's first words, safe on any file system. */
export function outputName(n: number, total: number, prompt: string): string {
  const slug = prompt
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return `${String(n).padStart(String(total).length, '0')}-${slug || 'video'}.mp4`;
}

export async function runBatch(options: BatchRunOptions): Promise<BatchOutcome[]> {
  const { api, lines, report } = options;
  const pollMs = options.pollMs ?? 2000;
  // The typed client (docs/api.md "Typed client"): a route or field the API does not have fails tsc.
  const client = createShortsClient({ baseUrl: api.url, token: api.token });

  const total = lines.length;
  const label = (i: number) => `[${String(i + 1).padStart(String(total).length)}/${total}]`;
  const states: ItemState[] = lines.map(() => ({ kind: 'pending' }));
  const chunks = Array.from({ length: Math.ceil(total / MAX_BATCH_ITEMS) }, (_, c) => ({
    first: c * MAX_BATCH_ITEMS,
    lines: lines.slice(c * MAX_BATCH_ITEMS, (c + 1) * MAX_BATCH_ITEMS),
    key: randomUUID(),
    batchId: undefined as string | undefined,
  }));
  const finish = (i: number, outcome: Omit<BatchOutcome, 'line' | 'prompt'>) => {
    states[i] = { kind: 'done', outcome: { line: lines[i]!.line, prompt: lines[i]!.request.prompt, ...outcome } };
  };

  // Whether something changed that makes ordering the pending items again worth a request.
  let orderAgain = true;
  while (states.some((s) => s.kind !== 'done')) {
    if (orderAgain && states.some((s) => s.kind === 'pending')) {
      orderAgain = false;
      let creditsNeeded = 0;
      for (const chunk of chunks) {
        if (!chunk.lines.some((_, j) => states[chunk.first + j]!.kind === 'pending')) continue;
        const answer = await unwrap(
          client.POST('/api/batches', { body: { items: chunk.lines.map((l) => l.request) }, headers: { 'Idempotency-Key': chunk.key } }),
        );
        chunk.batchId = answer.id;
        for (const item of answer.items as ItemView[]) {
          const i = chunk.first + item.index;
          const state = states[i]!;
          if (state.kind !== 'pending') continue;
          if (item.status === 'accepted' && item.videoId) {
            states[i] = { kind: 'accepted', videoId: item.videoId, seen: 'QUEUED' };
            report(`${label(i)} queued     ${lines[i]!.request.prompt.slice(0, 60)}`);
          } else if (item.error?.code === 'insufficient_credits' && options.buyCredits) {
            creditsNeeded += creditsFor(lines[i]!.request);
          } else if (item.error?.code === 'limit_exceeded' && item.error.limit === 'active') {
            if (state.waiting !== 'active') report(`${label(i)} waiting    for a place: ${item.error.message}`);
            states[i] = { kind: 'pending', waiting: 'active' };
          } else {
            const reason = item.error?.message ?? 'refused';
            report(`${label(i)} refused    ${reason}`);
            finish(i, { status: 'refused', reason });
          }
        }
      }
      if (creditsNeeded > 0 && options.buyCredits) {
        report(`Buying ${creditsNeeded} simulated credit${creditsNeeded === 1 ? '' : 's'} (local only: the real webhook, a locally signed payment) …`);
        await options.buyCredits(creditsNeeded);
        orderAgain = true;
        continue;
      }
    }
    if (!states.some((s) => s.kind === 'accepted')) {
      // Waiting only for places held by the user's other videos: ask again now and then.
      await new Promise((resolve) => setTimeout(resolve, pollMs * 5));
      orderAgain = true;
      continue;
    }

    await new Promise((resolve) => setTimeout(resolve, pollMs));
    for (const chunk of chunks) {
      if (!chunk.batchId || !chunk.lines.some((_, j) => states[chunk.first + j]!.kind === 'accepted')) continue;
      const batch = await unwrap(client.GET('/api/batches/{id}', { params: { path: { id: chunk.batchId } } }));
      for (const item of batch.items) {
        const i = chunk.first + item.index;
        const state = states[i]!;
        if (state.kind !== 'accepted') continue;
        const video = item.video;
        if (!video) {
          finish(i, { status: 'failed', videoId: state.videoId, reason: 'the video was deleted' });
          report(`${label(i)} failed     the video was deleted`);
          orderAgain = true;
          continue;
        }
        const seen = `${video.status}${video.currentStep ? ` (${video.currentStep})` : ''}`;
        if (video.status === 'SUCCEEDED') {
          const file = join(options.outDir, outputName(i + 1, total, lines[i]!.request.prompt));
          const durationMs = await download(state.videoId, file);
          finish(i, { status: 'succeeded', videoId: state.videoId, file, ...(durationMs !== undefined ? { durationMs } : {}) });
          report(`${label(i)} succeeded  ${file}`);
          orderAgain = true;
        } else if (video.status === 'FAILED') {
          const reason = video.error?.message ?? 'the video failed';
          finish(i, { status: 'failed', videoId: state.videoId, reason });
          report(`${label(i)} failed     ${reason}`);
          orderAgain = true;
        } else if (seen !== state.seen) {
          states[i] = { ...state, seen };
          report(`${label(i)} ${video.status.toLowerCase().padEnd(10)} ${video.currentStep ?? ''}`.trimEnd());
        }
      }
    }
  }
  return states.map((s) => (s as Extract<ItemState, { kind: 'done' }>).outcome);

  /** The MP4 at the video's presigned URL (GET /api/videos/{id}), written whole or not at all. */
  async function download(videoId: string, file: string): Promise<number | undefined> {
    const detail = await unwrap(client.GET('/api/videos/{id}', { params: { path: { id: videoId } } }));
    if (!detail.videoUrl) throw new ApiError(409, `Video ${videoId} has finished but has no file.`);
    await downloadTo(detail.videoUrl, file, `video ${videoId}`);
    return detail.durationMs;
  }
}

/** The summary table printed when the run ends. */
export function summaryTable(outcomes: BatchOutcome[]): string {
  const rows = outcomes.map((o, i) => [
    String(i + 1),
    o.status,
    o.durationMs !== undefined ? `${(o.durationMs / 1000).toFixed(1)} s` : '-',
    o.file ?? o.reason ?? '',
  ]);
  const header = ['#', 'status', 'length', 'file or reason'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const format = (cells: string[]) => cells.map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ');
  const count = (status: BatchOutcome['status']) => outcomes.filter((o) => o.status === status).length;
  return [
    format(header),
    ...rows.map(format),
    '',
    `${count('succeeded')} succeeded, ${count('failed')} failed, ${count('refused')} refused, of ${outcomes.length}.`,
  ].join('\n');
}
