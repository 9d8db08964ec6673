import Stripe from 'stripe';
import { z } from 'zod';
import { creditCheckout } from '../../core/billing.js';
import { InvalidInput } from '../../core/errors.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { ENV } from '../../shared/env.js';
import { header, HttpError, json, MAX_WEBHOOK_BODY_BYTES, publicRoute, rawBody } from '../http.js';

const deps = fromEnvironment();
const { logger } = deps.observability();
const credits = deps.creditStore();

/** Text a store can take: bounded, and Unicode (no lone surrogate). */
const storable = (max: number) => z.string().max(max).refine((s) => !/\p{Cs}/u.test(s), 'not valid Unicode text');

/**
 * The fields of a checkout session this handler reads. A signed event is Stripe's, but its shape
 * is still checked before anything reaches the stores: a malformed one is a 400, not a 500.
 */
const CheckoutSessionFields = z.object({
  id: storable(255).min(1),
  payment_status: z.string().nullish(),
  client_reference_id: storable(255).nullish(),
  metadata: z.record(z.string(), storable(255)).nullish(),
});

/** Events that mean "this checkout is paid". Everything else is acknowledged and ignored. */
const PAID_EVENTS = new Set(['checkout.session.completed', 'checkout.session.async_payment_succeeded']);

/**
 * POST /api/billing/webhook: Stripe's events, verified with the SDK's `webhooks.constructEvent`
 * against the raw body. A paid checkout credits its buyer once per checkout session, so replays
 * and duplicate deliveries are answered 200 without crediting again.
 */
export const handler = publicRoute(deps, async ({ event }) => {
  const signature = header(event, 'stripe-signature');
  if (!signature) throw new HttpError(400, 'bad_signature', 'The Stripe-Signature header is missing.');
  const secret = await deps.stripeWebhookSecret();
  let stripeEvent: Stripe.Event;
  try {
    stripeEvent = Stripe.webhooks.constructEvent(rawBody(event), signature, secret);
  } catch (error) {
    logger.warn('webhook signature refused', { reason: (error as Error).message });
    throw new HttpError(400, 'bad_signature', 'The Stripe signature does not match the body (or is too old).');
  }
  // A signed body is Stripe's, but `null` or an array is still no event.
  if (!stripeEvent || typeof stripeEvent !== 'object' || typeof stripeEvent.type !== 'string') {
    throw new HttpError(400, 'invalid_event', 'The body is not a Stripe event.');
  }
  const stripeEventId = stripeEvent.id;
  try {
    if (!PAID_EVENTS.has(stripeEvent.type)) return json(200, { received: true, credited: false });
    const parsed = CheckoutSessionFields.safeParse((stripeEvent.data as { object?: unknown } | undefined)?.object);
    if (!parsed.success) {
      logger.error('paid checkout event of an unexpected shape', { stripeEventId, issues: parsed.error.issues.slice(0, 5) });
      throw new HttpError(400, 'invalid_event', 'The event does not carry a checkout session of the expected shape.');
    }
    const session = parsed.data;
    const credited = await creditCheckout(
      { id: session.id, payment_status: session.payment_status, client_reference_id: session.client_reference_id, metadata: session.metadata },
      { credits, startingCredits: deps.config[ENV.STARTING_CREDITS] },
    );
    logger.info(credited ? 'checkout credited' : 'checkout not credited (unpaid or seen before)', { stripeEventId, sessionId: session.id, type: stripeEvent.type });
    return json(200, { received: true, credited });
  } catch (error) {
    // Money arrived that cannot be credited: log loudly, and answer 400 so Stripe shows the failed delivery.
    if (error instanceof InvalidInput) logger.error('paid checkout cannot be credited', { stripeEventId, error });
    throw error;
  }
}, { maxBodyBytes: MAX_WEBHOOK_BODY_BYTES });
