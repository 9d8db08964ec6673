/**
 * What each pipeline step touches, so its function gets exactly those grants and env vars.
 * Keyed by `StepFunctionSpec.id` (lambdas/steps/registry.ts); read the step's handler and
 * the core logic it calls before widening an entry.
 */
import { ENV } from '../../lambdas/shared/env.js';
import { STEP_FUNCTIONS } from '../../lambdas/steps/registry.js';
import { ASSET_PREFIX, VIDEO_PREFIX } from './assets.js';
import type { ProviderVariable } from './config.js';
import type { TableLogicalName } from './table-definitions.js';

export interface StepAccess {
  /** Tables whose items the step reads and writes (every step records its progress on the job). */
  tables: readonly TableLogicalName[];
  /** Tables whose names only are in the env, without a grant (DynamoCreditStore reads all four names). */
  tableNames?: readonly TableLogicalName[];
  /** The assets bucket: its name in the env, plus object access by key prefix. */
  assets?: { read: readonly string[]; write: readonly string[] };
  /** The provider variable the step's adapter is chosen by. */
  provider?: ProviderVariable;
  /** Calls a vendor, so it reads the provider secret. */
  vendorKeys?: boolean;
  /** Drives Remotion Lambda: `start` may upload large input props, `check` only reads progress. */
  render?: 'start' | 'check';
}

const JOBS = ['JobsTable'] as const satisfies readonly TableLogicalName[];

export const STEP_ACCESS: Readonly<Record<string, StepAccess>> = {
  // The LLM writes a draft; nothing is stored but the job's progress.
  GenerateScript: { tables: JOBS, provider: ENV.LLM, vendorKeys: true },
  ParseScript: { tables: JOBS },
  // Content-addressed: look for the asset first (read), store it if missing (write).
  GenerateImage: { tables: JOBS, assets: { read: [ASSET_PREFIX], write: [ASSET_PREFIX] }, provider: ENV.IMAGES, vendorKeys: true },
  GenerateVoice: { tables: JOBS, assets: { read: [ASSET_PREFIX], write: [ASSET_PREFIX] }, provider: ENV.VOICE, vendorKeys: true },
  BuildCaptions: { tables: JOBS },
  ComputeDuration: { tables: JOBS },
  // Presigns GET URLs for the images and the voice-over (the signer needs s3:GetObject) and keeps
  // the preview plan beside the video (videos/{jobId}/preview.json, read by GET /api/videos/{id}).
  StartRender: { tables: JOBS, assets: { read: [ASSET_PREFIX], write: [VIDEO_PREFIX] }, provider: ENV.RENDER, render: 'start' },
  // Remotion's progress check looks for the finished MP4 (outName in the assets bucket).
  CheckRender: { tables: JOBS, assets: { read: [VIDEO_PREFIX], write: [] }, provider: ENV.RENDER, render: 'check' },
  // Checks the rendered MP4 exists.
  FinalizeJob: { tables: JOBS, assets: { read: [VIDEO_PREFIX], write: [] } },
  // Marks the job failed and refunds its credits once (one transaction on jobs, accounts, ledger).
  FailJob: { tables: ['JobsTable', 'AccountsTable', 'LedgerTable'], tableNames: ['IdempotencyTable'] },
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
