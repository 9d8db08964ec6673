/**
 * Secrets Manager calls → the IAM authorizations they need. SecretId may be the secret's ARN,
 * a partial ARN (without the 6-character suffix) or its name; IAM evaluates the full ARN, which
 * the context resolves. AWS's denial names the SecretId as the caller sent it.
 */
import type { AuthorizationRequest } from '../authorizer.js';
import { partitionOf, stringField, type ServiceContext } from './context.js';

export interface SecretsManagerContext extends ServiceContext {
  /** The full ARN of the secret a SecretId names (name, partial or full ARN), when it exists. */
  secretArn?: (secretId: string) => string | undefined;
}

/** The authorizations a Secrets Manager call needs. */
export function secretsManagerRequests(operation: string, input: Record<string, unknown>, ctx: SecretsManagerContext): AuthorizationRequest[] {
  const action = `secretsmanager:${operation}`;
  if (operation === 'ListSecrets' || operation === 'GetRandomPassword' || operation === 'BatchGetSecretValue') return [{ action, resource: '*' }];
  const secretId = stringField(input, 'SecretId') ?? stringField(input, 'Name');
  if (!secretId) return [{ action, resource: '' }]; // malformed: matches no resource type, denied
  const resolved =
    ctx.secretArn?.(secretId) ??
    (secretId.startsWith('arn:') ? secretId : `arn:${partitionOf(ctx)}:secretsmanager:${ctx.region}:${ctx.accountId}:secret:${secretId}`);
  return [{ action, resource: resolved, messageResource: secretId }];
}
