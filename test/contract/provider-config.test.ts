import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProviderKeys } from '../../lambdas/adapters/providers/provider-keys.js';
import { ProviderUnavailable } from '../../lambdas/core/errors.js';
import { MissingConfiguration } from '../../lambdas/shared/env.js';
import { secretsManagerError, startSecretsManagerStub, type SecretsManagerStub } from '../support/stubs/secrets-manager-stub.js';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ai-shorts/providers-AbCdEf';

/** Every variable these tests set; saved before each test and restored after. */
const VARIABLES = [
  'SHORTS_LLM',
  'SHORTS_IMAGES',
  'SHORTS_VOICE',
  'SHORTS_RENDER',
  'SHORTS_RENDER_METHOD',
  'ASSETS_BUCKET',
  'GROQ_API_KEY',
  'REPLICATE_API_TOKEN',
  'ELEVENLABS_API_KEY',
  'GROQ_BASE_URL',
  'PROVIDER_SECRET_ARN',
  'REMOTION_FUNCTION_NAME',
  'REMOTION_SERVE_URL',
  'REMOTION_REGION',
  'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_REGION',
] as const;

/** A fresh composition root: its lazily built adapters start empty, as in a new Lambda container. */
async function freshContainer() {
  vi.resetModules();
  return import('../../lambdas/shared/container.js');
}

