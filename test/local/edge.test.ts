/**
 * What stands in front of the functions, locally as in AWS: API Gateway's per-route throttle (a
 * route's empty bucket answers 429 without reaching its function), CloudFront's origin-verify
 * header (a request that skips CloudFront — the API's own address, a direct invoke — is refused by
 * the function) and one secret per key (each function may read exactly its keys' secrets).
 */
import '../api/quiet-logs.js';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../lambdas/api/routes.js';
import { SECRET_KEYS, type SecretKey } from '../../lambdas/shared/secret-keys.js';
import { STEP_FUNCTIONS } from '../../lambdas/steps/registry.js';
import { stepAccess } from '../../lib/cloud/step-access.js';
import { contractRoutes, startApiServer, type ApiServer } from '../../lib/local/api-server.js';
import { startDevServer, type DevServer } from '../../lib/local/dev-server.js';
import { GatewayThrottle } from '../../lib/local/gateway-throttle.js';
import { ApiClient } from '../api/api-client.js';
import { withRouteThrottle } from '../support/route-throttle.js';

describe('GatewayThrottle', () => {
  const settings = { default: { rateLimit: 50, burstLimit: 100 }, routes: { 'POST /api/videos': { rateLimit: 2, burstLimit: 3 } } };

  it('lets a burst through, refuses the next, refills at the rate, and keeps each route apart', () => {
    // Prepare
    let now = 0;
    const throttle = new GatewayThrottle(settings, ['POST /api/videos', 'GET /api/me'], () => now);

    // Act
    const burst = Array.from({ length: 4 }, () => throttle.take('POST /api/videos'));
    const otherRoute = throttle.take('GET /api/me');
    now += 499;
    const tooEarly = throttle.take('POST /api/videos');
    now += 1;
    const refilled = throttle.take('POST /api/videos');

    // Assess
    expect(burst).toEqual([true, true, true, false]);
    expect(otherRoute).toBe(true);
    expect(tooEarly).toBe(false);
    expect(refilled).toBe(true);
  });

  it('gives a route without its own settings the default, and leaves routes the stage does not serve alone', () => {
    let now = 0;
    const throttle = new GatewayThrottle({ default: { rateLimit: 1, burstLimit: 1 }, routes: {} }, ['GET /api/me'], () => now);
    expect([throttle.take('GET /api/me'), throttle.take('GET /api/me')]).toEqual([true, false]);
    expect(Array.from({ length: 5 }, () => throttle.take('POST /api/dev/session'))).toEqual([true, true, true, true, true]);
    expect(throttle.limitOf('POST /api/dev/session')).toBeUndefined();
  });
});

