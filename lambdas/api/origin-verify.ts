/**
 * The origin check: CloudFront adds a secret header to every request it sends the API (its
 * origin's custom header, lib/cloud/api.ts), and every API function refuses a request without it.
 * So the API's own `execute-api` address, which skips CloudFront and its WAF, answers nothing but 403.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** The header CloudFront adds (API Gateway lower-cases header names). */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

/** The answer to a request that did not come through CloudFront: nothing that helps guess. */
export const NOT_THROUGH_CLOUDFRONT = {
  statusCode: 403,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  body: JSON.stringify({ error: { code: 'forbidden', message: 'Forbidden.' } }),
} as const;

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Whether the request carries the expected value. `expected` undefined: the function runs outside
 * the stack (no ORIGIN_VERIFY_SECRET_ARN), so there is nothing to check against. Compared in
 * constant time over digests, so neither the value nor its length leaks through timing.
 */
export function cameThroughCloudFront(event: Pick<APIGatewayProxyEventV2, 'headers'>, expected: string | undefined): boolean {
  if (expected === undefined) return true;
  const sent = event.headers?.[ORIGIN_VERIFY_HEADER];
  return sent !== undefined && timingSafeEqual(digest(sent), digest(expected));
}
