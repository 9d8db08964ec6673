import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { BlobStore, Clock, ImageGenerator, JobStore, ScriptWriter, SpeechSynthesizer, VideoRenderer } from '../core/ports.js';
import { DynamoJobStore } from '../adapters/aws/dynamo-job-store.js';
import { S3BlobStore } from '../adapters/aws/s3-blob-store.js';
import { TemplateScriptWriter } from '../adapters/offline/template-script-writer.js';
import { ProceduralImageGenerator } from '../adapters/offline/procedural-image-generator.js';
import { EspeakSpeechSynthesizer } from '../adapters/offline/espeak-speech.js';
import { ENV, MissingConfiguration, numberEnv, optionalEnv, requireEnv } from './env.js';

/**
 * The composition root: the one place that reads configuration and picks adapters.
 * Everything is built lazily, once per process (a Lambda container or the local runtime).
 */

/** Providers each service can use. Choosing one that is not built yet is a clear error, never a fallback. */
export const PROVIDERS = {
  [ENV.LLM]: ['offline', 'groq'],
  [ENV.IMAGES]: ['offline', 'replicate'],
  [ENV.VOICE]: ['offline', 'elevenlabs'],
  [ENV.RENDER]: ['offline', 'lambda'],
} as const;

/** Reads a provider choice, rejecting unknown names and cloud providers this build cannot use yet. */
export function providerFor(variable: keyof typeof PROVIDERS): string {
  const choice = optionalEnv(variable, 'offline');
  const known: readonly string[] = PROVIDERS[variable];
  if (!known.includes(choice)) {
    throw new MissingConfiguration(`${variable}=${choice} is not a known provider; use one of: ${known.join(', ')}.`);
  }
  if (choice !== 'offline') {
    throw new MissingConfiguration(`${variable}=${choice}: the ${choice} adapter is not available in this build yet; use ${variable}=offline.`);
  }
  return choice;
}

function once<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
}

export const systemClock: Clock = { now: () => new Date() };

const dynamo = once(() => DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }));
const s3 = once(() => new S3Client({}));

export const jobStore = once<JobStore>(() => new DynamoJobStore({ doc: dynamo(), tableName: requireEnv(ENV.JOBS_TABLE) }));
export const blobStore = once<BlobStore>(() => new S3BlobStore({ client: s3(), bucket: requireEnv(ENV.ASSETS_BUCKET) }));

export const scriptWriter = once<ScriptWriter>(() => {
  providerFor(ENV.LLM);
  return new TemplateScriptWriter();
});

export const imageGenerator = once<ImageGenerator>(() => {
  providerFor(ENV.IMAGES);
  return new ProceduralImageGenerator();
});

export const speechSynthesizer = once<SpeechSynthesizer>(() => {
  providerFor(ENV.VOICE);
  return new EspeakSpeechSynthesizer();
});

export const videoRenderer = once<Promise<VideoRenderer>>(async () => {
  providerFor(ENV.RENDER);
  // Loaded on demand: the renderer pulls in Remotion, which only the render steps need.
  const { LocalRemotionRenderer } = await import('../adapters/offline/remotion-renderer.js');
  return new LocalRemotionRenderer({
    blobs: blobStore(),
    workDir: join(optionalEnv(ENV.DATA_DIR, join(tmpdir(), 'ai-shorts')), 'render'),
    browserExecutable: optionalEnv(ENV.CHROMIUM_PATH, '/usr/bin/chromium'),
  });
});

export const renderTimeoutSeconds = (): number => numberEnv(ENV.RENDER_TIMEOUT_SECONDS, 1800);