describe('the local API Gateway and CloudFront', () => {
  let server: DevServer;
  let direct: ApiServer | undefined;

  beforeAll(async () => {
    server = await startDevServer({ port: 0, inMemory: true, quiet: true, maxRunningPipelines: 0, settings: {}, alterTemplate: withRouteThrottle('GET /api/openapi.json', { rate: 1, burst: 2 }) });
  });
  afterAll(async () => {
    await direct?.close();
    await server?.stop();
  });

  it("answers 429 as API Gateway does once a route's bucket is empty, without touching other routes, and again after a refill", async () => {
    // Prepare
    const anonymous = new ApiClient(server.url);
    const user = await ApiClient.signIn(server.url, 'throttled');

    // Act
    const burst = [];
    for (let i = 0; i < 3; i++) burst.push(await anonymous.call('GET', '/api/openapi.json'));
    const other = await user.call('GET', '/api/me');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const later = await anonymous.call('GET', '/api/openapi.json');

    // Assess
    expect(burst.map((a) => a.status)).toEqual([200, 200, 429]);
    expect(burst[2]!.body).toEqual({ message: 'Too Many Requests' });
    expect(other.status).toBe(200);
    expect(later.status).toBe(200);
  });

  it("adds CloudFront's origin-verify value to the requests it forwards, over a client's own", async () => {
    const user = await ApiClient.signIn(server.url, 'through-cloudfront');
    const answer = await user.call('GET', '/api/me', undefined, { 'x-origin-verify': 'a guess' });
    expect(answer.status).toBe(200);
    expect(Object.keys(server.runtime.originHeaders)).toEqual(['x-origin-verify']);
    expect(server.runtime.originHeaders['x-origin-verify']).toMatch(/^[A-Za-z0-9_-]{32,}$/);
  });

  it("refuses, in the function, a request that skips CloudFront: the API's own address, or an invoke without the right header", async () => {
    // Prepare: the API's execute-api address — the same routes and functions, no CloudFront in front.
    const { host, contract } = server.runtime;
    direct = await startApiServer({ routes: contractRoutes(host, Object.values(contract.functions)), port: 0, staticDir: '/nonexistent' });
    const user = await ApiClient.signIn(server.url, 'bypasser');
    const event = (headers: Record<string, string>): APIGatewayProxyEventV2 =>
      ({
        version: '2.0',
        routeKey: 'GET /api/openapi.json',
        rawPath: '/api/openapi.json',
        rawQueryString: '',
        headers,
        requestContext: { requestId: 'r', http: { method: 'GET', path: '/api/openapi.json' } },
        isBase64Encoded: false,
      }) as unknown as APIGatewayProxyEventV2;

    // Act
    const bypass = await new ApiClient(direct.url, user.token).call('GET', '/api/me', undefined, { 'x-origin-verify': 'a guess' });
    const noHeader = (await host.invoke('OpenApi', event({}))) as { statusCode: number; body: string };
    const wrong = (await host.invoke('OpenApi', event({ 'x-origin-verify': 'a guess' }))) as { statusCode: number; body: string };
    const right = (await host.invoke('OpenApi', event({ ...server.runtime.originHeaders }))) as { statusCode: number };

    // Assess: 403, JSON, nothing that helps guess.
    expect(bypass.status).toBe(403);
    expect(bypass.body).toEqual({ error: { code: 'forbidden', message: 'Forbidden.' } });
    for (const refused of [noHeader, wrong]) {
      expect(refused.statusCode).toBe(403);
      expect(JSON.parse(refused.body)).toEqual({ error: { code: 'forbidden', message: 'Forbidden.' } });
    }
    expect(right.statusCode).toBe(200);
  });

  it("lets each function read exactly its keys' secrets: the webhook cannot read Stripe's secret key or Clerk's", async () => {
    // Prepare: what each function's code reads, from the stack's declarations.
    const { contract, principals, authorizer, host } = server.runtime;
    const expected = new Map<string, SecretKey[]>();
    for (const spec of STEP_FUNCTIONS) expected.set(spec.id, [...(stepAccess(spec.id).secrets ?? [])]);
    // The contract's stack has CLERK_JWT_KEY: user routes read no Clerk secret.
    for (const route of API_ROUTES.filter((r) => contract.functions[r.id])) expected.set(route.id, ['ORIGIN_VERIFY', ...(route.access.secrets ?? [])]);

    // Act
    const readable = new Map<string, SecretKey[]>();
    for (const principal of principals.roles()) {
      const fn = contract.functions[principal.id];
      if (!fn) continue;
      const keys: SecretKey[] = [];
      for (const key of SECRET_KEYS) {
        const decision = await authorizer.authorize(principal, [{ action: 'secretsmanager:GetSecretValue', resource: contract.secrets[key]!.arn }]);
        if (decision.allowed) keys.push(key);
      }
      readable.set(principal.id, keys);
    }
    // And through the SDK, as the webhook's code would call it, with its own credentials.
    const env = host.get('StripeWebhook').environment;
    const client = new SecretsManagerClient({
      region: env.AWS_REGION!,
      endpoint: env.AWS_ENDPOINT_URL_SECRETS_MANAGER!,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY!, sessionToken: env.AWS_SESSION_TOKEN! },
    });
    const stripeKey = await client.send(new GetSecretValueCommand({ SecretId: contract.secrets.STRIPE_SECRET_KEY!.arn })).catch((e: Error) => e);
    const webhookKey = await client.send(new GetSecretValueCommand({ SecretId: env.STRIPE_WEBHOOK_SECRET_SECRET_ARN! }));
    client.destroy();

    // Assess
    for (const [id, keys] of readable) expect(keys.sort(), id).toEqual([...(expected.get(id) ?? [])].sort());
    expect(readable.get('StripeWebhook')).toEqual(['ORIGIN_VERIFY', 'STRIPE_WEBHOOK_SECRET']);
    expect((stripeKey as Error).name).toBe('AccessDeniedException');
    expect(webhookKey.SecretString).toMatch(/^whsec_/);
  });
});
