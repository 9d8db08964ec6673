/**
 * What an API answer says about a failure it cannot blame on the request: the setting at fault,
 * never the resource names or AWS error names behind it (those stay in the log).
 */
import { describe, expect, it } from 'vitest';
import { errorResult, withoutResourceNames } from '../../lambdas/api/http.js';
import { MissingConfiguration } from '../../lambdas/shared/env.js';

const logger = { error: () => undefined, warn: () => undefined };

describe('the answer for a missing or broken setting', () => {
  it('names the setting but no ARN and no AWS error name', () => {
    const problem = new MissingConfiguration(
      'The secret arn:aws:secretsmanager:eu-west-1:123456789012:secret:ai-shorts/GROQ_API_KEY-AbCdEf cannot be read '
        + '(AccessDeniedException): User: arn:aws:sts::123456789012:assumed-role/Fn/x is not authorized. NoSuchBucket; ResourceNotFoundException.',
    );
    const answer = errorResult(problem, 'req-1', logger);
    expect(answer.statusCode).toBe(503);
    const body = JSON.parse(answer.body as string) as { error: { code: string; message: string; requestId: string } };
    expect(body.error.code).toBe('not_configured');
    expect(body.error.requestId).toBe('req-1');
    expect(body.error.message).toContain('cannot be read');
    for (const marker of ['arn:', '123456789012', 'AccessDenied', 'NoSuchBucket', 'ResourceNotFound']) {
      expect(body.error.message).not.toContain(marker);
    }
  });

  it('leaves ordinary words and setting names alone', () => {
    const text = 'Sign-in is not configured: set CLERK_JWT_KEY (PEM public key) or CLERK_SECRET_KEY. An Exception to the rule.';
    expect(withoutResourceNames(text)).toBe(text);
  });
});
