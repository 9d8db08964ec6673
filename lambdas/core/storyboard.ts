/**
 * The storyboard edits of review before render (docs/api.md "Review before render"), as pure
 * functions over a {@link Script}: each returns the new script and how many regenerations the
 * edit counts (a changed narration, hook or image prompt, or a new picture, makes something again).
 */
import { InvalidInput } from './errors.js';
import { ScriptSchema, type Scene, type Script } from './model.js';

/** Changes to one scene; `durationHint: null` removes the hint. */
export interface SceneEdit {
  narration?: string;
  imagePrompt?: string;
  durationHint?: number | null;
}

/** A whole-storyboard edit: `scenes` is the new list; an entry with `from: n` is existing scene n (1-based). */
export interface StoryboardEdit {
  title?: string;
  hook?: string;
  scenes?: (SceneEdit & { from?: number })[];
}

/** An edited script and the regenerations the edit counts. */
export interface EditOutcome {
  script: Script;
  regenerations: number;
}

/** The largest seed a scene may carry (SceneSchema). */
export const MAX_SEED = 2147483647;

/** The scene at 1-based `n`, or InvalidInput naming `n`. */
function sceneAt(script: Script, n: number, field = 'n'): Scene {
  const scene = Number.isInteger(n) && n >= 1 ? script.scenes[n - 1] : undefined;
  if (!scene) throw new InvalidInput(`${field}: there is no scene ${n}; the storyboard has scenes 1 to ${script.scenes.length}`);
  return scene;
}

/** A scene with the edit applied; a changed image prompt drops the scene's seed and upload (its picture is drawn anew). */
function editedScene(scene: Scene, edit: SceneEdit): { scene: Scene; changed: boolean } {
  const narrationChanged = edit.narration !== undefined && edit.narration !== scene.narration;
  const promptChanged = edit.imagePrompt !== undefined && edit.imagePrompt !== scene.imagePrompt;
  const next: Scene = { ...scene };
  if (narrationChanged) next.narration = edit.narration!;
  if (promptChanged) {
    next.imagePrompt = edit.imagePrompt!;
    delete next.seed;
    delete next.imageKey;
  }
  if (edit.durationHint === null) delete next.durationHint;
  else if (edit.durationHint !== undefined) next.durationHint = edit.durationHint;
  return { scene: next, changed: narrationChanged || promptChanged };
}

/** The script checked again as a whole (scene count, lengths): a bad result is InvalidInput naming the field. */
function checked(script: Script): Script {
  const parsed = ScriptSchema.safeParse(script);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.length ? issue.path.join('.') : 'body';
  throw new InvalidInput(`${field}: ${issue.message}`);
}

/** PATCH scenes/{n}: narration, image prompt, duration hint. Counts 1 when the narration or the image prompt changes. */
export function applySceneEdit(script: Script, n: number, edit: SceneEdit): EditOutcome {
  const { scene, changed } = editedScene(sceneAt(script, n), edit);
  const scenes = script.scenes.map((s, i) => (i === n - 1 ? scene : s));
  return { script: checked({ ...script, scenes }), regenerations: changed ? 1 : 0 };
}

/**
 * PATCH storyboard: title, hook, and the scenes as a new list (reorder, delete, add). Counts 1 for
 * a changed hook and 1 per scene whose narration or image prompt changed or that is new; a reorder,
 * a delete, the title and duration hints count nothing. A scene may be named by `from` once.
 */
export function applyStoryboardEdit(script: Script, edit: StoryboardEdit): EditOutcome {
  let regenerations = 0;
  const next: Script = { ...script };
  if (edit.title !== undefined) next.title = edit.title;
  if (edit.hook !== undefined && edit.hook !== script.hook) {
    next.hook = edit.hook;
    regenerations += 1;
  }
  if (edit.scenes) {
    const used = new Set<number>();
    next.scenes = edit.scenes.map((entry, i) => {
      const { from, ...changes } = entry;
      if (from === undefined) {
        if (changes.narration === undefined || changes.imagePrompt === undefined) {
          throw new InvalidInput(`scenes.${i}: a new scene (without "from") needs narration and imagePrompt`);
        }
        regenerations += 1;
        return { narration: changes.narration, imagePrompt: changes.imagePrompt, ...(typeof changes.durationHint === 'number' ? { durationHint: changes.durationHint } : {}) };
      }
      if (used.has(from)) throw new InvalidInput(`scenes.${i}.from: scene ${from} is listed twice`);
      used.add(from);
      const { scene, changed } = editedScene(sceneAt(script, from, `scenes.${i}.from`), changes);
      if (changed) regenerations += 1;
      // A moved scene keeps the place its picture was drawn for, so the picture is reused.
      return i === from - 1 || scene.pictureIndex !== undefined ? scene : { ...scene, pictureIndex: from - 1 };
    });
  }
  return { script: checked(next), regenerations };
}

/** POST scenes/{n}/regenerate: a new seed (never the old one) and no upload. Counts 1. */
export function regenerateScene(script: Script, n: number, random: () => number = Math.random): EditOutcome {
  const scene = sceneAt(script, n);
  let seed = Math.floor(random() * (MAX_SEED + 1));
  if (seed === scene.seed) seed = (seed + 1) % (MAX_SEED + 1);
  const { imageKey: _dropped, ...kept } = scene;
  const scenes = script.scenes.map((s, i) => (i === n - 1 ? { ...kept, seed } : s));
  return { script: checked({ ...script, scenes }), regenerations: 1 };
}

/** POST scenes/{n}/image: the scene shows the user's checked upload. Counts 0 (nothing is drawn). */
export function setScenePicture(script: Script, n: number, imageKey: string): EditOutcome {
  sceneAt(script, n);
  const scenes = script.scenes.map((s, i) => (i === n - 1 ? { ...s, imageKey } : s));
  return { script: checked({ ...script, scenes }), regenerations: 0 };
}

/**
 * The credits an edit costs: regenerations past the `included` ones cost `price` each. `used` is
 * the count before the edit, `added` the edit's own.
 */
export function regenerationCharge(used: number, added: number, included: number, price: number): number {
  const paid = Math.max(0, used + added - Math.max(included, used));
  return paid * price;
}
