import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { BlobStore, Clock, ImageGenerator, JobIndex, JobStore, ScriptWriter, SpeechSynthesizer, VideoRenderer } from '../core/ports.js';
import { DynamoJobStore } from '../adapters/aws/dynamo-job-store.js';
import { S3BlobStore } from '../adapters/aws/s3-blob-store.js';
import { ProviderKeys } from '../adapters/providers/provider-keys.js';
import { DEFAULT_RENDER_METHOD, isRenderMethod, RENDER_METHODS, type RenderMethod } from '../core/render-method.js';
import { ENV, MissingConfiguration, numberEnv, optionalEnv, requireEnv } from './env.js';

/**
 * The composition root: the one place that reads configuration and picks adapters.
 * Everything is built lazily, once per process (a Lambda container or the local runtime).
 * Adapters are imported on demand: a Lambda bundle leaves the offline ones out (native resvg,
 * eSpeak's WASM, Remotion's renderer), and a process loads only the vendor SDK it uses.
 */

/** Providers each service can use. A cloud provider without its configuration is a clear error, never a fallback. */
export const PROVIDERS = {
  [ENV.LLM]: ['offline', 'groq'],
  [ENV.IMAGES]: ['offline', 'replicate'],
  [ENV.VOICE]: ['offline', 'elevenlabs'],
  [ENV.RENDER]: ['offline', 'lambda'],
} as const;
export type ProviderVariable = keyof typeof PROVIDERS;

/** Reads a provider choice (default `offline`), rejecting unknown names. */
export function providerFor<V extends ProviderVariable>(variable: V): (typeof PROVIDERS)[V][number] {
  const choice = optionalEnv(variable, 'offline');
  const known: readonly string[] = PROVIDERS[variable];
  if (!known.includes(choice)) {
    throw new MissingConfiguration(`${variable}=${choice} is not a known provider; use one of: ${known.join(', ')}.`);
  }
  return choice as (typeof PROVIDERS)[V][number];
}

/** The API key each cloud provider needs, by service. */
const PROVIDER_KEYS = {
  [ENV.LLM]: { provider: 'groq', key: ENV.GROQ_API_KEY },
  [ENV.IMAGES]: { provider: 'replicate', key: ENV.REPLICATE_API_TOKEN },
  [ENV.VOICE]: { provider: 'elevenlabs', key: ENV.ELEVENLABS_API_KEY },
} as const;

/** What `SHORTS_RENDER=lambda` needs besides AWS credentials. */
const REMOTION_LAMBDA_VARIABLES = [ENV.REMOTION_FUNCTION_NAME, ENV.REMOTION_SERVE_URL, ENV.REMOTION_REGION] as const;

function optional(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

function needEnv(name: string, neededFor: string): string {
  const value = optional(name);
  if (value === undefined) throw new MissingConfiguration(`${neededFor} needs ${name}; it is not set.`);
  return value;
}

function once<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
}

export const systemClock: Clock = { now: () => new Date() };

const dynamo = once(() => DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }));
const s3 = once(() => new S3Client({}));

export const jobStore = once<JobStore & JobIndex>(() => new DynamoJobStore({ doc: dynamo(), tableName: requireEnv(ENV.JOBS_TABLE) }));
export const blobStore = once<BlobStore>(() => new S3BlobStore({ client: s3(), bucket: requireEnv(ENV.ASSETS_BUCKET) }));

/** Vendor keys: the environment first, else the JSON secret named by PROVIDER_SECRET_ARN (fetched once). */
export const providerKeys = once(
  () =>
    new ProviderKeys({
      env: process.env,
      ...(optional(ENV.PROVIDER_SECRET_ARN) ? { secretArn: optional(ENV.PROVIDER_SECRET_ARN)! } : {}),
    }),
);

function keyFor(variable: keyof typeof PROVIDER_KEYS): () => Promise<string> {
  const { provider, key } = PROVIDER_KEYS[variable];
  return providerKeys().supplier(key, `${variable}=${provider}`);
}

export const scriptWriter = once<Promise<ScriptWriter>>(async () => {
  if (providerFor(ENV.LLM) === 'groq') {
    const baseURL = optional(ENV.GROQ_BASE_URL);
    const apiKey = keyFor(ENV.LLM);
    const { GroqScriptWriter } = await import('../adapters/providers/groq-script-writer.js');
    return new GroqScriptWriter({ apiKey, ...(baseURL ? { baseURL } : {}) });
  }
  const { TemplateScriptWriter } = await import('../adapters/offline/template-script-writer.js');
  return new TemplateScriptWriter();
});

export const imageGenerator = once<Promise<ImageGenerator>>(async () => {
  if (providerFor(ENV.IMAGES) === 'replicate') {
    const baseUrl = optional(ENV.REPLICATE_BASE_URL);
    const apiToken = keyFor(ENV.IMAGES);
    const { ReplicateImageGenerator } = await import('../adapters/providers/replicate-image-generator.js');
    return new ReplicateImageGenerator({ apiToken, ...(baseUrl ? { baseUrl } : {}) });
  }
  const { ProceduralImageGenerator } = await import('../adapters/offline/procedural-image-generator.js');
  return new ProceduralImageGenerator();
});

