import { InvalidInput } from '../core/errors.js';
import { checkTarget, UnsafeWebhookTarget, type TargetPolicy } from '../core/webhooks/ssrf.js';

/** Checks a webhook URL from a request (SSRF, after DNS resolution); a refused one is a 400 naming `field`. */
export async function checkRequestedTarget(url: string, field: string, policy: TargetPolicy): Promise<void> {
  try {
    await checkTarget(url, policy);
  } catch (error) {
    if (error instanceof UnsafeWebhookTarget) throw new InvalidInput(`${field}: ${error.message}`);
    throw error;
  }
}
