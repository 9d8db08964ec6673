import { InvalidInput, PaymentMismatch } from './errors.js';
import type { CreditStore, Reversal } from './ports.js';

/** The currency credits are sold in (Checkout's `price_data.currency`); a paid checkout must be in it. */
export const CREDIT_CURRENCY = 'usd';

/** What credits cost: the price of one (CREDIT_PRICE_CENTS) in {@link CREDIT_CURRENCY}. */
export interface Pricing {
  creditPriceCents: number;
  currency: string;
}

/** A Stripe object id, or the object itself when it was expanded. */
type Ref = string | { id: string } | null | undefined;

const idOf = (ref: Ref): string | undefined => (typeof ref === 'string' ? ref : (ref?.id ?? undefined));

/** What a Stripe Checkout Session carries that matters here (Stripe's own field names). */
export interface PaidCheckout {
  id: string;
  payment_status?: string | null;
  client_reference_id?: string | null;
  metadata?: Record<string, string> | null;
  mode?: string | null;
  /** The currency the buyer paid in; with Adaptive Pricing, not the one the session was created in. */
  currency?: string | null;
  /** What the buyer paid, in `currency`'s smallest unit, after discounts and tax. */
  amount_total?: number | null;
  /** Adaptive Pricing: the amounts in the currency the session was created in. */
  currency_conversion?: { source_currency: string; amount_total: number } | null;
  payment_intent?: Ref;
}

/** Most credits one checkout may carry (the checkout route sells at most 100). */
const MAX_CREDITS_PER_CHECKOUT = 1000;

/**
 * Credits a completed checkout to its buyer, once per checkout session: Stripe delivers an event
 * at least once (and `checkout.session.completed` and `…async_payment_succeeded` can both
 * arrive for one session), so the session id guards the purchase. Unpaid sessions (a delayed
 * payment method) are credited when their `async_payment_succeeded` event arrives.
 *
 * Only what was paid is credited: the session must be a one-time payment (`mode: payment`) in
 * the credits' currency whose total is exactly credits × the price of a credit — what the
 * checkout route creates (no discounts, no tax). Anything else throws {@link PaymentMismatch} and
 * credits nothing; the money is for an operator to settle (a refund in Stripe's dashboard).
 */
export async function creditCheckout(
  session: PaidCheckout,
  deps: { credits: CreditStore; startingCredits: number; pricing: Pricing },
): Promise<boolean> {
  if (session.payment_status !== 'paid' && session.payment_status !== 'no_payment_required') return false;
  const userId = session.metadata?.userId || session.client_reference_id || undefined;
  const credits = Number(session.metadata?.credits);
  if (!userId) throw new InvalidInput(`checkout ${session.id}: it names no user (metadata.userId / client_reference_id)`);
  if (!Number.isInteger(credits) || credits < 1 || credits > MAX_CREDITS_PER_CHECKOUT) {
    throw new InvalidInput(`checkout ${session.id}: metadata.credits is not a whole number from 1 to ${MAX_CREDITS_PER_CHECKOUT}`);
  }
  const refused = (problem: string) => new PaymentMismatch(`checkout ${session.id}: ${problem}; nothing was credited`);
  if (session.mode !== 'payment') throw refused(`its mode is "${session.mode ?? 'missing'}", not "payment"`);
  // Adaptive Pricing shows the buyer another currency; the session's source amounts are ours.
  const source = session.currency_conversion;
  const currency = (source ? source.source_currency : session.currency)?.toLowerCase();
  const paid = source ? source.amount_total : session.amount_total;
  const { creditPriceCents, currency: expectedCurrency } = deps.pricing;
  if (currency !== expectedCurrency) throw refused(`its currency is "${currency ?? 'missing'}", not "${expectedCurrency}"`);
  const price = credits * creditPriceCents;
  if (paid !== price) {
    throw refused(`the amount paid is ${paid ?? 'missing'}, not ${credits} credits × ${creditPriceCents} = ${price} (${expectedCurrency} cents)`);
  }
  const paymentId = idOf(session.payment_intent);
  if (!paymentId) throw refused('it names no payment intent');
  return deps.credits.purchase({
    userId,
    credits,
    reference: session.id,
    note: `Bought ${credits} credit${credits === 1 ? '' : 's'}`,
    startingCredits: deps.startingCredits,
    // The charge (and its refunds and disputes) is in the currency the buyer paid in.
    payment: { id: paymentId, amountCents: session.amount_total ?? price, currency: session.currency?.toLowerCase() ?? expectedCurrency },
  });
}

/** What a `charge.refunded` event's Charge carries that matters here. */
export interface RefundedCharge {
  id: string;
  payment_intent: Ref;
  /** Cumulative: everything refunded on this charge so far. */
  amount_refunded: number;
}

/** What a `charge.dispute.created` event's Dispute carries that matters here. */
export interface DisputedCharge {
  id: string;
  amount: number;
  payment_intent: Ref;
}

/** A reversal, and the payment it was for (undefined: the charge names none). */
export type ReversalOutcome = Reversal & { paymentId?: string };

/**
 * A refund (full or partial) takes back the credits of the money refunded so far. Stripe's
 * `amount_refunded` is cumulative, so a repeated, late or out-of-order event takes nothing twice.
 */
export async function takeBackRefund(charge: RefundedCharge, deps: { credits: CreditStore }): Promise<ReversalOutcome> {
  cents(charge.amount_refunded, `charge ${charge.id}: amount_refunded`);
  const paymentId = idOf(charge.payment_intent);
  if (!paymentId) return { taken: 0 };
  return { ...(await deps.credits.reverse({ paymentId, refundedCents: charge.amount_refunded })), paymentId };
}

/** A dispute (a chargeback) takes back the credits of the disputed amount, once per dispute. */
export async function takeBackDispute(dispute: DisputedCharge, deps: { credits: CreditStore }): Promise<ReversalOutcome> {
  cents(dispute.amount, `dispute ${dispute.id}: amount`);
  const paymentId = idOf(dispute.payment_intent);
  if (!paymentId) return { taken: 0 };
  return { ...(await deps.credits.reverse({ paymentId, dispute: { id: dispute.id, amountCents: dispute.amount } })), paymentId };
}

/** A signed event is Stripe's, but its amounts are still checked before they reach the store. */
function cents(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new InvalidInput(`${what} is not a whole number of cents`);
}

/**
 * How many of a payment's credits are no longer paid for once `returnedCents` of its
 * `amountCents` went back to the buyer (refunded or disputed): a credit is kept only while it is
 * still paid in full, so the count is rounded up; never more than were bought.
 */
export function creditsToTakeBack(payment: { credits: number; amountCents: number }, returnedCents: number): number {
  if (returnedCents <= 0) return 0;
  if (payment.amountCents <= 0) return payment.credits;
  return Math.min(payment.credits, Math.ceil((returnedCents * payment.credits) / payment.amountCents));
}
