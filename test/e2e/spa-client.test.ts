/**
 * The dashboard's API client reads what the API's own views write: a job rendered by
 * lambdas/api/views.ts maps onto the SPA's Video without losing steps, errors or progress.
 */
import { describe, expect, it } from 'vitest';
import { newJob, STEPS } from '../../lambdas/core/job.js';
import { VideoRequestSchema } from '../../lambdas/core/model.js';
import { ledgerEntryView, videoDetail, videoSummary } from '../../lambdas/api/views.js';
import { toLedgerEntry, toVideo } from '../../frontend/src/api/client.js';
import { stableUrl } from '../../frontend/src/api/stable-urls.js';

function failedJob() {
  const job = newJob({
    jobId: 'job-1',
    userId: 'ada',
    request: VideoRequestSchema.parse({ prompt: 'Why octopuses have three hearts', seconds: 10, captionStyle: 'karaoke' }),
    now: new Date('2026-01-01T10:00:00Z'),
  });
  job.status = 'FAILED';
  job.title = 'Three hearts';
  job.credits = 1;
  job.refunded = true;
  job.steps.script = { status: 'succeeded', startedAt: '2026-01-01T10:00:01Z', endedAt: '2026-01-01T10:00:02Z', durationMs: 1000, attempts: 1 };
  job.steps.images = { status: 'failed', done: 2, total: 4, attempts: 5, error: 'Replicate refused to draw the scene.' };
  job.error = { step: 'images', name: 'ProviderRejected', message: 'Replicate refused to draw the scene.' };
  return job;
}

describe('SPA client mapping', () => {
  it('reads a video detail: request, steps in order, error, refund', () => {
    // Prepare
    const raw = JSON.parse(JSON.stringify(videoDetail(failedJob()))) as Record<string, unknown>;
    // Act
    const video = toVideo(raw);
    // Assess
    expect(video).toMatchObject({
      id: 'job-1',
      status: 'FAILED',
      title: 'Three hearts',
      request: { prompt: 'Why octopuses have three hearts', seconds: 10, aspect: '9:16', captionStyle: 'karaoke' },
      credits: 1,
      refunded: true,
      error: { step: 'images', name: 'ProviderRejected', message: 'Replicate refused to draw the scene.' },
    });
    expect(Object.keys(video.steps)).toEqual([...STEPS]);
    expect(video.steps.script).toMatchObject({ status: 'succeeded', durationMs: 1000 });
    expect(video.steps.images).toMatchObject({ status: 'failed', done: 2, total: 4, error: 'Replicate refused to draw the scene.' });
    expect(video.progress).toBe(raw.progress);
  });

  it('reads a list item and a ledger entry', () => {
    const video = toVideo(JSON.parse(JSON.stringify(videoSummary(failedJob()))) as Record<string, unknown>);
    expect(video).toMatchObject({ id: 'job-1', status: 'FAILED', request: { seconds: 10 } });
    const view = ledgerEntryView({ userId: 'ada', entryId: '2026-01-01T10:00:00.000Z#debit#job-1', at: '2026-01-01T10:00:00.000Z', delta: -1, kind: 'debit', jobId: 'job-1', note: 'Video' });
    const entry = toLedgerEntry(JSON.parse(JSON.stringify(view)) as Record<string, unknown>);
    expect(entry).toEqual({ id: '2026-01-01T10:00:00.000Z#debit#job-1', at: '2026-01-01T10:00:00.000Z', delta: -1, kind: 'debit', jobId: 'job-1', note: 'Video' });
  });

  it('keeps the first presigned URL of an object while it is fresh, so polling does not reload assets', () => {
    const first = 'http://127.0.0.1:9000/bucket/assets/images/a.png?X-Amz-Date=20260101T100000Z&X-Amz-Signature=aaa';
    const second = 'http://127.0.0.1:9000/bucket/assets/images/a.png?X-Amz-Date=20260101T100002Z&X-Amz-Signature=bbb';
    const other = 'http://127.0.0.1:9000/bucket/assets/images/b.png?X-Amz-Signature=ccc';
    const t0 = 1_000_000;
    expect(stableUrl(first, t0)).toBe(first);
    expect(stableUrl(second, t0 + 2000)).toBe(first);
    expect(stableUrl(other, t0 + 2000)).toBe(other);
    // Past the freshness window the new URL (and its later expiry) wins.
    expect(stableUrl(second, t0 + 60 * 60_000)).toBe(second);
  });
});
