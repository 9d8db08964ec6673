/**
 * API Gateway's throttling, from the contract: each route key has a token bucket of its stage
 * settings (its own RouteSettings, else the stage's DefaultRouteSettings) — `burstLimit` tokens,
 * refilled at `rateLimit` per second — shared by every caller of the route. A request that finds
 * the bucket empty is answered 429 `{"message":"Too Many Requests"}` and never reaches its function.
 */
import { performance } from 'node:perf_hooks';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { StackContract, ThrottleContract } from './contract/types.js';

/** What an HTTP API answers when a route's throttle refuses a request. */
export const TOO_MANY_REQUESTS: APIGatewayProxyStructuredResultV2 = {
  statusCode: 429,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ message: 'Too Many Requests' }),
};

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date (ms). */
  at: number;
}

export class GatewayThrottle {
  private readonly buckets = new Map<string, Bucket>();
  private readonly served: Set<string>;

  /**
   * @param settings the stage's throttles (`contract.api.throttle`)
   * @param served the route keys the stage serves (the contract's routes); others (the local-only
   *   /api/dev/* routes) are not API Gateway's and pass
   * @param now a clock in milliseconds (tests move it)
   */
  constructor(
    private readonly settings: StackContract['api']['throttle'],
    served: Iterable<string>,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.served = new Set(served);
  }

  /** The throttle a route key runs under; undefined: not a route of the stage, or only the account's limit. */
  limitOf(routeKey: string): ThrottleContract | undefined {
    if (!this.served.has(routeKey)) return undefined;
    return this.settings.routes[routeKey] ?? this.settings.default;
  }

  /** Takes a token from the route's bucket: true if the request may pass, false for a 429. */
  take(routeKey: string): boolean {
    const limit = this.limitOf(routeKey);
    if (!limit) return true;
    const now = this.now();
    const bucket = this.buckets.get(routeKey) ?? { tokens: limit.burstLimit, at: now };
    bucket.tokens = Math.min(limit.burstLimit, bucket.tokens + ((now - bucket.at) / 1000) * limit.rateLimit);
    bucket.at = now;
    this.buckets.set(routeKey, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
