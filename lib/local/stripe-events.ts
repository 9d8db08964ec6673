import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';

/** A `checkout.session.completed` event as Stripe sends it, for a paid session. */
export function checkoutCompletedEvent(input: { userId: string; credits: number; sessionId?: string; eventId?: string }): string {
  const sessionId = input.sessionId ?? `cs_local_${randomBytes(12).toString('hex')}`;
  return JSON.stringify({
    id: input.eventId ?? `evt_local_${randomBytes(12).toString('hex')}`,
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: Math.floor(Date.now() / 1000),
    type: 'checkout.session.completed',
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: {
      object: {
        id: sessionId,
        object: 'checkout.session',
        mode: 'payment',
        status: 'complete',
        payment_status: 'paid',
        client_reference_id: input.userId,
        metadata: { userId: input.userId, credits: String(input.credits) },
        amount_total: input.credits * 100,
        currency: 'usd',
      },
    },
  });
}

