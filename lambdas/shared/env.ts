/**
 * Environment variable names, shared by the CDK stack (which sets them) and the handlers
 * (which read them). Read through {@link requireEnv} so a missing one names itself.
 */
export const ENV = {
  JOBS_TABLE: 'JOBS_TABLE',
  ASSETS_BUCKET: 'ASSETS_BUCKET',
  /** Where the local runtime keeps its data (emulators' files, render cache). */
  DATA_DIR: 'SHORTS_DATA_DIR',
  LLM: 'SHORTS_LLM',
  IMAGES: 'SHORTS_IMAGES',
  VOICE: 'SHORTS_VOICE',
  RENDER: 'SHORTS_RENDER',
  /** Seconds a render may take before the job fails. */
  RENDER_TIMEOUT_SECONDS: 'RENDER_TIMEOUT_SECONDS',
  /** Path to the Chromium the local renderer drives. */
  CHROMIUM_PATH: 'SHORTS_CHROMIUM',
} as const;

export class MissingConfiguration extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingConfiguration';
  }
}

/** Returns the variable's value or throws naming it. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new MissingConfiguration(`Environment variable ${name} is not set.`);
  }
  return value;
}

export function optionalEnv(name: string, fallback: string): string {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value;
}

export function numberEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new MissingConfiguration(`Environment variable ${name} must be a number, got "${raw}".`);
  return value;
}
