import Stripe from 'stripe';
import { z } from 'zod';
import { CREDIT_CURRENCY, creditCheckout, takeBackDispute, takeBackRefund, type ReversalOutcome } from '../../core/billing.js';
import { InvalidInput } from '../../core/errors.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { ENV } from '../../shared/env.js';
import { header, HttpError, json, MAX_WEBHOOK_BODY_BYTES, publicRoute, rawBody } from '../http.js';

const deps = fromEnvironment();
const { logger } = deps.observability();
const credits = deps.creditStore();
const pricing = { creditPriceCents: deps.config[ENV.CREDIT_PRICE_CENTS], currency: CREDIT_CURRENCY };

/** Text a store can take: bounded, and Unicode (no lone surrogate). */
const storable = (max: number) => z.string().max(max).refine((s) => !/\p{Cs}/u.test(s), 'not valid Unicode text');
/** A Stripe object id, or the object itself when expanded. */
const StripeRef = z.union([storable(255), z.looseObject({ id: storable(255) })]).nullish();

/**
 * The fields of each handled object this handler (and lambdas/core/billing.ts) reads as keys or
 * notes. A signed event is Stripe's, but its shape is still checked before anything reaches the
 * stores: a malformed one is a 400, not a 500. Other fields pass through for billing's own checks.
 */
const HANDLED_OBJECTS = {
  session: z.looseObject({
    id: storable(255).min(1),
    payment_status: z.string().nullish(),
    client_reference_id: storable(255).nullish(),
    metadata: z.record(z.string(), storable(255)).nullish(),
    payment_intent: StripeRef,
  }),
  charge: z.looseObject({ id: storable(255).min(1), payment_intent: StripeRef }),
  dispute: z.looseObject({ id: storable(255).min(1), payment_intent: StripeRef }),
};

/** The event's object if it has the shape `kind` needs, else a 400. */
function handledObject(stripeEvent: Stripe.Event, kind: keyof typeof HANDLED_OBJECTS): void {
  const parsed = HANDLED_OBJECTS[kind].safeParse((stripeEvent.data as { object?: unknown } | undefined)?.object);
  if (!parsed.success) {
    logger.error('Stripe event of an unexpected shape', { stripeEventId: stripeEvent.id, type: stripeEvent.type, issues: parsed.error.issues.slice(0, 5) });
    throw new HttpError(400, 'invalid_event', `The event does not carry a ${kind} of the expected shape.`);
  }
}

/**
 * POST /api/billing/webhook: Stripe's events, verified with the SDK's `webhooks.constructEvent`
 * against the raw body.
 * - `checkout.session.completed` / `…async_payment_succeeded`: a paid checkout whose mode,
 *   currency and amount match credits × CREDIT_PRICE_CENTS credits its buyer once per session.
 * - `charge.refunded` / `charge.dispute.created`: the credits of that payment are taken back,
 *   once per refunded or disputed amount (the balance may go below zero).
 * Replays and duplicate deliveries are answered 200 and change nothing; other events are
 * acknowledged and ignored.
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
  switch (stripeEvent.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      handledObject(stripeEvent, 'session');
      const session = stripeEvent.data.object;
      try {
        const credited = await creditCheckout(session, { credits, startingCredits: deps.config[ENV.STARTING_CREDITS], pricing });
        logger.info(credited ? 'checkout credited' : 'checkout not credited (unpaid or seen before)', { stripeEventId, sessionId: session.id, type: stripeEvent.type });
        return json(200, { received: true, credited });
      } catch (error) {
        // Money arrived that cannot be credited: log loudly, and answer 400 so Stripe shows the failed delivery.
        if (error instanceof InvalidInput) logger.error('paid checkout cannot be credited', { stripeEventId, sessionId: session.id, error });
        throw error;
      }
    }
    case 'charge.refunded': {
      handledObject(stripeEvent, 'charge');
      const charge = stripeEvent.data.object;
      const outcome = await takeBackRefund(charge, { credits });
      report(outcome, { stripeEventId, type: stripeEvent.type, chargeId: charge.id, amountRefunded: charge.amount_refunded, buyer: charge.metadata?.userId });
      return json(200, { received: true, credited: false, reversed: outcome.taken });
    }
    case 'charge.dispute.created': {
      handledObject(stripeEvent, 'dispute');
      const dispute = stripeEvent.data.object;
      const outcome = await takeBackDispute(dispute, { credits });
      report(outcome, { stripeEventId, type: stripeEvent.type, disputeId: dispute.id, amount: dispute.amount, reason: dispute.reason });
      return json(200, { received: true, credited: false, reversed: outcome.taken });
    }
    default:
      return json(200, { received: true, credited: false });
  }
}, { maxBodyBytes: MAX_WEBHOOK_BODY_BYTES });

/** Logs what a refund or dispute took back; one of a payment this product never credited is worth a warning. */
function report(outcome: ReversalOutcome, details: Record<string, unknown>): void {
  const context = { ...details, paymentIntentId: outcome.paymentId, userId: outcome.userId, taken: outcome.taken };
  if (!outcome.paymentId) logger.warn('refund or dispute of a charge without a payment intent: nothing taken back', context);
  else if (!outcome.userId) logger.warn('refund or dispute of a payment not credited (yet): remembered, taken back if its checkout is credited', context);
  else logger.info(outcome.taken > 0 ? 'credits taken back' : 'refund or dispute already taken back', context);
}
