import { createHash } from 'node:crypto';
import Stripe from 'stripe';
import { CREDIT_CURRENCY } from '../../core/billing.js';
import { ProviderUnavailable } from '../../core/errors.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { ENV, MissingConfiguration } from '../../shared/env.js';
import { HttpError, json, parseBody, parseHeader, userRoute, type ApiEvent } from '../http.js';
import { CheckoutBody, IdempotencyKeySchema } from '../schemas.js';

const deps = fromEnvironment();

/** Where Checkout sends the buyer back: APP_URL, else the API's own origin. */
function returnBase(event: ApiEvent): string {
  return (deps.config[ENV.APP_URL] ?? `https://${event.requestContext.domainName}`).replace(/\/+$/, '');
}

/**
 * Stripe's idempotency key for the caller's Idempotency-Key: per user, and always within Stripe's
 * 255 characters (a user id and a 255-character key together would not be).
 */
function stripeIdempotencyKey(userId: string, key: string): string {
  return `checkout-${createHash('sha256').update(`${userId}\n${key}`).digest('base64url')}`;
}

/**
 * POST /api/billing/checkout: a Stripe Checkout Session for `credits` credits. The session carries
 * the buyer and the credits in its metadata; the webhook credits them when Stripe says it is paid.
 * Session only: spending money is a person's act, never an API key's.
 */
export const handler = userRoute(deps, async ({ event, caller }) => {
  const { credits } = parseBody(event, CheckoutBody);
  const idempotencyKey = parseHeader(event, 'Idempotency-Key', IdempotencyKeySchema);
  const stripe = await deps.stripe();
  const base = returnBase(event);
  try {
    const session = await stripe.checkout.sessions.create(
      {
        mode: 'payment',
        client_reference_id: caller.userId,
        metadata: { userId: caller.userId, credits: String(credits) },
        // The payment (and so its charge, refunds and disputes in Stripe's dashboard) names the buyer too.
        payment_intent_data: { metadata: { userId: caller.userId, credits: String(credits) } },
        line_items: [
          {
            quantity: credits,
            price_data: {
              currency: CREDIT_CURRENCY,
              unit_amount: deps.config[ENV.CREDIT_PRICE_CENTS],
              product_data: { name: 'ai-shorts video credit', description: 'One credit makes one video of up to 60 seconds.' },
            },
          },
        ],
        success_url: `${base}/?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${base}/?checkout=cancelled`,
      },
      idempotencyKey ? { idempotencyKey: stripeIdempotencyKey(caller.userId, idempotencyKey) } : undefined,
    );
    if (!session.url) throw new ProviderUnavailable(`Stripe returned checkout session ${session.id} without a URL.`);
    return json(200, { id: session.id, url: session.url });
  } catch (error) {
    if (error instanceof Stripe.errors.StripeIdempotencyError) {
      throw new HttpError(422, 'idempotency_key_reused', 'This Idempotency-Key was used for a checkout of other credits; use a new key.');
    }
    if (error instanceof Stripe.errors.StripeAuthenticationError) {
      throw new MissingConfiguration(`Payments are misconfigured: Stripe refused the secret key (${error.message}).`);
    }
    if (error instanceof Stripe.errors.StripeConnectionError || error instanceof Stripe.errors.StripeAPIError || error instanceof Stripe.errors.StripeRateLimitError) {
      throw new ProviderUnavailable(`Stripe is unavailable: ${error.message}`, { cause: error });
    }
    throw error;
  }
}, { sessionOnly: true });
