/**
 * What each pipeline step touches, so its function gets exactly those grants and env vars.
 * Keyed by `StepFunctionSpec.id` (lambdas/steps/registry.ts); read the step's handler and
 * the core logic it calls before widening an entry.
 */
import { ENV } from '../../lambdas/shared/env.js';
import type { SecretKey } from '../../lambdas/shared/secret-keys.js';
import { STEP_FUNCTIONS } from '../../lambdas/steps/registry.js';
import { ASSET_PREFIX, VIDEO_PREFIX } from './assets.js';
import type { ProviderVariable } from './config.js';
import type { StoreOperation } from '../../lambdas/adapters/aws/store-operations.js';

export interface StepAccess {
  /** The store operations it uses (every step reads its job and records its progress on it). */
  store: readonly StoreOperation[];
  /** The assets bucket: its name in the env, plus object access by key prefix. */
  assets?: { read: readonly string[]; write: readonly string[] };
  /** The provider variable the step's adapter is chosen by. */
  provider?: ProviderVariable;
  /** The keys it reads, each from its own secret (the vendor's API key). */
  secrets?: readonly SecretKey[];
  /** Tells the webhooks queue that the job ended (sqs:SendMessage on it, WEBHOOK_QUEUE_URL). */
  webhookEvents?: boolean;
  /** Reads REVIEW_TTL_HOURS (how long a video waits in review). */
  reviewTtl?: boolean;
  /** Drives Remotion Lambda: `start` may upload large input props, `check` only reads progress. */
  render?: 'start' | 'check';
}

/** Scene pictures users uploaded, under each job's folder: `videos/{jobId}/uploads/…`. */
const UPLOADS_PREFIX = `${VIDEO_PREFIX}*/uploads/`;

/** Music tracks users uploaded (POST /api/music/uploads): `uploads/music/{userId}/{trackId}`. */
const MUSIC_UPLOADS_PREFIX = 'uploads/music/';

/** What stepHandler does with the job: read it, record the step's progress. */
const JOBS = ['jobs.get', 'jobs.update'] as const satisfies readonly StoreOperation[];

export const STEP_ACCESS: Readonly<Record<string, StepAccess>> = {
  // The LLM writes a draft; nothing is stored but the job's progress.
  GenerateScript: { store: JOBS, provider: ENV.LLM, secrets: [ENV.GROQ_API_KEY] },
  ParseScript: { store: JOBS },
  // Content-addressed: look for the asset first (read), store it if missing (write).
  // A scene may use a picture the user uploaded to videos/{jobId}/uploads/ (read only, never drawn over).
  GenerateImage: { store: JOBS, assets: { read: [ASSET_PREFIX, UPLOADS_PREFIX], write: [ASSET_PREFIX] }, provider: ENV.IMAGES, secrets: [ENV.REPLICATE_API_TOKEN] },
  GenerateVoice: { store: JOBS, assets: { read: [ASSET_PREFIX], write: [ASSET_PREFIX] }, provider: ENV.VOICE, secrets: [ENV.ELEVENLABS_API_KEY] },
  // Content-addressed beds under assets/music/; a user's uploaded track is read from uploads/music/{userId}/ (never written).
  GenerateMusic: { store: JOBS, assets: { read: [ASSET_PREFIX, MUSIC_UPLOADS_PREFIX], write: [ASSET_PREFIX] }, provider: ENV.MUSIC, secrets: [ENV.ELEVENLABS_API_KEY] },
  BuildCaptions: { store: JOBS },
  ComputeDuration: { store: JOBS },
  // Presigns GET URLs for the images and the voice-over (the signer needs s3:GetObject) and keeps
  // the preview plan beside the video (videos/{jobId}/preview.json, read by GET /api/videos/{id}).
  // A scene's picture may be the user's upload (videos/{jobId}/uploads/), presigned like the rest.
  // brand/: the logo of a video ordered with its brand kit (presigned for the renderer).
  StartRender: { store: JOBS, assets: { read: [ASSET_PREFIX, UPLOADS_PREFIX, 'brand/'], write: [VIDEO_PREFIX] }, provider: ENV.RENDER, render: 'start' },
  // Writes the same preview plan as Start Render (no presigning: it only names the asset keys) and moves the job to REVIEW (a conditional update).
  HoldForReview: { store: ['jobs.update'], assets: { read: [], write: [VIDEO_PREFIX] }, reviewTtl: true },
  // Asks the render function for its progress (Remotion Lambda reads its own progress files). The
  // renderer is built with the assets bucket's name (where the MP4 goes), but reads nothing there.
  CheckRender: { store: JOBS, assets: { read: [], write: [] }, provider: ENV.RENDER, render: 'check' },
  // Checks the rendered MP4 exists.
  FinalizeJob: { store: JOBS, assets: { read: [VIDEO_PREFIX], write: [] }, webhookEvents: true },
  // Marks the job failed and refunds its credits once (one transaction on jobs, accounts, ledger).
  FailJob: { store: [...JOBS, 'credits.refund'], webhookEvents: true },
};

/** The access entry of a step; a step without one is a synth error, never a silent default. */
export function stepAccess(id: string): StepAccess {
  const access = STEP_ACCESS[id];
  if (!access) throw new Error(`lib/cloud/step-access.ts has no entry for step function ${id}; say what it touches there.`);
  return access;
}

/** Entries that name no step function (a renamed or removed step). */
export function unusedStepAccess(): string[] {
  const ids = new Set(STEP_FUNCTIONS.map((fn) => fn.id));
  return Object.keys(STEP_ACCESS).filter((id) => !ids.has(id));
}
