/**
 * Routes that exist only on the local server (never in the cloud route table): sign in as
 * anyone, and buy credits without Stripe by handing the real webhook function a checkout event
 * signed with the local webhook secret. They are not functions of the stack: they run as the
 * local server itself, and reach the stack only through its functions.
 */
import Stripe from 'stripe';
import { z } from 'zod';
import { Logger } from '@aws-lambda-powertools/logger';
import { authenticate } from '../../lambdas/api/auth.js';
import { checkBodySize, errorResult, header, json, MAX_JSON_BODY_BYTES, parseBody, type ApiEvent, type ApiResult } from '../../lambdas/api/http.js';
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

export interface DevRouteOptions {
  signer: DevSigner;
  webhookSecret: string;
  /** Origins the API accepts in a token's `azp` (the dev server's own). */
  authorizedParties: () => string[];
  /** Delivers a webhook event to the stack's StripeWebhook function, as API Gateway would. */
  deliverWebhook: (event: ApiEvent) => Promise<ApiResult>;
  /** The price of a credit the webhook function checks a payment against (its CREDIT_PRICE_CENTS). */
  creditPriceCents: () => number;
}

export function devRoutes(options: DevRouteOptions): LocalRoute[] {
  const logger = new Logger({ serviceName: 'ai-shorts-dev', logLevel: 'SILENT' });
  const local = (run: (event: ApiEvent) => Promise<ApiResult>) => async (event: ApiEvent) => {
    try {
      checkBodySize(event, MAX_JSON_BODY_BYTES);
      return await run(event);
    } catch (error) {
      return errorResult(error, event.requestContext?.requestId, logger);
    }
  };
  return [
    {
      method: 'POST',
      path: '/api/dev/session',
      summary: 'Local only: a session token for any user id ({"userId", "admin"?})',
      handler: local(async (event) => {
        const { userId, admin } = parseBody(event, SessionBody);
        const { token, expiresAt } = options.signer.sign({ userId, admin: admin ?? false, origin: origin(event) });
        return json(200, { token, userId, admin: admin ?? false, expiresAt: expiresAt.toISOString() });
      }),
    },
    {
      method: 'POST',
      path: '/api/dev/purchase',
      summary: 'Local only: buy credits ({"credits"}) through the real, signature-checked webhook',
      handler: local(async (event) => {
        const caller = await authenticate(
          event,
          { jwtKey: options.signer.publicKeyPem, authorizedParties: options.authorizedParties(), adminUserIds: [], secretKey: async () => undefined },
          logger,
        );
        const { credits } = parseBody(event, PurchaseBody);
        const payload = checkoutCompletedEvent({ userId: caller.userId, credits, priceCents: options.creditPriceCents() });
        const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: options.webhookSecret });
        return options.deliverWebhook({
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
