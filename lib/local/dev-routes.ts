/**
 * Routes that exist only on the local server (never in the cloud route table): sign in as
 * anyone, and buy credits without Stripe by feeding the real webhook handler a checkout event
 * signed with the local webhook secret.
 */
import Stripe from 'stripe';
import { z } from 'zod';
import { header, json, parseBody, publicRoute, userRoute, type ApiEvent } from '../../lambdas/api/http.js';
import { handler as stripeWebhook } from '../../lambdas/api/stripe-webhook/handler.js';
import type { LocalRoute } from './api-server.js';
import type { DevSigner } from './dev-auth.js';
import { checkoutCompletedEvent } from './stripe-events.js';

const SessionBody = z
  .object({
    userId: z
      .string({ error: 'userId must be a string' })
      .regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'userId must be 1–64 letters, digits or _ . @ -'),
    admin: z.boolean({ error: 'admin must be true or false' }).optional(),
  })
  .strict();

const PurchaseBody = z
  .object({ credits: z.number({ error: 'credits must be a number' }).int('credits must be a whole number').min(1).max(100) })
  .strict();

/** The origin a token is minted for: the one the browser (or client) calls us from. */
function origin(event: ApiEvent): string {
  return header(event, 'origin') ?? `http://${event.requestContext.domainName}`;
}

export function devRoutes(options: { signer: DevSigner; webhookSecret: () => string }): LocalRoute[] {
  return [
    {
      method: 'POST',
      path: '/api/dev/session',
      summary: 'Local only: a session token for any user id ({"userId", "admin"?})',
      handler: publicRoute(async ({ event }) => {
        const { userId, admin } = parseBody(event, SessionBody);
        const { token, expiresAt } = options.signer.sign({ userId, admin: admin ?? false, origin: origin(event) });
        return json(200, { token, userId, admin: admin ?? false, expiresAt: expiresAt.toISOString() });
      }),
    },
    {
      method: 'POST',
      path: '/api/dev/purchase',
      summary: 'Local only: buy credits ({"credits"}) through the real, signature-checked webhook',
      handler: userRoute(async ({ event, caller }) => {
        const { credits } = parseBody(event, PurchaseBody);
        const payload = checkoutCompletedEvent({ userId: caller.userId, credits });
        const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: options.webhookSecret() });
        return stripeWebhook({
          ...event,
          rawPath: '/api/billing/webhook',
          routeKey: 'POST /api/billing/webhook',
          headers: { 'content-type': 'application/json', 'stripe-signature': signature },
          body: payload,
          isBase64Encoded: false,
        });
      }),
    },
  ];
}
