/**
 * Stripe events in Stripe's wire format (real field names, the SDK's types), for local dev and the
 * tests: a paid checkout, a refund and a dispute. They are signed by whoever delivers them
 * (`Stripe.webhooks.generateTestHeaderString`), so the webhook handler checks them as it checks
 * Stripe's own.
 */
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';

/** An id of Stripe's shape (`cs_…`, `pi_…`, `evt_…`) that names itself local. */
export function localStripeId(prefix: string): string {
  return `${prefix}_local_${randomBytes(12).toString('hex')}`;
}

/** The envelope every event comes in. */
function event<E extends Stripe.Event>(type: E['type'], object: Partial<E['data']['object']>, eventId?: string): string {
  return JSON.stringify({
    id: eventId ?? localStripeId('evt'),
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: Math.floor(Date.now() / 1000),
    type,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object },
  });
}

/**
 * A `checkout.session.completed` event for a paid session as the checkout route creates it:
 * payment mode, `credits × priceCents` in USD, no discount, no tax. `session` overrides any field
 * (a wrong mode, currency or amount).
 */
export function checkoutCompletedEvent(input: {
  userId: string;
  credits: number;
  /** Price of one credit (CREDIT_PRICE_CENTS); default 100. */
  priceCents?: number;
  sessionId?: string;
  eventId?: string;
  paymentIntentId?: string;
  session?: Partial<Stripe.Checkout.Session>;
}): string {
  const amount = input.credits * (input.priceCents ?? 100);
  const session: Partial<Stripe.Checkout.Session> = {
    id: input.sessionId ?? localStripeId('cs'),
    object: 'checkout.session',
    mode: 'payment',
    status: 'complete',
    payment_status: 'paid',
    client_reference_id: input.userId,
    metadata: { userId: input.userId, credits: String(input.credits) },
    currency: 'usd',
    amount_subtotal: amount,
    amount_total: amount,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    currency_conversion: null,
    payment_intent: input.paymentIntentId ?? localStripeId('pi'),
    livemode: false,
    ...input.session,
  };
  return event<Stripe.CheckoutSessionCompletedEvent>('checkout.session.completed', session, input.eventId);
}

/**
 * A `charge.refunded` event: the charge of `paymentIntentId` for `amountCents`, of which
 * `amountRefundedCents` has been refunded so far (Stripe's `amount_refunded` is cumulative).
 */
export function chargeRefundedEvent(input: {
  paymentIntentId: string;
  amountCents: number;
  amountRefundedCents: number;
  chargeId?: string;
  eventId?: string;
  currency?: string;
  metadata?: Record<string, string>;
}): string {
  const charge: Partial<Stripe.Charge> = {
    id: input.chargeId ?? localStripeId('ch'),
    object: 'charge',
    amount: input.amountCents,
    amount_captured: input.amountCents,
    amount_refunded: input.amountRefundedCents,
    captured: true,
    paid: true,
    refunded: input.amountRefundedCents >= input.amountCents,
    status: 'succeeded',
    currency: input.currency ?? 'usd',
    payment_intent: input.paymentIntentId,
    metadata: input.metadata ?? {},
    livemode: false,
  };
  return event<Stripe.ChargeRefundedEvent>('charge.refunded', charge, input.eventId);
}

/** A `charge.dispute.created` event: the buyer's bank disputes `amountCents` of the charge (a chargeback). */
export function disputeCreatedEvent(input: {
  paymentIntentId: string;
  amountCents: number;
  chargeId?: string;
  disputeId?: string;
  eventId?: string;
  currency?: string;
}): string {
  const dispute: Partial<Stripe.Dispute> = {
    id: input.disputeId ?? localStripeId('dp'),
    object: 'dispute',
    amount: input.amountCents,
    charge: input.chargeId ?? localStripeId('ch'),
    payment_intent: input.paymentIntentId,
    currency: input.currency ?? 'usd',
    reason: 'fraudulent',
    status: 'needs_response',
    is_charge_refundable: false,
    metadata: {},
    livemode: false,
  };
  return event<Stripe.ChargeDisputeCreatedEvent>('charge.dispute.created', dispute, input.eventId);
}
