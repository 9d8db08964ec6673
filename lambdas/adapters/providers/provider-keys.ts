import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ProviderUnavailable } from '../../core/errors.js';
import { MissingConfiguration } from '../../shared/env.js';
import { SECRET_ARN_VARIABLES, type SecretKey } from '../../shared/secret-keys.js';

/** Secrets Manager errors that a retry cannot fix: the secret or the permission is missing. */
const PERMANENT_SECRET_ERRORS = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'DecryptionFailure',
  'InvalidParameterException',
  'InvalidRequestException',
  'UnrecognizedClientException',
]);

/** What the stack stores in a key's secret until someone puts the real key in (lib/cloud/secrets.ts). */
const SECRET_PLACEHOLDER = 'set-me';

export interface ProviderKeysOptions {
  /** Where keys are looked up first: locally they come from the environment. */
  env: Partial<Record<SecretKey, string | undefined>>;
  /** The ARN (or name) of each key's own secret (`<KEY>_SECRET_ARN`): the keys in AWS. Its SecretString is the key. */
  secretArns?: Partial<Record<SecretKey, string | undefined>>;
  /**
   * The client to read secrets with; by default one with the ambient configuration, made on
   * first use (the SDK is imported only then, so local runs and steps without vendors skip it).
   */
  secretsClient?: () => SecretsManagerClient;
}

/**
 * API keys and other secrets: from the environment when set (local runs), otherwise each from its
 * own Secrets Manager secret (one per key, lib/cloud/secrets.ts), fetched once per container.
 * A missing key is a {@link MissingConfiguration} naming the variable — never a fallback.
 */
export class ProviderKeys {
  private readonly secrets = new Map<string, Promise<string>>();
  private client?: SecretsManagerClient;

  constructor(private readonly options: ProviderKeysOptions) {}

  /**
   * Fails now, naming the variable, when the key can come from nowhere; otherwise returns a
   * supplier that resolves the key when a call first needs it.
   */
  supplier(variable: SecretKey, neededFor: string): () => Promise<string> {
    if (!this.options.env[variable] && !this.options.secretArns?.[variable]) {
      throw new MissingConfiguration(
        `${neededFor} needs an API key: set ${variable} (or ${SECRET_ARN_VARIABLES[variable]} to a Secrets Manager secret holding it).`,
      );
    }
    return () => this.get(variable, neededFor);
  }

  /** The key's value, from the environment or its secret. */
  async get(variable: SecretKey, neededFor: string): Promise<string> {
    const fromEnv = this.options.env[variable];
    if (fromEnv) return fromEnv;
    const secretArn = this.options.secretArns?.[variable];
    if (!secretArn) {
      throw new MissingConfiguration(`${neededFor} needs an API key: set ${variable} (or ${SECRET_ARN_VARIABLES[variable]}).`);
    }
    const value = (await this.loadSecret(secretArn)).trim();
    if (value === '') throw new MissingConfiguration(`${neededFor} needs ${variable}, but the secret ${secretArn} is empty.`);
    if (value === SECRET_PLACEHOLDER) {
      throw new MissingConfiguration(`${neededFor} needs ${variable}: the secret ${secretArn} still holds the placeholder "${SECRET_PLACEHOLDER}"; put the real key there.`);
    }
    return value;
  }

  private loadSecret(secretArn: string): Promise<string> {
    let pending = this.secrets.get(secretArn);
    if (!pending) {
      pending = this.fetchSecret(secretArn);
      const fetched = pending;
      // A failed fetch is not remembered: the next invocation in this container tries again.
      fetched.catch(() => {
        if (this.secrets.get(secretArn) === fetched) this.secrets.delete(secretArn);
      });
      this.secrets.set(secretArn, fetched);
    }
    return pending;
  }

  private async fetchSecret(secretArn: string): Promise<string> {
    let text: string | undefined;
    try {
      const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
      this.client ??= this.options.secretsClient?.() ?? new SecretsManagerClient({});
      const answer = await this.client.send(new GetSecretValueCommand({ SecretId: secretArn }));
      text = answer.SecretString;
    } catch (error) {
      const name = (error as Error).name;
      if (PERMANENT_SECRET_ERRORS.has(name)) {
        throw new MissingConfiguration(`The secret ${secretArn} cannot be read (${name}): ${(error as Error).message}`);
      }
      throw new ProviderUnavailable(`Secrets Manager failed reading the secret ${secretArn} (${name}): ${(error as Error).message}`, { cause: error });
    }
    if (text === undefined) throw new MissingConfiguration(`The secret ${secretArn} has no SecretString (the key itself, as text, is expected).`);
    return text;
  }
}
