/**
 * A local Secrets Manager (GetSecretValue, DescribeSecret) over a given list of secrets, behind
 * the local IAM: each call is authorized against the caller's role, as in AWS.
 */
import { z } from 'zod';
import type { Authorizer } from '../iam/authorizer.js';
import { ServiceError, startJsonService, type JsonService } from '../iam/json-service.js';
import type { Principals } from '../iam/principals.js';
import type { ServiceContext } from '../iam/services/context.js';

export interface LocalSecret {
  name: string;
  /** The full ARN, with its 6-character suffix (`…:secret:NAME-AbCdEf`). */
  arn: string;
  secretString: string;
}

export interface SecretsManagerServiceOptions {
  secrets: readonly LocalSecret[];
  principals: Principals;
  authorizer: Authorizer;
  context: ServiceContext;
  port?: number;
}

/** Finds a secret by its SecretId: its name, its full ARN, or its ARN without the suffix. */
export function secretLookup(secrets: readonly LocalSecret[]): (secretId: string) => LocalSecret | undefined {
  return (secretId) =>
    secrets.find((s) => s.name === secretId || s.arn === secretId || (secretId.startsWith('arn:') && s.arn.replace(/-[A-Za-z0-9]{6}$/, '') === secretId));
}

const NOT_FOUND = "Secrets Manager can't find the specified secret.";
const SecretIdInput = z.object({ SecretId: z.string().min(1).max(2048) });
const VERSION_ID = '00000000-0000-4000-8000-000000000001';

/** Starts the service on 127.0.0.1 (AWS JSON 1.1, `X-Amz-Target: secretsmanager.<Op>`). */
export async function startSecretsManagerService(options: SecretsManagerServiceOptions): Promise<JsonService> {
  const find = secretLookup(options.secrets);
  const created = new Date();
  const secretOf = (input: unknown) => {
    const parsed = SecretIdInput.safeParse(input);
    if (!parsed.success) throw new ServiceError('InvalidParameterException', 'SecretId must be a string of 1 to 2048 characters.');
    const secret = find(parsed.data.SecretId);
    if (!secret) throw new ServiceError('ResourceNotFoundException', NOT_FOUND);
    return secret;
  };
  return startJsonService({
    service: 'secretsmanager',
    targetPrefix: 'secretsmanager',
    principals: options.principals,
    authorizer: options.authorizer,
    context: { ...options.context, secretArn: (id: string) => find(id)?.arn },
    ...(options.port === undefined ? {} : { port: options.port }),
    operations: {
      GetSecretValue: async (input: unknown) => {
        const secret = secretOf(input);
        return { ARN: secret.arn, Name: secret.name, SecretString: secret.secretString, VersionId: VERSION_ID, VersionStages: ['AWSCURRENT'], CreatedDate: created };
      },
      DescribeSecret: async (input: unknown) => {
        const secret = secretOf(input);
        return {
          ARN: secret.arn,
          Name: secret.name,
          CreatedDate: created,
          LastChangedDate: created,
          VersionIdsToStages: { [VERSION_ID]: ['AWSCURRENT'] },
        };
      },
    },
  });
}
