/**
 * The grants follow from the code. The whole app runs on the local runtime — a video made
 * through the API and the queue, a failed one retried and refunded, credits bought and taken back, every route
 * called, the sweeper — with each function under its role from the synthesized template. Then
 * the access report is held to two rules: no call of any function was denied, and every grant
 * some function has was used by a call, unless it is listed below with the reason it must stay.
 */
import '../api/quiet-logs.js';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProceduralImageGenerator } from '../../lambdas/adapters/offline/procedural-image-generator.js';
import { ProviderRejected } from '../../lambdas/core/errors.js';
import { encodeWav16 } from '../../lambdas/core/pcm.js';
import { requeueForReview } from '../../lambdas/core/jobs/review.js';
import { stepDeps, stepHandler } from '../../lambdas/shared/step-handler.js';
import { startDevServer, type DevServer } from '../../lib/local/dev-server.js';
import type { AccessReport } from '../../lib/local/iam/access-log.js';
import { chargeRefundedEvent, checkoutCompletedEvent, disputeCreatedEvent, localStripeId } from '../../lib/local/stripe-events.js';
import { ApiClient, postStripeEvent } from '../api/api-client.js';
import { Receiver, until } from '../api/webhook-receiver.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startStripeStub, STRIPE_STUB_KEY, type StripeStub } from '../api/stripe-stub.js';

let server: DevServer;
let stripe: StripeStub;
let dataDir: string;
let report: AccessReport;

const WEBHOOK_SECRET = 'whsec_test_grants';

/** A prompt whose pictures the image "provider" refuses (a stand-in, in Generate Image's own environment). */
const REFUSED = 'refused-scene';

