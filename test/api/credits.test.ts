/**
 * Credits through the real local server: concurrent orders against a small balance, the
 * Idempotency-Key, Stripe's signed webhook and Checkout (the stripe SDK against a stub of
 * Stripe's API). No pipeline runs here (MAX_RUNNING_PIPELINES=0 keeps every job queued).
 */
import './quiet-logs.js';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../lib/local/dev-server.js';
import { withRouteThrottle } from '../support/route-throttle.js';
import { ApiClient, checkoutCompletedEvent, ledgerSum, postStripeEvent } from './api-client.js';
import { startStripeStub, STRIPE_STUB_KEY, type StripeStub } from './stripe-stub.js';

const WEBHOOK_SECRET = 'whsec_test_api_suite';
const SHORT = { prompt: 'Why the sea is salty', seconds: 10, aspect: '1:1' };

let server: DevServer;
let stripe: StripeStub;

beforeAll(async () => {
  stripe = await startStripeStub();
  // The keys go into the stack's API secret, where the functions read them (as in AWS); the stub's URL is a vendor endpoint.
  // Ten videos in progress at once (the 100 concurrent orders): above the default limit of 3 (test/api/limits.test.ts tests the limits).
  const settings = {
    ...process.env,
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_SECRET_KEY: STRIPE_STUB_KEY,
    STRIPE_API_BASE: stripe.url,
    MAX_ACTIVE_JOBS_PER_USER: '100',
  };
  // The races below send 100 orders at once: above POST /api/videos' own throttle (test/local/edge.test.ts proves it).
  const alterTemplate = withRouteThrottle('POST /api/videos', { rate: 1000, burst: 1000 });
  server = await startDevServer({ port: 0, inMemory: true, quiet: true, maxRunningPipelines: 0, startingCredits: 3, settings, alterTemplate });
});

afterAll(async () => {
  await server?.stop();
  await stripe?.stop();
});

async function buy(userId: string, credits: number, ids: { eventId?: string; sessionId?: string } = {}) {
  return postStripeEvent(server.url, checkoutCompletedEvent({ userId, credits, ...ids }), WEBHOOK_SECRET);
}

describe('credits', () => {
  it('gives a new user the starting credits once, with a ledger entry', async () => {
    // Prepare
    const user = await ApiClient.signIn(server.url, `new-${randomUUID()}`);

    // Act: first contact from several requests at once
    const answers = await Promise.all(Array.from({ length: 5 }, () => user.call('GET', '/api/credits')));

    // Assess
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    const { balance, entries } = await user.credits();
    expect(balance).toBe(3);
    expect(entries).toEqual([expect.objectContaining({ kind: 'grant', delta: 3 })]);
  });

  it('accepts exactly as many of 100 concurrent orders as the balance pays for', async () => {
    // Prepare: 3 starting credits + 7 bought = 10
    const userId = `racer-${randomUUID()}`;
    const user = await ApiClient.signIn(server.url, userId);
    expect((await buy(userId, 7)).status).toBe(200);
    expect((await user.credits()).balance).toBe(10);

    // Act
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => user.createVideo({ ...SHORT, prompt: `Race number ${i}` })));

    // Assess
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(10);
    expect(statuses.filter((s) => s === 402)).toHaveLength(90);
    const refused = answers.find((a) => a.status === 402)!;
    expect(refused.body.error).toMatchObject({ code: 'insufficient_credits', balance: 0, needed: 1 });
    const { balance, entries } = await user.credits();
    expect(balance).toBe(0);
    expect(ledgerSum(entries)).toBe(balance);
    expect(entries.filter((e) => e.kind === 'debit')).toHaveLength(10);
    const videos = await user.videos(4); // several pages of the byUser index
    expect(videos).toHaveLength(10);
    expect(new Set(videos.map((v) => v.id))).toEqual(new Set(answers.filter((a) => a.status === 202).map((a) => a.body.id)));
    expect(videos.every((v) => v.status === 'QUEUED')).toBe(true);
  });

  it('lists videos newest first', async () => {
    const user = await ApiClient.signIn(server.url, `lister-${randomUUID()}`);
    const first = await user.createVideo({ ...SHORT, prompt: 'The first video' });
    const second = await user.createVideo({ ...SHORT, prompt: 'The second video' });
    const videos = await user.videos();
    expect(videos.map((v) => v.id)).toEqual([second.body.id, first.body.id]);
  });

  it('charges 2 credits for a video longer than 60 s', async () => {
    const user = await ApiClient.signIn(server.url, `long-${randomUUID()}`);
    const answer = await user.createVideo({ prompt: 'A long walk through Rome', seconds: 90 });
    expect(answer.status).toBe(202);
    expect(answer.body.credits).toBe(2);
    expect((await user.credits()).balance).toBe(1);
  });
});

