import { z } from 'zod';
import { stripInvisible } from '../speech-text.js';
import { ScriptInvalid } from '../errors.js';
import { ScriptSchema, type Script } from '../model.js';
import type { JobStore, ScriptWriter } from '../ports.js';
import type { Draft, GenerateScriptEvent, ParseScriptEvent } from './events.js';

/** Generate Script: the writer drafts; its spend goes on the job. */
export async function generateScript(
  event: GenerateScriptEvent,
  deps: { writer: ScriptWriter; jobs: JobStore },
): Promise<Draft> {
  // A retried job keeps the script its earlier attempt checked: not paid for again, and the
  // same script maps to the same content-addressed images and voice, which are reused too.
  const kept = (await deps.jobs.get(event.jobId))?.script;
  if (kept) return { raw: JSON.stringify(kept), kept: true };
  const { raw, spend, notes } = await deps.writer.write(event.request);
  await deps.jobs.addSpend(event.jobId, 'script', spend);
  if (notes && notes.length > 0) await deps.jobs.update(event.jobId, { notes });
  return { raw };
}

/** Explains a zod failure in one line a person can act on, e.g. `scenes.2.narration: scene narration is empty`. */
export function explainIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Every string in a parsed answer without invisible and control characters (they would become spoken or drawn "words"). */
function withoutInvisible(value: unknown): unknown {
  if (typeof value === 'string') return stripInvisible(value);
  if (Array.isArray(value)) return value.map(withoutInvisible);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutInvisible(v)]));
  return value;
}

/** Parses and validates a draft; throws a named permanent error that quotes what is wrong. */
export function validateScript(raw: string): Script {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new ScriptInvalid(`The script is not valid JSON (${(error as Error).message}).`);
  }
  const parsed = ScriptSchema.safeParse(withoutInvisible(json));
  if (!parsed.success) throw new ScriptInvalid(`The script is incomplete: ${explainIssues(parsed.error)}.`);
  return parsed.data;
}

/**
 * A scene's fields only the user's edits may set: a seed, an uploaded picture, a moved scene's
 * picture place, a duration hint.
 * A model's draft never carries them (a model must never point a scene at a file).
 */
function withoutEdits(script: Script): Script {
  return { ...script, scenes: script.scenes.map(({ seed: _seed, imageKey: _imageKey, pictureIndex: _place, durationHint: _hint, ...scene }) => scene) };
}

/**
 * Parse Script: nothing invalid passes; the job learns its title and scene count. The script a
 * job kept (its earlier attempt's, or the user's edited storyboard) keeps its edit fields.
 */
export async function parseScript(event: ParseScriptEvent, deps: { jobs: JobStore }): Promise<Script> {
  const parsed = validateScript(event.draft.raw);
  const script = event.draft.kept === true ? parsed : withoutEdits(parsed);
  await deps.jobs.update(event.jobId, { title: script.title, sceneCount: script.scenes.length, script });
  await deps.jobs.updateStep(event.jobId, 'images', { total: script.scenes.length });
  return script;
}
