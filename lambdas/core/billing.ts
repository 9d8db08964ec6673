import { InvalidInput } from './errors.js';
import type { CreditStore } from './ports.js';

/** What a Stripe Checkout Session carries that matters here (the fields the checkout route set). */
export interface PaidCheckout {
  id: string;
  payment_status?: string | null;
  client_reference_id?: string | null;
  metadata?: Record<string, string> | null;
}

/** Most credits one checkout may carry (the checkout route sells at most 100). */
const MAX_CREDITS_PER_CHECKOUT = 1000;

/**
 * Credits a completed checkout to its buyer, once per checkout session: Stripe delivers an event
 * at least once (and `checkout.session.completed` and `…async_payment_succeeded` can both
 * arrive for one session), so the session id guards the purchase. Unpaid sessions (a delayed
 * payment method) are credited when their `async_payment_succeeded` event arrives.
 */
export async function creditCheckout(session: PaidCheckout, deps: { credits: CreditStore; startingCredits: number }): Promise<boolean> {
  if (session.payment_status !== 'paid' && session.payment_status !== 'no_payment_required') return false;
  const userId = session.metadata?.userId || session.client_reference_id || undefined;
  const credits = Number(session.metadata?.credits);
  if (!userId) throw new InvalidInput(`checkout ${session.id}: it names no user (metadata.userId / client_reference_id)`);
  if (!Number.isInteger(credits) || credits < 1 || credits > MAX_CREDITS_PER_CHECKOUT) {
    throw new InvalidInput(`checkout ${session.id}: metadata.credits is not a whole number from 1 to ${MAX_CREDITS_PER_CHECKOUT}`);
  }
  return deps.credits.purchase({
    userId,
    credits,
    reference: session.id,
    note: `Bought ${credits} credit${credits === 1 ? '' : 's'}`,
    startingCredits: deps.startingCredits,
  });
}