describe('Idempotency-Key', () => {
  it('returns the same job and debits once when a request is repeated', async () => {
    // Prepare
    const user = await ApiClient.signIn(server.url, `idem-${randomUUID()}`);
    const key = randomUUID();

    // Act
    const first = await user.createVideo(SHORT, key);
    const again = await user.createVideo(SHORT, key);

    // Assess
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ id: first.body.id, replayed: true });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const { balance, entries } = await user.credits();
    expect(balance).toBe(2);
    expect(entries.filter((e) => e.kind === 'debit')).toHaveLength(1);
  });

  it('makes one job and one debit when the same key arrives concurrently', async () => {
    const user = await ApiClient.signIn(server.url, `idem-race-${randomUUID()}`);
    const key = randomUUID();

    const answers = await Promise.all(Array.from({ length: 10 }, () => user.createVideo(SHORT, key)));

    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.filter((a) => !a.body.replayed)).toHaveLength(1);
    const { balance, entries } = await user.credits();
    expect(balance).toBe(2);
    expect(ledgerSum(entries)).toBe(2);
    expect(await user.videos()).toHaveLength(1);
  });

  it('refuses a key reused for a different request (422) and keeps keys per user', async () => {
    const alice = await ApiClient.signIn(server.url, `idem-a-${randomUUID()}`);
    const bob = await ApiClient.signIn(server.url, `idem-b-${randomUUID()}`);
    const key = randomUUID();
    const first = await alice.createVideo(SHORT, key);

    const different = await alice.createVideo({ ...SHORT, prompt: 'Something else entirely' }, key);
    const bobs = await bob.createVideo(SHORT, key);

    expect(different.status).toBe(422);
    expect(different.body.error.code).toBe('idempotency_key_reused');
    expect(bobs.status).toBe(202);
    expect(bobs.body.id).not.toBe(first.body.id);
  });

  it('rejects an unusable key with a 400 naming the header', async () => {
    const user = await ApiClient.signIn(server.url, `idem-bad-${randomUUID()}`);
    const answer = await user.createVideo(SHORT, 'x'.repeat(300));
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/Idempotency-Key/);
  });
});

describe('Stripe', () => {
  it('credits a checkout once however often its event is delivered', async () => {
    // Prepare
    const userId = `buyer-${randomUUID()}`;
    const user = await ApiClient.signIn(server.url, userId);
    const payload = checkoutCompletedEvent({ userId, credits: 5 });

    // Act: Stripe retries, and replays (one at a time and at once)
    const sequential = [];
    for (let i = 0; i < 3; i++) sequential.push(await postStripeEvent(server.url, payload, WEBHOOK_SECRET));
    const concurrent = await Promise.all([1, 2].map(() => postStripeEvent(server.url, payload, WEBHOOK_SECRET)));

    // Assess
    const all = [...sequential, ...concurrent];
    expect(all.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(all.filter((a) => a.body.credited)).toHaveLength(1);
    const { balance, entries } = await user.credits();
    expect(balance).toBe(3 + 5);
    expect(entries.filter((e) => e.kind === 'purchase')).toHaveLength(1);
    expect(ledgerSum(entries)).toBe(balance);
  });

  it('credits a session once even when it arrives as two different events', async () => {
    const userId = `buyer2-${randomUUID()}`;
    const sessionId = `cs_test_${randomUUID()}`;
    await buy(userId, 4, { sessionId, eventId: 'evt_a' });
    await buy(userId, 4, { sessionId, eventId: 'evt_b' });
    const user = await ApiClient.signIn(server.url, userId);
    expect((await user.credits()).balance).toBe(3 + 4);
  });

  it('refuses a bad or missing signature with 400 and credits nothing', async () => {
    const userId = `forger-${randomUUID()}`;
    const payload = checkoutCompletedEvent({ userId, credits: 50 });

    const forged = await postStripeEvent(server.url, payload, 'whsec_not_the_secret');
    const unsigned = await new ApiClient(server.url).call('POST', '/api/billing/webhook', payload);
    const tampered = await new ApiClient(server.url).call('POST', '/api/billing/webhook', payload.replace('"50"', '"500"'), {
      'stripe-signature': (await import('stripe')).default.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
    });

    expect(forged.status).toBe(400);
    expect(unsigned.status).toBe(400);
    expect(tampered.status).toBe(400);
    expect(forged.body.error.code).toBe('bad_signature');
    const user = await ApiClient.signIn(server.url, userId);
    expect((await user.credits()).balance).toBe(3);
  });

  it('acknowledges events it does not act on', async () => {
    const payload = JSON.stringify({ id: 'evt_other', object: 'event', type: 'customer.created', data: { object: { id: 'cus_1' } } });
    const answer = await postStripeEvent(server.url, payload, WEBHOOK_SECRET);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ received: true, credited: false });
  });

  it('starts a Stripe Checkout for credits with the buyer and credits in its metadata', async () => {
    // Prepare
    const userId = `checkout-${randomUUID()}`;
    const user = await ApiClient.signIn(server.url, userId);

    // Act
    const answer = await user.call('POST', '/api/billing/checkout', { credits: 5 });
    const invalid = await user.call('POST', '/api/billing/checkout', { credits: 0 });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.url).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
    const sent = stripe.requests.at(-1)!;
    expect(sent.path).toBe('/v1/checkout/sessions');
    expect(sent.headers.authorization).toBe(`Bearer ${STRIPE_STUB_KEY}`);
    expect(sent.form.get('mode')).toBe('payment');
    expect(sent.form.get('client_reference_id')).toBe(userId);
    expect(sent.form.get('metadata[userId]')).toBe(userId);
    expect(sent.form.get('metadata[credits]')).toBe('5');
    expect(sent.form.get('line_items[0][quantity]')).toBe('5');
    expect(sent.form.get('line_items[0][price_data][unit_amount]')).toBe('100');
    expect(sent.form.get('line_items[0][price_data][currency]')).toBe('usd');
    // The payment itself names the buyer, so its refunds and disputes in Stripe's dashboard do too.
    expect(sent.form.get('payment_intent_data[metadata][userId]')).toBe(userId);
    expect(sent.form.get('payment_intent_data[metadata][credits]')).toBe('5');
    expect(sent.form.get('success_url')).toContain(server.url);
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.fields[0].field).toBe('credits');
  });
});
