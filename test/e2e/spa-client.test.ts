/**
 * The dashboard's API client reads what the API's own views write: a job rendered by
 * lambdas/api/views.ts maps onto the SPA's Video without losing steps, errors or progress. The
 * views' zod types are handed to the client as its generated OpenAPI types, so `tsc` checks that
 * the two agree; a metric series becomes chart points.
 */
import { describe, expect, it } from 'vitest';
import { newJob, STEPS } from '../../lambdas/core/job.js';
import { VideoRequestSchema } from '../../lambdas/core/model.js';
import { videoDetail, videoSummary } from '../../lambdas/api/views.js';
import { toChartSeries, toVideo } from '../../frontend/src/api/client.js';
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

/** What the client receives: the view as JSON on the wire. */
const overTheWire = <T>(view: T): T => JSON.parse(JSON.stringify(view)) as T;

describe('SPA client mapping', () => {
  it('reads a video detail: request, steps in order, error, refund', () => {
    // Prepare
    const raw = overTheWire(videoDetail(failedJob()));
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

  it('reads a video in review: storyboard, review counter and earlier versions', () => {
    const job = failedJob();
    job.status = 'REVIEW';
    delete job.error;
    job.revision = 2;
    job.regenerations = 1;
    job.reviewExpiresAt = '2026-01-08T10:00:00.000Z';
    job.script = {
      title: 'Three hearts',
      hook: 'Octopuses have three hearts.',
      style: 'flat',
      scenes: [
        { narration: 'Two pump blood to the gills.', imagePrompt: 'An octopus near coral' },
        { narration: 'One sends it around.', imagePrompt: 'Open water', imageKey: 'videos/job-1/uploads/u1.png', durationHint: 4 },
        { narration: 'The blood is blue.', imagePrompt: 'Blue skin' },
      ],
    };
    job.versions = [{ version: 1, outputKey: 'videos/job-1/short.mp4', durationMs: 9000, finishedAt: '2026-01-01T11:00:00.000Z' }];
    const raw = overTheWire(videoDetail(job, { versionUrls: { 1: 'http://127.0.0.1:9000/b/videos/job-1/short.mp4?sig=1' } }, { included: 3, credits: 1 }));
    const video = toVideo(raw);
    expect(video.storyboard).toMatchObject({ revision: 2, title: 'Three hearts', hook: 'Octopuses have three hearts.' });
    expect(video.storyboard?.scenes.map((s) => [s.number, s.picture, s.durationHint])).toEqual([
      [1, 'generated', undefined],
      [2, 'uploaded', 4],
      [3, 'generated', undefined],
    ]);
    expect(video.review).toEqual({ expiresAt: '2026-01-08T10:00:00.000Z', regenerationsIncluded: 3, regenerationsUsed: 1, regenerationCredits: 1 });
    expect(video.versions).toEqual([{ version: 1, url: 'http://127.0.0.1:9000/b/videos/job-1/short.mp4?sig=1', durationMs: 9000, finishedAt: '2026-01-01T11:00:00.000Z' }]);
  });

  it('reads how a video was asked to look and sound, and the notes of its detail', () => {
    const job = failedJob();
    job.request = VideoRequestSchema.parse({ prompt: 'Por qué el mar es salado', language: 'es-mx', music: 'calm', captionPosition: 'top', captionSize: 'large', brand: true, voiceSpeed: 1.2 });
    const raw = { ...overTheWire(videoDetail(job)), notes: ['Offline scripts are written in English; the voice and captions follow Spanish.', 7, ''] };
    const video = toVideo(raw);
    expect(video.request).toMatchObject({ language: 'es-MX', music: 'calm', captionPosition: 'top', captionSize: 'large', brand: true, voiceSpeed: 1.2 });
    // Only lines of text are notes.
    expect(video.notes).toEqual(['Offline scripts are written in English; the voice and captions follow Spanish.']);
    expect(toVideo(overTheWire(videoDetail(failedJob())))).not.toHaveProperty('notes');
    expect(toVideo(overTheWire(videoDetail(failedJob()))).request).toMatchObject({ language: 'en', music: 'none' });
  });

  it('reads a list item', () => {
    const video = toVideo(overTheWire(videoSummary(failedJob())));
    expect(video).toMatchObject({ id: 'job-1', status: 'FAILED', request: { seconds: 10 }, error: { step: 'images' } });
    expect(video.steps).toEqual({});
  });

  it('draws a metric series: empty periods left out, a ratio in percent', () => {
    const series = toChartSeries({
      metric: 'success_rate',
      unit: 'ratio',
      from: '2026-01-01T10:00:00.000Z',
      to: '2026-01-01T13:00:00.000Z',
      periodSeconds: 3600,
      points: [
        { at: '2026-01-01T10:00:00.000Z', value: 0.5, samples: 2 },
        { at: '2026-01-01T11:00:00.000Z', value: null, samples: 0 },
        { at: '2026-01-01T12:00:00.000Z', value: 1, samples: 1 },
      ],
    });
    expect(series).toEqual({
      id: 'success_rate',
      label: 'Success rate',
      unit: 'percent',
      points: [
        { t: '2026-01-01T10:00:00.000Z', value: 50 },
        { t: '2026-01-01T12:00:00.000Z', value: 100 },
      ],
    });
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
