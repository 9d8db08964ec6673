/**
 * Money through the real local server and the real, signature-checked webhook: a paid checkout is
 * credited only when its mode, currency and amount match credits × CREDIT_PRICE_CENTS; refunds and
 * disputes take the credits of that payment back, exactly once per event, whatever the order or
 * number of deliveries; a balance below zero refuses new videos with a 402 that says why.
 * No pipeline runs here (MAX_RUNNING_PIPELINES=0 keeps every job queued).
 */
import './quiet-logs.js';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { startDevServer, type DevServer } from '../../lib/local/dev-server.js';
import { chargeRefundedEvent, checkoutCompletedEvent, disputeCreatedEvent, localStripeId } from '../../lib/local/stripe-events.js';
import { ApiClient, ledgerSum, postStripeEvent } from './api-client.js';

const WEBHOOK_SECRET = 'whsec_test_payments_suite';
/** Not the default (100): the webhook must check against the configured price. */
const PRICE = 250;
const STARTING = 3;

let server: DevServer;

beforeAll(async () => {
  // Videos wait in the queue here (no pipelines), so the limit of videos in progress is raised.
  const settings = { ...process.env, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, CREDIT_PRICE_CENTS: String(PRICE), MAX_ACTIVE_JOBS_PER_USER: '100' };
  server = await startDevServer({ port: 0, inMemory: true, quiet: true, maxRunningPipelines: 0, startingCredits: STARTING, settings });
});

afterAll(async () => {
  await server?.stop();
});

const deliver = (payload: string) => postStripeEvent(server.url, payload, WEBHOOK_SECRET);

/** A new user who bought `credits` through a paid checkout; its payment intent and what it cost. */
async function buyer(credits: number) {
  const userId = `buyer-${randomUUID()}`;
  const paymentIntentId = localStripeId('pi');
  const bought = await deliver(checkoutCompletedEvent({ userId, credits, priceCents: PRICE, paymentIntentId }));
  expect(bought.status, JSON.stringify(bought.body)).toBe(200);
  expect(bought.body.credited).toBe(true);
  const user = await ApiClient.signIn(server.url, userId);
  return { userId, user, paymentIntentId, amount: credits * PRICE };
}

const refund = (paymentIntentId: string, amountCents: number, amountRefundedCents: number, eventId?: string) =>
  chargeRefundedEvent({ paymentIntentId, amountCents, amountRefundedCents, ...(eventId ? { eventId } : {}) });

/** The balance, the ledger's sum (which must equal it) and the credits taken back so far. */
async function books(user: ApiClient) {
  const { balance, entries } = await user.credits();
  expect(ledgerSum(entries)).toBe(balance);
  const reversals = entries.filter((e) => e.kind === 'reversal');
  return { balance, reversals, takenBack: -ledgerSum(reversals) };
}

describe('a paid checkout is credited only for what was paid', () => {
  const wrong: [string, Partial<Stripe.Checkout.Session>, RegExp][] = [
    ['a subscription instead of a payment', { mode: 'subscription' }, /mode/],
    ['another currency', { currency: 'eur' }, /currency/],
    ['the old default price (credits × 100)', { amount_subtotal: 5 * 100, amount_total: 5 * 100 }, /amount/],
    ['a discount', { amount_total: 5 * PRICE - 250, total_details: { amount_discount: 250, amount_shipping: 0, amount_tax: 0 } }, /amount/],
    ['no amount at all', { amount_total: null, amount_subtotal: null }, /amount/],
    [
      'a converted price whose source is another currency',
      { currency: 'usd', currency_conversion: { source_currency: 'eur', amount_subtotal: 5 * PRICE, amount_total: 5 * PRICE, fx_rate: '1.1' as never } },
      /currency/,
    ],
  ];

  it.each(wrong)('credits nothing for %s, and answers 400 naming the session', async (_, session, problem) => {
    // Prepare
    const userId = `mismatch-${randomUUID()}`;
    const sessionId = localStripeId('cs');

    // Act
    const answer = await deliver(checkoutCompletedEvent({ userId, credits: 5, priceCents: PRICE, sessionId, session }));

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain(sessionId);
    expect(answer.body.error.message).toMatch(problem);
    const { balance } = await books(await ApiClient.signIn(server.url, userId));
    expect(balance).toBe(STARTING);
  });

  it('credits a checkout paid at the configured price, also through the local purchase route', async () => {
    const { user } = await buyer(4);
    expect((await books(user)).balance).toBe(STARTING + 4);
    expect((await user.call('POST', '/api/dev/purchase', { credits: 2 })).body).toMatchObject({ received: true, credited: true });
    expect((await books(user)).balance).toBe(STARTING + 6);
  });

  it("credits a session shown in the buyer's currency when its source amount is the price (Adaptive Pricing)", async () => {
    const userId = `converted-${randomUUID()}`;
    const session = { currency: 'eur', amount_subtotal: 1150, amount_total: 1150, currency_conversion: { source_currency: 'usd', amount_subtotal: 5 * PRICE, amount_total: 5 * PRICE, fx_rate: '0.92' as never } };
    const answer = await deliver(checkoutCompletedEvent({ userId, credits: 5, priceCents: PRICE, session }));
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect((await books(await ApiClient.signIn(server.url, userId))).balance).toBe(STARTING + 5);
  });
});

