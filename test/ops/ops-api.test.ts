/**
 * The operator endpoints through the real local server: a provider that fails every call makes
 * a critical alert that /api/queue/status explains, and it clears once jobs succeed again; a
 * stuck job and a dead letter raise and clear their alerts; stopping DynamoDB Local turns
 * /api/health 503. No video is rendered: the script step fails before anything is drawn.
 */
import '../api/quiet-logs.js';
import { randomUUID } from 'node:crypto';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderRejected } from '../../lambdas/core/errors.js';
import { newJob, type Job } from '../../lambdas/core/job.js';
import { stepDeps, stepHandler } from '../../lambdas/shared/step-handler.js';
import { startDevServer, type DevServer } from '../../lib/local/dev-server.js';
import { ApiClient } from '../api/api-client.js';

let server: DevServer;
let admin: ApiClient;
let user: ApiClient;
let scriptCalls = 0;
const GROQ_DOWN = 'Groq refused the request: 401 invalid_api_key';

beforeAll(async () => {
  server = await startDevServer({
    port: 0,
    inMemory: true,
    quiet: true,
    maxRunningPipelines: 1,
    // The sweeper would re-drive the fake RUNNING job below; these tests run it never.
    sweepIntervalMs: 3_600_000,
    runner: {
      handlers: {
        // The script LLM rejects every call (as Groq does with a bad key): permanent, caught into Fail Job.
        'Generate Script': async (input, ctx) =>
          stepHandler(await stepDeps(ctx.dependencies()), { step: 'script' }, async () => {
            scriptCalls++;
            throw new ProviderRejected(GROQ_DOWN);
          })(input),
      },
      retryIntervalOverrides: { 'Generate Script': 10, 'Fail Job': 10 },
    },
  });
  [admin, user] = await Promise.all([ApiClient.signIn(server.url, 'ops-admin', true), ApiClient.signIn(server.url, 'ops-user')]);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

/** The operator's view of the jobs (admin credentials). */
const jobStore = () => server.runtime.jobs;
const jobIndex = () => server.runtime.jobs;

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const alerts = async () => (await admin.call('GET', '/api/alerts')).body as { alerts: { id: string; severity: string; reason: string; since: string }[] };
const alertIds = async () => (await alerts()).alerts.map((a) => a.id);

/** A finished or running job record written straight into the store (as the pipeline would leave it). */
async function record(status: Job['status'], o: { updatedMinutesAgo?: number } = {}): Promise<string> {
  const when = new Date(Date.now() - (o.updatedMinutesAgo ?? 0) * 60_000);
  const job = newJob({ jobId: randomUUID(), userId: 'ops-fixture', request: { prompt: 'fixture', seconds: 10 } as Job['request'], now: new Date(when.getTime() - 60_000) });
  await jobStore().create({
    ...job,
    status,
    updatedAt: when.toISOString(),
    startedAt: job.createdAt,
    ...(status === 'SUCCEEDED' || status === 'FAILED' ? { finishedAt: when.toISOString() } : {}),
  });
  return job.jobId;
}

describe('operator endpoints', () => {
  it('need the admin role', async () => {
    for (const path of ['/api/health', '/api/metrics?metric=jobs_created', '/api/queue/status', '/api/alerts']) {
      expect((await user.call('GET', path)).status, path).toBe(403);
      expect((await new ApiClient(server.url).call('GET', path)).status, path).toBe(401);
    }
  });

  it('health checks every dependency with its latency', async () => {
    const answer = await admin.call('GET', '/api/health');
    expect(answer.status).toBe(200);
    expect(answer.body.checks.map((c: any) => c.name)).toEqual(['dynamodb', 's3', 'queue', 'stateMachine', 'render']);
    for (const check of answer.body.checks) expect(typeof check.latencyMs).toBe('number');
  });

  it('a provider failing every call raises a critical alert, explained by the queue status, cleared by recovery', async () => {
    expect(await alertIds()).toEqual([]);
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const order = await user.call('POST', '/api/videos', { prompt: `Why is the sky blue, take ${i}`, seconds: 10, aspect: '1:1' });
      expect(order.status).toBe(202);
      ids.push(order.body.id);
    }
    const view = await until(alerts, (v) => v.alerts.some((a) => a.id === 'failure-rate'), 'the failure-rate alert');
    const alert = view.alerts.find((a) => a.id === 'failure-rate')!;
    expect(alert.severity).toBe('critical');
    expect(alert.reason).toContain(GROQ_DOWN);
    expect(scriptCalls).toBeGreaterThanOrEqual(2);

    const queue = (await admin.call('GET', '/api/queue/status')).body;
    expect(queue).toMatchObject({ queued: 0, running: 0, deadLettered: 0, oldestQueuedAgeSeconds: null });
    for (const id of ids) {
      const recent = queue.recent.find((j: any) => j.jobId === id);
      expect(recent).toMatchObject({ status: 'FAILED' });
      expect(recent.error).toContain(GROQ_DOWN);
    }
    expect((await admin.call('GET', '/api/health')).status).toBe(200);

    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const failed = await admin.call('GET', `/api/metrics?metric=jobs_failed&from=${from}&to=${to}&period=300`);
    expect(failed.status).toBe(200);
    expect(failed.body.points.reduce((sum: number, p: any) => sum + p.value, 0)).toBe(2);

    // The provider is back: the next jobs succeed, and the rate falls under the warning level.
    for (let i = 0; i < 10; i++) await record('SUCCEEDED');
    await until(alertIds, (ids) => !ids.includes('failure-rate'), 'the failure-rate alert to clear');
    const rate = await admin.call('GET', `/api/metrics?metric=error_rate&from=${from}&to=${to}&period=3900`);
    expect(rate.body.points[0]).toMatchObject({ value: 2 / 12, samples: 12 });
  });

  it('refuses an unknown metric or a bad range, listing the valid metrics', async () => {
    const unknown = await admin.call('GET', '/api/metrics?metric=vibes');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.metrics).toContain('error_rate');
    expect(unknown.body.error.message).toContain('jobs_created');
    const backwards = await admin.call('GET', '/api/metrics?metric=jobs_created&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z');
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.fields.map((f: any) => f.field)).toContain('to');
    expect((await admin.call('GET', '/api/metrics?metric=jobs_created&from=yesterday')).status).toBe(400);
  });

  it('a stuck job raises a warning until it moves on', async () => {
    const id = await record('RUNNING', { updatedMinutesAgo: 40 });
    const view = await alerts();
    expect(view.alerts.find((a) => a.id === 'stuck-jobs')).toMatchObject({ severity: 'warning' });
    expect((await admin.call('GET', '/api/queue/status')).body.running).toBe(1);
    expect(await jobIndex().transition(id, { status: 'RUNNING' }, { set: { status: 'SUCCEEDED', finishedAt: new Date().toISOString() } })).toBe(true);
    expect(await alertIds()).not.toContain('stuck-jobs');
  });

  it('a message in the dead-letter queue raises a critical alert until it is dealt with', async () => {
    const sqs = new SQSClient(server.runtime.adminClientConfig('sqs'));
    const dlqUrl = server.runtime.contract.queues.deadLetters.url;
    try {
      await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: JSON.stringify({ jobId: 'lost' }) }));
      const view = await until(alerts, (v) => v.alerts.some((a) => a.id === 'dead-letters'), 'the dead-letter alert');
      expect(view.alerts.find((a) => a.id === 'dead-letters')!.severity).toBe('critical');
      expect((await admin.call('GET', '/api/queue/status')).body.deadLettered).toBe(1);
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10 }));
      for (const m of received.Messages ?? []) await sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: m.ReceiptHandle! }));
      await until(alertIds, (ids) => !ids.includes('dead-letters'), 'the dead-letter alert to clear');
    } finally {
      sqs.destroy();
    }
  });

  it('health turns 503 naming DynamoDB when the database stops, and alerts say so', async () => {
    await server.runtime.stopDynamoDb();
    const answer = await admin.call('GET', '/api/health');
    expect(answer.status).toBe(503);
    expect(answer.body.failed).toEqual(['dynamodb']);
    const view = await alerts();
    expect(view.alerts.find((a) => a.id === 'health:dynamodb')).toMatchObject({ severity: 'critical' });
  });
});
