import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderKeys } from '../../lambdas/adapters/providers/provider-keys.js';
import { ProviderUnavailable } from '../../lambdas/core/errors.js';
import { readConfig } from '../../lambdas/shared/config.js';
import { checkProviderSettings, fromEnvironment } from '../../lambdas/shared/dependencies.js';
import { MissingConfiguration } from '../../lambdas/shared/env.js';
import { withEnvironment } from '../../lib/local/function-env.js';
import { secretsManagerError, startSecretsManagerStub, type SecretsManagerStub } from '../support/stubs/secrets-manager-stub.js';

/** One secret per key (lib/cloud/secrets.ts): the SecretString is the key itself. */
const arnOf = (name: string) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:ai-shorts/${name}-AbCdEf`;
const SECRET_ARNS = { GROQ_API_KEY: arnOf('groq-api-key'), REPLICATE_API_TOKEN: arnOf('replicate-api-token'), ELEVENLABS_API_KEY: arnOf('elevenlabs-api-key') };


describe('provider configuration', () => {
  let stub: SecretsManagerStub;
  const client = () => new SecretsManagerClient({ endpoint: stub.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIDSTUB', secretAccessKey: 'stub' }, maxAttempts: 1 });
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error);

  beforeAll(async () => {
    stub = await startSecretsManagerStub();
    stub.put(SECRET_ARNS.GROQ_API_KEY, 'gsk_from_secret');
    stub.put(SECRET_ARNS.REPLICATE_API_TOKEN, 'set-me');
    stub.put(SECRET_ARNS.ELEVENLABS_API_KEY, 'sk_from_secret\n');
  });
  afterAll(async () => {
    await stub.stop();
  });
  beforeEach(() => {
    stub.reset();
  });

  describe('ProviderKeys', () => {
    it('prefers the environment and never calls Secrets Manager for a key it has', async () => {
      const keys = new ProviderKeys({ env: { GROQ_API_KEY: 'gsk_env' }, secretArns: SECRET_ARNS, secretsClient: client });
      expect(await keys.get('GROQ_API_KEY', 'SHORTS_LLM=groq')).toBe('gsk_env');
      expect(stub.requests).toHaveLength(0);
    });

    it("reads each key from its own secret, each fetched once per container", async () => {
      const keys = new ProviderKeys({ env: {}, secretArns: SECRET_ARNS, secretsClient: client });
      expect(await keys.get('GROQ_API_KEY', 'SHORTS_LLM=groq')).toBe('gsk_from_secret');
      expect(await keys.get('GROQ_API_KEY', 'SHORTS_LLM=groq')).toBe('gsk_from_secret');
      // Whitespace around a pasted key is not part of it.
      expect(await keys.get('ELEVENLABS_API_KEY', 'SHORTS_VOICE=elevenlabs')).toBe('sk_from_secret');
      expect(stub.requestsTo('get-secret-value')).toHaveLength(2);
      expect(stub.requests[0]!.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
    });

    it('names the variable when the key has no secret or its secret still holds the placeholder', async () => {
      const keys = new ProviderKeys({ env: {}, secretArns: SECRET_ARNS, secretsClient: client });
      const placeholder = await failure(keys.get('REPLICATE_API_TOKEN', 'SHORTS_IMAGES=replicate'));
      const absent = await failure(keys.get('STRIPE_SECRET_KEY', 'Payments (Checkout)'));
      expect(placeholder).toBeInstanceOf(MissingConfiguration);
      expect(placeholder!.message).toMatch(/SHORTS_IMAGES=replicate needs REPLICATE_API_TOKEN: the secret .*replicate-api-token.* still holds the placeholder "set-me"/);
      expect(absent!.message).toBe('Payments (Checkout) needs an API key: set STRIPE_SECRET_KEY (or STRIPE_SECRET_KEY_SECRET_ARN).');
    });

    it('fails permanently for a missing secret, transiently (and retries later) for a Secrets Manager outage', async () => {
      const missing = new ProviderKeys({ env: {}, secretArns: { GROQ_API_KEY: arnOf('nope') }, secretsClient: client });
      const missingError = await failure(missing.get('GROQ_API_KEY', 'SHORTS_LLM=groq'));
      expect(missingError).toBeInstanceOf(MissingConfiguration);
      expect(missingError!.message).toMatch(/ResourceNotFoundException/);

      const keys = new ProviderKeys({ env: {}, secretArns: SECRET_ARNS, secretsClient: client });
      stub.fail('get-secret-value', secretsManagerError(500, 'InternalServiceError', 'An error occurred on the server side.'));
      const outage = await failure(keys.get('GROQ_API_KEY', 'SHORTS_LLM=groq'));
      expect(outage).toBeInstanceOf(ProviderUnavailable);
      expect(await keys.get('GROQ_API_KEY', 'SHORTS_LLM=groq')).toBe('gsk_from_secret');
    });

    it('fails at once, naming the variable, when a key can come from nowhere', () => {
      const keys = new ProviderKeys({ env: {}, secretsClient: client });
      expect(() => keys.supplier('GROQ_API_KEY', 'SHORTS_LLM=groq')).toThrow(
        'SHORTS_LLM=groq needs an API key: set GROQ_API_KEY (or GROQ_API_KEY_SECRET_ARN to a Secrets Manager secret holding it).',
      );
    });
  });

  describe('the composition root', () => {
    /** Runs `body` as a function with exactly `env` for its environment (lib/local/function-env.ts). */
    const asFunction = <T>(env: Record<string, string>, body: () => Promise<T>): Promise<T> => withEnvironment({ ...env }, body);

    it('runs offline by default', async () => {
      await asFunction({}, async () => {
        expect(await checkProviderSettings(process.env)).toEqual({ SHORTS_LLM: 'offline', SHORTS_IMAGES: 'offline', SHORTS_VOICE: 'offline', SHORTS_MUSIC: 'offline', SHORTS_RENDER: 'offline' });
        expect((await fromEnvironment().scriptWriter()).name).not.toBe('groq');
      });
    });

    it('names every missing setting at start instead of falling back to offline', async () => {
      // Prepare
      const env = { SHORTS_LLM: 'groq', SHORTS_IMAGES: 'midjourney', SHORTS_VOICE: 'elevenlabs', SHORTS_RENDER: 'lambda', REMOTION_REGION: 'us-east-1' };

      // Act
      const error = await asFunction(env, () => failure(checkProviderSettings(process.env)));

      // Assess
      expect(error).toBeInstanceOf(MissingConfiguration);
      expect(error!.message).toContain('SHORTS_IMAGES=midjourney is not a known provider; use one of: offline, replicate.');
      expect(error!.message).toContain('set GROQ_API_KEY');
      expect(error!.message).toContain('set ELEVENLABS_API_KEY');
      expect(error!.message).toContain('SHORTS_RENDER=lambda needs REMOTION_FUNCTION_NAME');
      expect(error!.message).toContain('SHORTS_RENDER=lambda needs REMOTION_SERVE_URL');
      expect(error!.message).not.toContain('REMOTION_REGION;');
      // A function with such an environment does not start: readConfig names the bad value.
      expect(() => readConfig(env)).toThrow('SHORTS_IMAGES=midjourney is not a known provider');
      await expect(asFunction({ SHORTS_LLM: 'groq' }, () => fromEnvironment().scriptWriter())).rejects.toThrow(/GROQ_API_KEY/);
    });

    it('renders layered by default, full on request, and names a render method it does not know', async () => {
      const layered = await asFunction({ ASSETS_BUCKET: 'assets' }, () => fromEnvironment().videoRenderer());
      expect(layered as unknown).toMatchObject({ name: 'local-remotion', method: 'layered' });
      const full = await asFunction({ ASSETS_BUCKET: 'assets', SHORTS_RENDER_METHOD: 'full' }, () => fromEnvironment().videoRenderer());
      expect(full as unknown).toMatchObject({ method: 'full' });

      const error = await failure(checkProviderSettings({ SHORTS_RENDER_METHOD: 'fast' }));
      expect(error).toBeInstanceOf(MissingConfiguration);
      expect(error!.message).toContain('SHORTS_RENDER_METHOD must be one of layered, full; it is "fast".');
    });

    it('builds the cloud adapters from the environment', async () => {
      const env = {
        SHORTS_LLM: 'groq',
        SHORTS_IMAGES: 'replicate',
        SHORTS_VOICE: 'elevenlabs',
        GROQ_API_KEY: 'gsk_x',
        REPLICATE_API_TOKEN: 'r8_x',
        ELEVENLABS_API_KEY: 'sk_x',
      };
      await asFunction(env, async () => {
        const deps = fromEnvironment();
        expect(await deps.checkProviders()).toMatchObject({ SHORTS_LLM: 'groq', SHORTS_IMAGES: 'replicate', SHORTS_VOICE: 'elevenlabs' });
        expect([(await deps.scriptWriter()).name, (await deps.imageGenerator()).name, (await deps.speechSynthesizer()).name]).toEqual(['groq', 'replicate', 'elevenlabs']);
      });
    });

    it("checks each key in its own secret at start (AWS: <KEY>_SECRET_ARN)", async () => {
      const env = {
        SHORTS_LLM: 'groq',
        SHORTS_IMAGES: 'replicate',
        GROQ_API_KEY_SECRET_ARN: SECRET_ARNS.GROQ_API_KEY,
        REPLICATE_API_TOKEN_SECRET_ARN: SECRET_ARNS.REPLICATE_API_TOKEN,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: stub.endpoint,
        AWS_ACCESS_KEY_ID: 'AKIDSTUB',
        AWS_SECRET_ACCESS_KEY: 'stub',
        AWS_REGION: 'us-east-1',
      };
      const error = await asFunction(env, () => failure(checkProviderSettings(process.env)));
      expect(error).toBeInstanceOf(MissingConfiguration);
      expect(error!.message).toMatch(/SHORTS_IMAGES=replicate needs REPLICATE_API_TOKEN: the secret .* still holds the placeholder/);
      expect(error!.message).not.toMatch(/GROQ_API_KEY/);
      expect(stub.requestsTo('get-secret-value')).toHaveLength(2);
    });
  });
});