export const speechSynthesizer = once<Promise<SpeechSynthesizer>>(async () => {
  if (providerFor(ENV.VOICE) === 'elevenlabs') {
    const baseUrl = optional(ENV.ELEVENLABS_BASE_URL);
    const voiceId = optional(ENV.ELEVENLABS_VOICE_ID);
    const modelId = optional(ENV.ELEVENLABS_MODEL_ID);
    const apiKey = keyFor(ENV.VOICE);
    const { ElevenLabsSpeechSynthesizer } = await import('../adapters/providers/elevenlabs-speech.js');
    return new ElevenLabsSpeechSynthesizer({
      apiKey,
      ...(baseUrl ? { baseUrl } : {}),
      ...(voiceId ? { voiceId } : {}),
      ...(modelId ? { modelId } : {}),
    });
  }
  const { EspeakSpeechSynthesizer } = await import('../adapters/offline/espeak-speech.js');
  return new EspeakSpeechSynthesizer();
});

export const videoRenderer = once<Promise<VideoRenderer>>(async () => {
  if (providerFor(ENV.RENDER) === 'lambda') {
    const neededFor = `${ENV.RENDER}=lambda`;
    const [functionName, serveUrl, region] = REMOTION_LAMBDA_VARIABLES.map((name) => needEnv(name, neededFor)) as [string, string, string];
    const remotionBucket = optional(ENV.REMOTION_BUCKET);
    // Loaded on demand, like the local renderer: only the render steps need Remotion.
    const { RemotionLambdaRenderer } = await import('../adapters/providers/remotion-lambda-renderer.js');
    return new RemotionLambdaRenderer({
      functionName,
      serveUrl,
      region,
      outputBucket: requireEnv(ENV.ASSETS_BUCKET),
      ...(remotionBucket ? { remotionBucket } : {}),
    });
  }
  // Loaded on demand: the renderer pulls in Remotion, which only the render steps need.
  const { LocalRemotionRenderer } = await import('../adapters/offline/remotion-renderer.js');
  return new LocalRemotionRenderer({
    blobs: blobStore(),
    workDir: join(optionalEnv(ENV.DATA_DIR, join(tmpdir(), 'ai-shorts')), 'render'),
    browserExecutable: optionalEnv(ENV.CHROMIUM_PATH, '/usr/bin/chromium'),
    method: renderMethod(),
    ffmpegExecutable: optionalEnv(ENV.FFMPEG_PATH, '/usr/bin/ffmpeg'),
  });
});

/**
 * Checks the provider configuration up front, so the CLI and the dev server fail at start with
 * every problem named (unknown provider, missing key or Remotion setting) instead of a job
 * failing later. Resolves keys too, so a PROVIDER_SECRET_ARN secret is fetched and checked.
 * Returns the provider chosen for each service.
 */
export async function validateProviderConfig(): Promise<Record<ProviderVariable, string>> {
  const problems: string[] = [];
  const choices = {} as Record<ProviderVariable, string>;
  for (const variable of Object.keys(PROVIDERS) as ProviderVariable[]) {
    try {
      choices[variable] = providerFor(variable);
    } catch (error) {
      if (!(error instanceof MissingConfiguration)) throw error;
      problems.push(error.message);
    }
  }
  for (const variable of Object.keys(PROVIDER_KEYS) as (keyof typeof PROVIDER_KEYS)[]) {
    const { provider, key } = PROVIDER_KEYS[variable];
    if (choices[variable] !== provider) continue;
    try {
      await providerKeys().get(key, `${variable}=${provider}`);
    } catch (error) {
      if (!(error instanceof MissingConfiguration)) throw error;
      problems.push(error.message);
    }
  }
  if (choices[ENV.RENDER] === 'lambda') {
    for (const name of REMOTION_LAMBDA_VARIABLES) {
      if (optional(name) === undefined) problems.push(`${ENV.RENDER}=lambda needs ${name}; it is not set.`);
    }
  } else if (choices[ENV.RENDER] !== undefined) {
    try {
      renderMethod();
    } catch (error) {
      if (!(error instanceof MissingConfiguration)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) throw new MissingConfiguration(problems.join(' '));
  return choices;
}

/** The local renderer's method (SHORTS_RENDER_METHOD), `layered` unless set. */
export function renderMethod(): RenderMethod {
  const value = optional(ENV.RENDER_METHOD);
  if (value === undefined) return DEFAULT_RENDER_METHOD;
  if (isRenderMethod(value)) return value;
  throw new MissingConfiguration(`${ENV.RENDER_METHOD} must be one of ${RENDER_METHODS.join(', ')}; it is "${value}".`);
}

export const renderTimeoutSeconds = (): number => numberEnv(ENV.RENDER_TIMEOUT_SECONDS, 1800);

/** The DynamoDB document client of this process, shared with the API's stores (lambdas/shared/api-container.ts). */
export const documentClient = dynamo;
