import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ProviderUnavailable } from '../../core/errors.js';
import { MissingConfiguration } from '../../shared/env.js';

/** Secrets Manager errors that a retry cannot fix: the secret or the permission is missing. */
const PERMANENT_SECRET_ERRORS = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'DecryptionFailure',
  'InvalidParameterException',
  'InvalidRequestException',
  'UnrecognizedClientException',
]);

/** What the stack stores in the secret until someone puts real keys in (lib/cloud/secrets.ts). */
const SECRET_PLACEHOLDER = 'set-me';

export interface ProviderKeysOptions {
  /** Where keys are looked up first: locally they come from the environment. */
  env: Record<string, string | undefined>;
  /** ARN (or name) of a JSON secret `{"GROQ_API_KEY": "...", ...}`: the keys in AWS. */
  secretArn?: string;
  /**
   * The client to read the secret with; by default one with the ambient configuration, made on
   * first use (the SDK is imported only then, so local runs and steps without vendors skip it).
   */
  secretsClient?: () => SecretsManagerClient;
}

/**
 * Provider API keys: from the environment when set (local runs), otherwise from one JSON
 * secret in Secrets Manager, fetched once per container and shared by every adapter.
 * A missing key is a {@link MissingConfiguration} naming the variable — never a fallback.
 */
export class ProviderKeys {
  private secret?: Promise<Record<string, unknown>>;
  private client?: SecretsManagerClient;

  constructor(private readonly options: ProviderKeysOptions) {}

  /**
   * Fails now, naming the variable, when the key can come from nowhere; otherwise returns a
   * supplier that resolves the key when a call first needs it.
   */
  supplier(variable: string, neededFor: string): () => Promise<string> {
    if (!this.options.env[variable] && !this.options.secretArn) {
      throw new MissingConfiguration(
        `${neededFor} needs an API key: set ${variable} (or PROVIDER_SECRET_ARN to a Secrets Manager secret holding ${variable}).`,
      );
    }
    return () => this.get(variable, neededFor);
  }

  /** The key's value, from the environment or the provider secret. */
  async get(variable: string, neededFor: string): Promise<string> {
    const fromEnv = this.options.env[variable];
    if (fromEnv) return fromEnv;
    const { secretArn } = this.options;
    if (!secretArn) {
      throw new MissingConfiguration(`${neededFor} needs an API key: set ${variable} (or PROVIDER_SECRET_ARN).`);
    }
    const secret = await this.loadSecret(secretArn);
    const value = secret[variable];
    if (typeof value !== 'string' || value === '') {
      throw new MissingConfiguration(`${neededFor} needs ${variable}, but the secret ${secretArn} has no "${variable}" field.`);
    }
    if (value === SECRET_PLACEHOLDER) {
      throw new MissingConfiguration(`${neededFor} needs ${variable}: the secret ${secretArn} still holds the placeholder "${SECRET_PLACEHOLDER}"; put the real key there.`);
    }
    return value;
  }

  private loadSecret(secretArn: string): Promise<Record<string, unknown>> {
    if (!this.secret) {
      const pending = this.fetchSecret(secretArn);
      // A failed fetch is not remembered: the next invocation in this container tries again.
      pending.catch(() => {
        if (this.secret === pending) this.secret = undefined;
      });
      this.secret = pending;
    }
    return this.secret;
  }

  private async fetchSecret(secretArn: string): Promise<Record<string, unknown>> {
    let text: string | undefined;
    try {
      const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
      this.client ??= this.options.secretsClient?.() ?? new SecretsManagerClient({});
      const answer = await this.client.send(new GetSecretValueCommand({ SecretId: secretArn }));
      text = answer.SecretString;
    } catch (error) {
      const name = (error as Error).name;
      if (PERMANENT_SECRET_ERRORS.has(name)) {
        throw new MissingConfiguration(`The provider secret ${secretArn} cannot be read (${name}): ${(error as Error).message}`);
      }
      throw new ProviderUnavailable(`Secrets Manager failed reading the provider secret (${name}): ${(error as Error).message}`, { cause: error });
    }
    if (!text) throw new MissingConfiguration(`The provider secret ${secretArn} has no SecretString (a JSON object of keys is expected).`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new MissingConfiguration(`The provider secret ${secretArn} is not JSON; store {"GROQ_API_KEY": "...", ...}.`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new MissingConfiguration(`The provider secret ${secretArn} must be a JSON object of keys.`);
    }
    return parsed as Record<string, unknown>;
  }
}
