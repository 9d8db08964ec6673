/**
 * A small client for the API tests: signs in through the local-only session route and calls the
 * real local server over HTTP, as a browser or script would.
 */
import Stripe from 'stripe';
import { checkoutCompletedEvent } from '../../lib/local/stripe-events.js';

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  static async signIn(baseUrl: string, userId: string, admin = false): Promise<ApiClient> {
    const answer = await new ApiClient(baseUrl).call('POST', '/api/dev/session', { userId, admin });
    if (answer.status !== 200) throw new Error(`sign-in failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    return new ApiClient(baseUrl, answer.body.token);
  }

  async call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  createVideo(request: Record<string, unknown>, idempotencyKey?: string) {
    return this.call('POST', '/api/videos', request, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {});
  }

  /** The whole ledger (every page), newest first, and the balance. */
  async credits(): Promise<{ balance: number; entries: { delta: number; kind: string; jobId?: string; id: string }[] }> {
    const entries: { delta: number; kind: string; jobId?: string; id: string }[] = [];
    let cursor: string | undefined;
    let balance = 0;
    do {
      const answer = await this.call('GET', `/api/credits?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      if (answer.status !== 200) throw new Error(`GET /api/credits: ${answer.status} ${JSON.stringify(answer.body)}`);
      balance = answer.body.balance;
      entries.push(...answer.body.entries);
      cursor = answer.body.nextCursor;
    } while (cursor);
    return { balance, entries };
  }

  /** Every video of the caller (every page), newest first. */
  async videos(limit = 50): Promise<any[]> {
    const videos: any[] = [];
    let cursor: string | undefined;
    do {
      const answer = await this.call('GET', `/api/videos?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      if (answer.status !== 200) throw new Error(`GET /api/videos: ${answer.status} ${JSON.stringify(answer.body)}`);
      videos.push(...answer.body.videos);
      cursor = answer.body.nextCursor;
    } while (cursor);
    return videos;
  }
}

/** Posts a Stripe event to the webhook, signed with `secret` (or with a wrong one). */
export async function postStripeEvent(baseUrl: string, payload: string, secret: string): Promise<Answer> {
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret });
  return new ApiClient(baseUrl).call('POST', '/api/billing/webhook', payload, { 'stripe-signature': signature });
}

export { checkoutCompletedEvent };

/** Sum of the ledger's deltas. */
export function ledgerSum(entries: { delta: number }[]): number {
  return entries.reduce((sum, e) => sum + e.delta, 0);
}