let receiver: Receiver;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ai-shorts-grants-'));
  stripe = await startStripeStub();
  receiver = await new Receiver().start();
  server = await startDevServer({
    port: 0,
    dataDir,
    inMemory: true,
    quiet: true,
    maxRunningPipelines: 1,
    sweepIntervalMs: 3_600_000,
    // Webhook retries a second apart (a deployment setting), so a failed delivery is tried again within the run.
    settings: { ...process.env, STRIPE_SECRET_KEY: STRIPE_STUB_KEY, STRIPE_API_BASE: stripe.url, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, WEBHOOK_RETRY_SECONDS: '1,1,1' },
    runner: {
      handlers: {
        'Generate Image': async (input: { scene?: { imagePrompt?: string }; jobId: string }, ctx) => {
          const job = await ctx.dependencies().jobStore().get(input.jobId);
          if (!job?.request.prompt.includes(REFUSED)) return ctx.handler(input, ctx.context);
          return stepHandler(await stepDeps(ctx.dependencies()), { step: 'images' }, async () => {
            throw new ProviderRejected('Replicate refused to draw the scene: it violates the content policy.');
          })(input);
        },
      },
      waitTimeOverrides: { 'Wait for Render': 250 },
      retryIntervalOverrides: { 'Generate Image': 10, 'Fail Job': 10 },
    },
  });
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await stripe?.stop();
  await receiver?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function settled(user: ApiClient, id: string, until: (video: any) => boolean, timeoutMs = 150_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await user.call('GET', `/api/videos/${id}`);
    if (until(answer.body)) return answer.body;
    if (Date.now() > deadline) throw new Error(`video ${id} did not settle: ${JSON.stringify(answer.body)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/**
 * Grants no call here uses, and why each stays: the Lambda and Step Functions services' own
 * calls, other providers' calls (SHORTS_RENDER=lambda, the cloud vendors), and paths this run
 * cannot take in one process (a stuck execution stopped after 45 minutes).
 */
const KEPT: { fn: RegExp; grant: RegExp; reason: string }[] = [
  { fn: /./, grant: /^logs:(CreateLogStream|PutLogEvents) on .*:log-group:\/aws\/lambda\//, reason: 'the Lambda service writes the function’s logs with its role' },
  { fn: /./, grant: /^xray:(PutTraceSegments|PutTelemetryRecords) on \*$/, reason: 'the Lambda service sends the function’s traces (Tracing: Active)' },
  { fn: /^StateMachine$/, grant: /^(logs|xray):/, reason: 'Step Functions’ log delivery and X-Ray, done by the service' },
  { fn: /^(GenerateScript|GenerateImage|GenerateVoice|GenerateMusic)$/, grant: /^secretsmanager:GetSecretValue on .*:secret:ai-shorts\/(groq-api-key|replicate-api-token|elevenlabs-api-key)-/, reason: 'its vendor’s key, read when the step’s provider is a cloud vendor (test/integration/cloud-adapters-pipeline.test.ts)' },
  { fn: /^(StartRender|CheckRender)$/, grant: /^lambda:InvokeFunction on .*:function:remotion-render-/, reason: 'Remotion Lambda, with SHORTS_RENDER=lambda (cloud-adapters-pipeline.test.ts)' },
  { fn: /^StartRender$/, grant: /^s3:PutObject on arn:aws:s3:::[^/]+-render\/input-props\/\*$/, reason: 'input props too large to send inline are uploaded to Remotion’s bucket' },
  { fn: /^GetHealth|GetAlerts$/, grant: /^lambda:GetFunction on .*:function:remotion-render-/, reason: 'the render health check with SHORTS_RENDER=lambda' },
  { fn: /^Mcp$/, grant: /^s3:GetObject on arn:aws:s3:::[^/]+\/videos\/\*\/uploads\/\*$/, reason: 'the union of its tools’ routes’ grants (list_videos presigns uploaded thumbnails), already covered by get_video’s videos/*' },
  { fn: /^Mcp$/, grant: /^s3:GetObject on arn:aws:s3:::[^/]+\/(brand|uploads\/music)\/\*$/, reason: 'the union of its tools’ routes’ grants: get_video presigns a branded preview’s logo, create_video reads an ordered track’s record (both exercised through their own routes here)' },
  { fn: /./, grant: /^s3:ListBucket on arn:aws:s3:::[^/]+$/, reason: 'a missing key answers 404 (not 403) only with ListBucket: the "is it there?" checks depend on it' },
  { fn: /^(DispatchJobs|DeliverWebhooks)$/, grant: /^sqs:(ChangeMessageVisibility|GetQueueAttributes|GetQueueUrl) on /, reason: 'Lambda’s SQS event source polls the queue with the function’s role (the local poller only receives and deletes)' },
  { fn: /^DispatchJobs$/, grant: /^sqs:SendMessage on /, reason: 'sends a job back when every pipeline is busy (the local poller receives only when there is room)' },
  { fn: /^SweepJobs$/, grant: /^states:StopExecution on /, reason: 'stops an execution stuck for STUCK_JOB_MINUTES (45): tested with a stand-in starter in test/api/failures.test.ts' },
  {
    fn: /./,
    grant: /^dynamodb:(GetItem|UpdateItem) on .*:table\/ai-shorts-api-keys$/,
    reason: 'every user route reads the API key a request carries and writes its lastUsedAt (at most once a minute): used here on a few routes, on the rest in test/api/keys.test.ts',
  },
  {
    fn: /^(CreateVideo|RetryVideo)$/,
    grant: /^dynamodb:(ConditionCheckItem on .*:table\/ai-shorts-jobs|GetItem on .*:table\/ai-shorts-idempotency)$/,
    reason: 'at the limit of videos in progress, the places of videos that ended are read and freed (test/api/limits.test.ts, test/integration/stores.test.ts)',
  },
  {
    fn: /^Mcp$/,
    grant: /^s3:GetObject on arn:aws:s3:::[^/]+\/(videos|assets\/images|assets\/voice|assets\/music)\/\*$/,
    reason: 'get_video and list_videos presign a finished video’s URLs as their routes do (no call until fetched; test/api/mcp.test.ts downloads one)',
  },
  {
    fn: /^(CreateBatch|Mcp)$/,
    grant: /^dynamodb:(ConditionCheckItem|GetItem) on .*:table\/ai-shorts-(jobs|idempotency)$/,
    reason: 'as CreateVideo: places of ended videos freed at the limit; an item’s Idempotency-Key replayed reads its job (test/api/batches.test.ts, test/api/mcp.test.ts)',
  },
];

describe('the whole app under the stack contract', () => {
  it('uses every function, with no call denied', async () => {
    const user = await ApiClient.signIn(server.url, `grants-${randomUUID()}`);
    const admin = await ApiClient.signIn(server.url, 'grants-admin', true);
    const ok = (answer: { status: number; body: unknown }, status = 200) => expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    /** What a browser does with the presigned URLs in an answer: fetch them. */
    const fetchUrls = async (body: unknown) => {
      const urls = [...JSON.stringify(body).matchAll(/"(http:\/\/127\.0\.0\.1:\d+\/[^"]*X-Amz-Signature[^"]*)"/g)].map((m) => m[1]!.replace(/\\u0026/g, '&'));
      for (const url of urls) expect((await fetch(url)).status, url).toBe(200);
      return urls.length;
    };

    // A webhook endpoint: the first delivery is answered 500, so the deliverer sends it again.
    receiver.answer('/hook', 500);
    const hook = await user.call('POST', '/api/webhooks', { url: `${receiver.url}/hook` });
    ok(hook, 201);

    // The brand kit: read, saved, a bad logo refused (and removed), a good one set and fetched; the
    // first video below is ordered with it (Start Render and the video's detail presign the logo).
    ok(await user.call('GET', '/api/brand'));
    ok(await user.call('PUT', '/api/brand', { primaryColor: '#3366FF', logoPosition: 'top-left', logoOpacity: 0.7 }));
    const uploadLogo = async (bytes: Uint8Array) => {
      const ticket = await user.call('POST', '/api/brand/logo/upload', { contentType: 'image/png', bytes: bytes.byteLength });
      ok(ticket, 201);
      expect((await fetch(ticket.body.uploadUrl, { method: 'PUT', headers: ticket.body.headers, body: Buffer.from(bytes) })).status).toBe(200);
      return user.call('POST', '/api/brand/logo', { uploadId: ticket.body.uploadId });
    };
    expect((await uploadLogo(new TextEncoder().encode('not a picture'))).status).toBe(400);
    const logo = (await new ProceduralImageGenerator().generate({ prompt: 'a logo', style: 'flat', aspect: '1:1', width: 256, height: 256, seed: 7 })).bytes;
    const branded = await uploadLogo(logo);
    ok(branded);
    expect(await fetchUrls(branded.body)).toBe(1);
    const kit = await user.call('GET', '/api/brand');
    ok(kit);
    expect(await fetchUrls(kit.body)).toBe(1);
    const saved = await user.call('PUT', '/api/brand', { logoOpacity: 0.8 });
    ok(saved);
    expect(await fetchUrls(saved.body)).toBe(1);

    // A music track of the user's: uploaded, checked, listed; the first video below plays it (Generate Music
    // reads the upload and stores the bed; the video's detail presigns the bed), and it is deleted after.
    const tone = new Float32Array(44_100 * 6).map((_, i) => 0.3 * Math.sin((2 * Math.PI * 330 * i) / 44_100));
    const wav = encodeWav16({ sampleRate: 44_100, channels: [tone] });
    const notAudio = new TextEncoder().encode('not a sound at all, only words');
    const badTicket = await user.call('POST', '/api/music/uploads', { name: 'not audio', contentType: 'audio/wav', bytes: notAudio.byteLength });
    ok(badTicket, 201);
    expect((await fetch(badTicket.body.uploadUrl, { method: 'PUT', headers: badTicket.body.headers, body: Buffer.from(notAudio) })).status).toBe(200);
    expect((await user.call('POST', `/api/music/${badTicket.body.trackId}`)).status).toBe(400); // refused and removed
    const trackTicket = await user.call('POST', '/api/music/uploads', { name: 'grants tone', contentType: 'audio/wav', bytes: wav.byteLength });
    ok(trackTicket, 201);
    expect((await fetch(trackTicket.body.uploadUrl, { method: 'PUT', headers: trackTicket.body.headers, body: Buffer.from(wav) })).status).toBe(200);
    ok(await user.call('POST', `/api/music/${trackTicket.body.trackId}`));
    ok(await user.call('GET', '/api/music'));

    // A video, made through the API, the queue, the dispatcher and the pipeline; a new user's first call.
    const key = randomUUID();
    const order = { prompt: 'Why the sea is salty', seconds: 10, aspect: '1:1', brand: true, music: trackTicket.body.trackId as string } as const;
    const made = await user.createVideo(order, key);
    ok(made, 202);
    ok(await user.createVideo(order, key), 202); // the same key: replayed
    const video = await settled(user, made.body.id, (v) => v.status === 'SUCCEEDED' || v.status === 'FAILED');
    expect(video.status, JSON.stringify(video.error)).toBe('SUCCEEDED');
    const detail = await user.call('GET', `/api/videos/${made.body.id}`);
    ok(detail);
    expect(await fetchUrls(detail.body)).toBeGreaterThan(3);
    const list = await user.call('GET', '/api/videos');
    ok(list);
    expect(await fetchUrls(list.body)).toBeGreaterThan(0);
    ok(await user.call('DELETE', `/api/music/${trackTicket.body.trackId}`), 204);
    const file = await user.call('GET', `/api/videos/${made.body.id}/file`);
    ok(file, 302);
    expect((await fetch(file.headers.get('location')!)).status).toBe(200);

    // Its webhook: the delivery failed once and was sent again; the receiver fetches the MP4 (the URL the deliverer presigned).
    // The first video's end: answered 500 at first, so delivered at least twice.
    const succeeded = () => receiver.at('/hook').filter((r) => (JSON.parse(r.body) as { type: string }).type === 'video.succeeded');
    const deliveredOk = await until('video.succeeded delivered again after a 500', () => succeeded().length >= 2 && succeeded(), 120_000);
    const payload = JSON.parse(deliveredOk[1]!.body) as { data: { url?: string } };
    expect(payload.data.url).toMatch(/^http/);
    expect((await fetch(payload.data.url!)).status).toBe(200);

    // Review before render: a review video stops in REVIEW (Hold for Review); an edit that gives scene 1 an uploaded
    // picture runs it again (Generate Image reads the upload); it renders with the upload (Start Render presigns it,
    // lists show it as the thumbnail); reopened, the sweeper expires it once its review time has passed.
    const review = await user.createVideo({ prompt: 'Why the moon has phases', seconds: 10, aspect: '1:1', review: true });
    ok(review, 202);
    const held = await settled(user, review.body.id, (v) => v.status === 'REVIEW' || v.status === 'FAILED');
    expect(held.status, JSON.stringify(held.error)).toBe('REVIEW');
    const inReview = (await server.runtime.jobs.get(review.body.id))!;
    const upload = `videos/${inReview.jobId}/uploads/grants.png`;
    await server.runtime.blobs.put(upload, await server.runtime.blobs.get(inReview.thumbnailKey!), 'image/png');
    const storyboard = structuredClone(inReview.script!);
    storyboard.scenes[0]!.imageKey = upload;
    const edit = requeueForReview(inReview, storyboard, new Date());
    expect(await server.runtime.jobs.transition(inReview.jobId, edit.expected, edit.change)).toBe(true);
    await server.queue.enqueue(inReview.jobId);
    await settled(user, review.body.id, (v) => (v.status === 'REVIEW' && v.attempt === 1) || v.status === 'FAILED');
    expect((await server.runtime.jobs.get(review.body.id))!).toMatchObject({ status: 'REVIEW', thumbnailKey: upload });
    // The upload is the video's thumbnail in lists, and Start Render presigns it for the renderer.
    const listed = await user.call('GET', '/api/videos');
    ok(listed);
    expect(JSON.stringify(listed.body)).toContain('uploads/grants.png');
    expect(await fetchUrls(listed.body)).toBeGreaterThan(0);
    ok(await user.call('POST', `/api/videos/${review.body.id}/render`), 202);
    const renderedReview = await settled(user, review.body.id, (v) => v.status === 'SUCCEEDED' || v.status === 'FAILED');
    expect(renderedReview.status, JSON.stringify(renderedReview.error)).toBe('SUCCEEDED');
    // Reopened, and left in review past its time.
    ok(await user.call('POST', `/api/videos/${review.body.id}/reopen`));
    await server.runtime.jobs.update(review.body.id, { reviewExpiresAt: new Date(Date.now() - 1000).toISOString() });
    expect((await server.sweep()).expired).toContain(review.body.id);

    // New users' accounts, opened by each route that reads one.
    ok(await (await ApiClient.signIn(server.url, `me-${randomUUID()}`)).call('GET', '/api/me'));
    ok(await (await ApiClient.signIn(server.url, `credits-${randomUUID()}`)).call('GET', '/api/credits'));

    // A video whose pictures are refused: Fail Job refunds it; a retry pays again and fails again.
    const refused = await user.createVideo({ prompt: `A ${REFUSED} about tides`, seconds: 10, aspect: '1:1' });
    await settled(user, refused.body.id, (v) => v.status === 'FAILED' && v.refunded);
    ok(await user.call('POST', `/api/videos/${refused.body.id}/retry`), 202);
    await settled(user, refused.body.id, (v) => v.status === 'FAILED' && v.refunded && v.attempt === 1);

    // Credits: a Checkout session, and paid checkouts through the signed webhook (one by a new buyer).
    ok(await user.call('POST', '/api/billing/checkout', { credits: 2 }));
    ok(await user.call('POST', '/api/dev/purchase', { credits: 2 }));
    ok(await (await ApiClient.signIn(server.url, `buyer-${randomUUID()}`)).call('POST', '/api/dev/purchase', { credits: 1 }));
    // A payment refunded in part, then disputed: its credits taken back; a refund that arrives before its checkout.
    const paymentIntentId = localStripeId('pi');
    ok(await postStripeEvent(server.url, checkoutCompletedEvent({ userId: `refunded-${randomUUID()}`, credits: 2, paymentIntentId }), WEBHOOK_SECRET));
    ok(await postStripeEvent(server.url, chargeRefundedEvent({ paymentIntentId, amountCents: 200, amountRefundedCents: 100 }), WEBHOOK_SECRET));
    ok(await postStripeEvent(server.url, disputeCreatedEvent({ paymentIntentId, amountCents: 100 }), WEBHOOK_SECRET));
    const early = localStripeId('pi');
    ok(await postStripeEvent(server.url, chargeRefundedEvent({ paymentIntentId: early, amountCents: 100, amountRefundedCents: 100 }), WEBHOOK_SECRET));
    ok(await postStripeEvent(server.url, checkoutCompletedEvent({ userId: `early-${randomUUID()}`, credits: 1, paymentIntentId: early }), WEBHOOK_SECRET));

    // Deleting: a queued video (cancelled, refunded), a finished one, a failed one whose refund had not happened.
    server.setDispatching(false);
    const queued = await user.createVideo({ prompt: 'Cancelled before it starts', seconds: 10, aspect: '1:1' });
    ok(await user.call('DELETE', `/api/videos/${queued.body.id}`));
    // A batch (a new user's first order: the account is opened), read back; its video cancelled.
    const batcher = await ApiClient.signIn(server.url, `batcher-${randomUUID()}`);
    const batch = await batcher.call('POST', '/api/batches', { items: [{ prompt: 'A batch of one', seconds: 10, aspect: '1:1' }] }, { 'idempotency-key': randomUUID() });
    ok(batch, 202);
    ok(await batcher.call('GET', `/api/batches/${batch.body.id}`));
    ok(await batcher.call('DELETE', `/api/videos/${batch.body.items[0].videoId}`));
    ok(await user.call('DELETE', `/api/videos/${made.body.id}`));
    const unrefunded = await user.createVideo({ prompt: 'Failed before its refund', seconds: 10, aspect: '1:1' });
    expect(await server.runtime.jobs.transition(unrefunded.body.id, { status: 'QUEUED' }, { set: { status: 'FAILED' } })).toBe(true);
    ok(await user.call('DELETE', `/api/videos/${unrefunded.body.id}`));

    // The sweeper: a queued job queued again, an interrupted run re-driven, one interrupted too often failed and refunded.
    const lost = await user.createVideo({ prompt: 'A lost message', seconds: 10, aspect: '1:1' });
    const interrupted = await user.createVideo({ prompt: 'An interrupted run', seconds: 10, aspect: '1:1' });
    const broken = await user.createVideo({ prompt: 'Interrupted too often', seconds: 10, aspect: '1:1' });
    await server.runtime.jobs.transition(interrupted.body.id, { status: 'QUEUED' }, { set: { status: 'RUNNING' } });
    await server.runtime.jobs.transition(broken.body.id, { status: 'QUEUED' }, { set: { status: 'RUNNING', redrives: 3 } });
    const swept = await server.sweep({ recovery: true });
    expect(swept.requeued).toContain(lost.body.id);
    expect(swept.redriven).toContain(interrupted.body.id);
    expect(swept.failed).toContain(broken.body.id);
    for (const id of [lost.body.id, interrupted.body.id]) ok(await user.call('DELETE', `/api/videos/${id}`));
    server.setDispatching(true);

    // Webhooks: the log, a resend, a rotation, the signing secret, a delete.
    ok(await user.call('GET', '/api/webhooks'));
    const log = await user.call('GET', `/api/webhooks/${hook.body.id}/deliveries`);
    ok(log);
    await until('the delivery recorded as succeeded', async () => {
      const now = await user.call('GET', `/api/webhooks/${hook.body.id}/deliveries`);
      return now.body.deliveries.some((d: { state: string }) => d.state === 'succeeded');
    });
    ok(await user.call('POST', `/api/webhooks/${hook.body.id}/deliveries/${log.body.deliveries[0].id}/resend`), 202);
    ok(await user.call('POST', `/api/webhooks/${hook.body.id}/rotate`));
    ok(await user.call('POST', '/api/webhook-secret'));
    ok(await user.call('DELETE', '/api/brand/logo'));
    ok(await user.call('DELETE', `/api/webhooks/${hook.body.id}`));

    // The MCP server: its tools run the routes' handlers with the MCP function's own grants.
    server.setDispatching(false);
    const mcp = new Client({ name: 'grants-test', version: '1.0.0' });
    const mcpUser = await ApiClient.signIn(server.url, `mcp-${randomUUID()}`);
    await mcp.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/api/mcp`), { requestInit: { headers: { authorization: `Bearer ${mcpUser.token}` } } }));
    const tool = async (name: string, args: Record<string, unknown> = {}) => {
      const result = await mcp.callTool({ name, arguments: args });
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      return result.structuredContent as Record<string, any>;
    };
    await tool('get_credits');
    await tool('list_voices');
    ok(await mcpUser.call('PUT', '/api/brand', { textColor: '#FFEEDD' }));
    const ordered = await tool('create_video', { prompt: 'Ordered by an agent', seconds: 10, aspect: '1:1', brand: true, idempotencyKey: randomUUID() });
    await tool('get_video', { id: ordered.id });
    await tool('list_videos');
    await mcp.close();
    ok(await mcpUser.call('DELETE', `/api/videos/${ordered.id}`));
    server.setDispatching(true);

    // API keys: made, listed, used (read and write), revoked.
    const created = await user.call('POST', '/api/keys', { name: 'grants' });
    ok(created, 201);
    ok(await user.call('GET', '/api/keys'));
    const withKey = new ApiClient(server.url, created.body.key);
    ok(await withKey.call('GET', '/api/credits'));
    ok(await withKey.call('GET', `/api/videos/${refused.body.id}`));
    ok(await user.call('DELETE', `/api/keys/${created.body.id}`));
    expect((await withKey.call('GET', '/api/me')).status).toBe(401);

    // Review before render: a job held for review (put there as Hold for Review leaves it), edited
    // (past the included regenerations: a debit), a picture uploaded and checked, rendered, reopened, deleted.
    server.setDispatching(false);
    const reviewer = await ApiClient.signIn(server.url, `reviewer-${randomUUID()}`);
    const script = {
      title: 'Salt',
      hook: 'Why is the sea salty?',
      style: 'watercolour',
      scenes: [
        { narration: 'Rivers carry minerals.', imagePrompt: 'a river' },
        { narration: 'The sun takes the water.', imagePrompt: 'the sun' },
        { narration: 'The salt stays behind.', imagePrompt: 'salt flats' },
      ],
    };
    const hold = async (id: string, from: 'QUEUED' | 'REVIEW' = 'QUEUED') =>
      expect(await server.runtime.jobs.transition(id, { status: from }, { set: { status: 'REVIEW', script, regenerations: 3, reviewExpiresAt: new Date(Date.now() + 3_600_000).toISOString() } })).toBe(true);
    ok(await reviewer.call('POST', '/api/dev/purchase', { credits: 5 })); // the changes past the included ones below are paid
    const reviewed = await reviewer.createVideo({ prompt: 'Reviewed before it renders', seconds: 10, aspect: '1:1', review: true });
    ok(reviewed, 202);
    await hold(reviewed.body.id);
    ok(await reviewer.call('GET', `/api/videos/${reviewed.body.id}`));
    const editKey = randomUUID();
    ok(await reviewer.call('PATCH', `/api/videos/${reviewed.body.id}/scenes/1`, { narration: 'Rivers carry salt.' }, { 'idempotency-key': editKey }), 202);
    ok(await reviewer.call('PATCH', `/api/videos/${reviewed.body.id}/scenes/1`, { narration: 'Rivers carry salt.' }, { 'idempotency-key': editKey }), 202); // replayed
    await hold(reviewed.body.id);
    // Each change below sent twice with its key: the second is a replay (the key's record read).
    const twice = async (method: string, route: string, body?: unknown) => {
      const headers = { 'idempotency-key': randomUUID() };
      ok(await reviewer.call(method, `/api/videos/${reviewed.body.id}${route}`, body, headers), 202);
      ok(await reviewer.call(method, `/api/videos/${reviewed.body.id}${route}`, body, headers), 202);
    };
    await twice('PATCH', '/storyboard', { title: 'Sea salt', hook: 'Why salty?' });
    await hold(reviewed.body.id);
    await twice('POST', '/scenes/2/regenerate');
    await hold(reviewed.body.id);
    const picture = (await new ProceduralImageGenerator().generate({ prompt: 'a card', style: 'flat', aspect: '1:1', width: 300, height: 300, seed: 1 })).bytes;
    const ticket = await reviewer.call('POST', `/api/videos/${reviewed.body.id}/scenes/2/upload`, { contentType: 'image/png', size: picture.byteLength });
    ok(ticket);
    expect((await fetch(ticket.body.url, { method: 'PUT', headers: ticket.body.headers, body: Buffer.from(picture) })).status).toBe(200);
    await twice('POST', '/scenes/2/image', { uploadId: ticket.body.uploadId });
    await hold(reviewed.body.id);
    await twice('POST', '/render');
    // A finished one reopened: its render kept as version 1, fetched; then deleted while in review.
    const outputKey = `videos/${reviewed.body.id}/salt.mp4`;
    await server.runtime.blobs.put(outputKey, new Uint8Array([0, 0, 0, 24]), 'video/mp4');
    expect(await server.runtime.jobs.transition(reviewed.body.id, { status: 'QUEUED' }, { set: { status: 'SUCCEEDED', outputKey, finishedAt: new Date().toISOString() } })).toBe(true);
    const reopened = await reviewer.call('POST', `/api/videos/${reviewed.body.id}/reopen`);
    ok(reopened);
    expect(await fetchUrls(reopened.body)).toBe(1);
    ok(await reviewer.call('GET', `/api/videos/${reviewed.body.id}/file?version=1`), 302);
    ok(await reviewer.call('DELETE', `/api/videos/${reviewed.body.id}`));
    server.setDispatching(true);

    // The operators' views and the public document.
    ok(await admin.call('GET', '/api/health'));
    ok(await admin.call('GET', '/api/metrics?metric=jobs_created'));
    ok(await admin.call('GET', '/api/queue/status'));
    ok(await admin.call('GET', '/api/alerts'));
    ok(await new ApiClient(server.url).call('GET', '/api/openapi.json'));
    ok(await user.call('GET', '/api/voices'));

    // Assess
    report = server.runtime.accessReport();
    await writeFile(path.join(process.cwd(), 'test-artifacts', 'access-report.json'), JSON.stringify(report, null, 2)).catch(() => undefined);
    const denied = report.functions.flatMap((fn) => fn.calls.filter((call) => !call.allowed).map((call) => `${fn.name}: ${call.action} on ${call.resource}`));
    expect(denied).toEqual([]);
    expect(report.functions.map((fn) => fn.name).sort()).toEqual([...Object.keys(server.runtime.contract.functions), 'StateMachine'].sort());
  });

  it('has no grant that no call used, but those kept for a stated reason', () => {
    const unexplained = report.functions.flatMap((fn) =>
      fn.unusedGrants.filter((grant) => !KEPT.some((kept) => kept.fn.test(fn.name) && kept.grant.test(grant))).map((grant) => `${fn.name}: ${grant}`),
    );
    expect(unexplained).toEqual([]);
  });
});