describe('provider configuration', () => {
  let stub: SecretsManagerStub;
  const saved = new Map<string, string | undefined>();
  const client = () => new SecretsManagerClient({ endpoint: stub.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIDSTUB', secretAccessKey: 'stub' }, maxAttempts: 1 });
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error);

  beforeAll(async () => {
    stub = await startSecretsManagerStub();
    stub.put(SECRET_ARN, JSON.stringify({ GROQ_API_KEY: 'gsk_from_secret', REPLICATE_API_TOKEN: 'set-me', ELEVENLABS_API_KEY: 'sk_from_secret' }));
  });
  afterAll(async () => {
    await stub.stop();
  });
  beforeEach(() => {
    stub.reset();
    for (const name of VARIABLES) {
      saved.set(name, process.env[name]);
      delete process.env[name];
    }
  });
  afterEach(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  describe('ProviderKeys', () => {
    it('prefers the environment and never calls Secrets Manager for a key it has', async () => {
      const keys = new ProviderKeys({ env: { GROQ_API_KEY: 'gsk_env' }, secretArn: SECRET_ARN, secretsClient: client });
      expect(await keys.get('GROQ_API_KEY', 'SHORTS_LLM=groq')).toBe('gsk_env');
      expect(stub.requests).toHaveLength(0);
    });

    it('reads keys from the JSON secret, fetching it once per container', async () => {
      const keys = new ProviderKeys({ env: {}, secretArn: SECRET_ARN, secretsClient: client });
      expect(await keys.get('GROQ_API_KEY', 'SHORTS_LLM=groq')).toBe('gsk_from_secret');
      expect(await keys.get('ELEVENLABS_API_KEY', 'SHORTS_VOICE=elevenlabs')).toBe('sk_from_secret');
      expect(stub.requestsTo('get-secret-value')).toHaveLength(1);
      expect(stub.requests[0]!.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
    });

    it('names the variable when the secret lacks it or still holds the placeholder', async () => {
      const keys = new ProviderKeys({ env: {}, secretArn: SECRET_ARN, secretsClient: client });
      const placeholder = await failure(keys.get('REPLICATE_API_TOKEN', 'SHORTS_IMAGES=replicate'));
      const absent = await failure(keys.get('OTHER_KEY', 'something'));
      expect(placeholder).toBeInstanceOf(MissingConfiguration);
      expect(placeholder!.message).toMatch(/SHORTS_IMAGES=replicate needs REPLICATE_API_TOKEN: the secret .* still holds the placeholder "set-me"/);
      expect(absent!.message).toMatch(/has no "OTHER_KEY" field/);
    });

    it('fails permanently for a missing secret, transiently (and retries later) for a Secrets Manager outage', async () => {
      const missing = new ProviderKeys({ env: {}, secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:nope', secretsClient: client });
      const missingError = await failure(missing.get('GROQ_API_KEY', 'SHORTS_LLM=groq'));
      expect(missingError).toBeInstanceOf(MissingConfiguration);
      expect(missingError!.message).toMatch(/ResourceNotFoundException/);

      const keys = new ProviderKeys({ env: {}, secretArn: SECRET_ARN, secretsClient: client });
      stub.fail('get-secret-value', secretsManagerError(500, 'InternalServiceError', 'An error occurred on the server side.'));
      const outage = await failure(keys.get('GROQ_API_KEY', 'SHORTS_LLM=groq'));
      expect(outage).toBeInstanceOf(ProviderUnavailable);
      expect(await keys.get('GROQ_API_KEY', 'SHORTS_LLM=groq')).toBe('gsk_from_secret');
    });

    it('fails at once, naming the variable, when a key can come from nowhere', () => {
      const keys = new ProviderKeys({ env: {}, secretsClient: client });
      expect(() => keys.supplier('GROQ_API_KEY', 'SHORTS_LLM=groq')).toThrow(
        'SHORTS_LLM=groq needs an API key: set GROQ_API_KEY (or PROVIDER_SECRET_ARN to a Secrets Manager secret holding GROQ_API_KEY).',
      );
    });
  });

  describe('the composition root', () => {
    it('runs offline by default', async () => {
      const container = await freshContainer();
      expect(await container.validateProviderConfig()).toEqual({ SHORTS_LLM: 'offline', SHORTS_IMAGES: 'offline', SHORTS_VOICE: 'offline', SHORTS_RENDER: 'offline' });
      expect((await container.scriptWriter()).name).not.toBe('groq');
    });

    it('names every missing setting at start instead of falling back to offline', async () => {
      // Prepare
      Object.assign(process.env, { SHORTS_LLM: 'groq', SHORTS_IMAGES: 'midjourney', SHORTS_VOICE: 'elevenlabs', SHORTS_RENDER: 'lambda', REMOTION_REGION: 'us-east-1' });
      const container = await freshContainer();

      // Act
      const error = await failure(container.validateProviderConfig());

      // Assess (a fresh module graph has its own MissingConfiguration class: match the name)
      expect(error!.name).toBe('MissingConfiguration');
      expect(error!.message).toContain('SHORTS_IMAGES=midjourney is not a known provider; use one of: offline, replicate.');
      expect(error!.message).toContain('set GROQ_API_KEY');
      expect(error!.message).toContain('set ELEVENLABS_API_KEY');
      expect(error!.message).toContain('SHORTS_RENDER=lambda needs REMOTION_FUNCTION_NAME');
      expect(error!.message).toContain('SHORTS_RENDER=lambda needs REMOTION_SERVE_URL');
      expect(error!.message).not.toContain('REMOTION_REGION;');
      await expect(container.scriptWriter()).rejects.toThrow(/GROQ_API_KEY/);
    });

    it('renders layered by default, full on request, and names a render method it does not know', async () => {
      process.env.ASSETS_BUCKET = 'assets';
      const layered = await freshContainer();
      expect(layered.renderMethod()).toBe('layered');
      expect((await layered.videoRenderer()) as unknown).toMatchObject({ name: 'local-remotion', method: 'layered' });

      process.env.SHORTS_RENDER_METHOD = 'full';
      const full = await freshContainer();
      expect((await full.videoRenderer()) as unknown).toMatchObject({ method: 'full' });

      process.env.SHORTS_RENDER_METHOD = 'fast';
      const error = await failure((await freshContainer()).validateProviderConfig());
      expect(error!.name).toBe('MissingConfiguration');
      expect(error!.message).toContain('SHORTS_RENDER_METHOD must be one of layered, full; it is "fast".');
    });

    it('builds the cloud adapters from the environment', async () => {
      Object.assign(process.env, {
        SHORTS_LLM: 'groq',
        SHORTS_IMAGES: 'replicate',
        SHORTS_VOICE: 'elevenlabs',
        GROQ_API_KEY: 'gsk_x',
        REPLICATE_API_TOKEN: 'r8_x',
        ELEVENLABS_API_KEY: 'sk_x',
      });
      const container = await freshContainer();
      expect(await container.validateProviderConfig()).toMatchObject({ SHORTS_LLM: 'groq', SHORTS_IMAGES: 'replicate', SHORTS_VOICE: 'elevenlabs' });
      expect([(await container.scriptWriter()).name, (await container.imageGenerator()).name, (await container.speechSynthesizer()).name]).toEqual(['groq', 'replicate', 'elevenlabs']);
    });

    it('checks keys in the provider secret at start (AWS: PROVIDER_SECRET_ARN)', async () => {
      Object.assign(process.env, {
        SHORTS_LLM: 'groq',
        SHORTS_IMAGES: 'replicate',
        PROVIDER_SECRET_ARN: SECRET_ARN,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: stub.endpoint,
        AWS_ACCESS_KEY_ID: 'AKIDSTUB',
        AWS_SECRET_ACCESS_KEY: 'stub',
        AWS_REGION: 'us-east-1',
      });
      const container = await freshContainer();
      const error = await failure(container.validateProviderConfig());
      expect(error!.name).toBe('MissingConfiguration');
      expect(error!.message).toMatch(/SHORTS_IMAGES=replicate needs REPLICATE_API_TOKEN: the secret .* still holds the placeholder/);
      expect(error!.message).not.toMatch(/GROQ_API_KEY/);
      expect(stub.requestsTo('get-secret-value')).toHaveLength(1);
    });
  });
});