describe('refunds and disputes take the credits back', () => {
  it('a full refund takes back every credit of the payment, once however often it is delivered', async () => {
    // Prepare
    const { user, paymentIntentId, amount } = await buyer(5);
    const payload = refund(paymentIntentId, amount, amount);

    // Act
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await deliver(payload));

    // Assess
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.map((a) => a.body.reversed)).toEqual([5, 0, 0]);
    const { balance, reversals } = await books(user);
    expect(balance).toBe(STARTING);
    expect(reversals).toEqual([expect.objectContaining({ delta: -5 })]);
  });

  it('partial refunds take back what is newly refunded, rounded up to whole credits, never more than was bought', async () => {
    const { user, paymentIntentId, amount } = await buyer(5); // 5 × 250 = 1250
    const first = refund(paymentIntentId, amount, 375); // 1.5 credits' worth → 2
    expect((await deliver(first)).body.reversed).toBe(2);
    expect((await deliver(refund(paymentIntentId, amount, 625))).body.reversed).toBe(1); // 2.5 in all → 3
    expect((await deliver(first)).body.reversed).toBe(0); // a late redelivery of the first
    expect((await deliver(refund(paymentIntentId, amount, amount))).body.reversed).toBe(2); // the rest
    expect((await deliver(refund(paymentIntentId, amount, amount))).body.reversed).toBe(0);
    const { balance, reversals, takenBack } = await books(user);
    expect(takenBack).toBe(5);
    expect(reversals).toHaveLength(3);
    expect(balance).toBe(STARTING);
  });

  it('two partial refunds delivered out of order take back their total once', async () => {
    const { user, paymentIntentId, amount } = await buyer(4);
    const one = refund(paymentIntentId, amount, PRICE);
    const two = refund(paymentIntentId, amount, 2 * PRICE);
    expect((await deliver(two)).body.reversed).toBe(2);
    expect((await deliver(one)).body.reversed).toBe(0);
    const { balance, takenBack } = await books(user);
    expect(takenBack).toBe(2);
    expect(balance).toBe(STARTING + 2);
  });

  it('a dispute takes back the disputed credits once; with a refund, never more than was bought', async () => {
    const { user, paymentIntentId, amount } = await buyer(4);
    const dispute = disputeCreatedEvent({ paymentIntentId, amountCents: amount - PRICE });

    expect((await deliver(refund(paymentIntentId, amount, PRICE))).body.reversed).toBe(1);
    expect((await deliver(dispute)).body.reversed).toBe(3);
    expect((await deliver(dispute)).body.reversed).toBe(0);
    // A second dispute of the whole amount (it cannot happen in Stripe, but nothing is taken twice).
    expect((await deliver(disputeCreatedEvent({ paymentIntentId, amountCents: amount }))).body.reversed).toBe(0);

    const { balance, takenBack } = await books(user);
    expect(takenBack).toBe(4);
    expect(balance).toBe(STARTING);
  });

  it('the same event delivered 12 times at once takes back once', async () => {
    const { user, paymentIntentId, amount } = await buyer(6);
    const payload = disputeCreatedEvent({ paymentIntentId, amountCents: amount });

    const answers = await Promise.all(Array.from({ length: 12 }, () => deliver(payload)));

    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    expect(answers.map((a) => a.body.reversed).reduce((sum, n) => sum + n, 0)).toBe(6);
    const { balance, reversals } = await books(user);
    expect(reversals).toHaveLength(1);
    expect(balance).toBe(STARTING);
  });

  it('different refunds of one payment arriving at once take back their total', async () => {
    const { user, paymentIntentId, amount } = await buyer(6);
    const events = [1, 2, 3, 4].map((n) => refund(paymentIntentId, amount, n * PRICE));

    const answers = await Promise.all([...events, ...events].map(deliver));

    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(answers.map((a) => a.body.reversed).reduce((sum, n) => sum + n, 0)).toBe(4);
    const { balance, takenBack } = await books(user);
    expect(takenBack).toBe(4);
    expect(balance).toBe(STARTING + 2);
  });

  it('a refund delivered before its checkout is taken back when the checkout arrives', async () => {
    // Prepare: Stripe does not promise the order of events
    const userId = `early-${randomUUID()}`;
    const paymentIntentId = localStripeId('pi');
    const amount = 3 * PRICE;

    // Act
    const early = await deliver(refund(paymentIntentId, amount, PRICE));
    const bought = await deliver(checkoutCompletedEvent({ userId, credits: 3, priceCents: PRICE, paymentIntentId }));

    // Assess
    expect(early.status).toBe(200);
    expect(early.body.reversed).toBe(0);
    expect(bought.body.credited).toBe(true);
    const { balance, takenBack } = await books(await ApiClient.signIn(server.url, userId));
    expect(takenBack).toBe(1);
    expect(balance).toBe(STARTING + 2);
  });

  it('answers 400, never 500, to a signed refund or dispute whose amount is not whole cents, and takes nothing', async () => {
    const { user, paymentIntentId, amount } = await buyer(2);
    const answers = [
      await deliver(refund(paymentIntentId, amount, 'all of it' as never)),
      await deliver(refund(paymentIntentId, amount, 12.5)),
      await deliver(disputeCreatedEvent({ paymentIntentId, amountCents: -amount })),
      await deliver(disputeCreatedEvent({ paymentIntentId, amountCents: null as never })),
    ];
    expect(answers.map((a) => a.status)).toEqual([400, 400, 400, 400]);
    expect(answers[0]!.body.error.message).toMatch(/amount_refunded/);
    expect((await books(user)).balance).toBe(STARTING + 2);
  });

  it('acknowledges a refund or dispute of a payment it never credited, and takes nothing', async () => {
    const paymentIntentId = localStripeId('pi');
    const answers = [await deliver(refund(paymentIntentId, 1000, 1000)), await deliver(disputeCreatedEvent({ paymentIntentId, amountCents: 1000 }))];
    expect(answers.map((a) => [a.status, a.body.reversed])).toEqual([
      [200, 0],
      [200, 0],
    ]);
  });
});

describe('a balance below zero', () => {
  it('is shown as it is, and refuses new videos with a 402 that says why', async () => {
    // Prepare: 3 + 2 bought, all 5 spent, then the payment is refunded in full
    const { user, paymentIntentId, amount } = await buyer(2);
    for (let i = 0; i < 5; i++) expect((await user.createVideo({ prompt: `Spent number ${i}`, seconds: 10, aspect: '1:1' })).status).toBe(202);
    expect((await deliver(refund(paymentIntentId, amount, amount))).body.reversed).toBe(2);

    // Act
    const refused = await user.createVideo({ prompt: 'One more, please', seconds: 10, aspect: '1:1' });
    const me = await user.call('GET', '/api/me');

    // Assess
    expect(refused.status).toBe(402);
    expect(refused.body.error).toMatchObject({ code: 'insufficient_credits', balance: -2, needed: 1 });
    expect(refused.body.error.message).toMatch(/refunded or disputed/);
    expect(me.body.balance).toBe(-2);
    const { balance, reversals } = await books(user);
    expect(balance).toBe(-2);
    expect(reversals).toEqual([expect.objectContaining({ delta: -2, note: expect.stringMatching(/refunded/) })]);
  });
});
