/**
 * Review before render (docs/api.md "Review"): the storyboard of a video in REVIEW as the page
 * edits it, and the calls that change it. The editor keeps a draft; applying it sends the smallest
 * request that says the change: one scene's fields → PATCH /api/videos/{id}/scenes/{n}; a reorder,
 * a delete, a new scene, the title or the hook → PATCH /api/videos/{id}/storyboard with the whole
 * list (`from` names the scene an entry was, so it keeps its picture).
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { unwrap, type Schemas } from '../../../lambdas/api/client/shorts-client.js';
import { ApiError, toVideo, type Api } from './client.js';
import { keys, useApi } from './hooks.js';
import type { Video } from './types.js';

/** GET /api/videos/{id}'s `storyboard`: the script the next run (preview or render) is made from. */
export type StoryboardView = Schemas['Storyboard'];
export type StoryboardSceneView = StoryboardView['scenes'][number];
/** GET /api/videos/{id}'s `review`: when the review ends and what a change costs. */
export type ReviewView = Schemas['Review'];
/** GET /api/videos/{id}'s `versions`: earlier renders kept after a reopen. */
export type VersionView = Schemas['VideoVersion'];

export const MIN_SCENES = 3;
export const MAX_SCENES = 10;
/** What POST /scenes/{n}/upload accepts (the server checks again, from the bytes). */
export const UPLOAD_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** One scene card in the editor: `from` is the scene's number on the server (absent: added here). */
export interface SceneDraft {
  /** React's key: stays with the scene while it moves. */
  key: string;
  from?: number;
  narration: string;
  imagePrompt: string;
  /** Seconds; null = no hint. */
  durationHint: number | null;
}

export interface StoryboardDraft {
  title: string;
  hook: string;
  scenes: SceneDraft[];
}

export type SceneEdit = Partial<Pick<SceneDraft, 'narration' | 'imagePrompt' | 'durationHint'>>;

/** The body of PATCH /api/videos/{id}/scenes/{n}. */
export type ScenePatch = Schemas['PatchSceneRequest'];
/** The body of PATCH /api/videos/{id}/storyboard. */
export type StoryboardPatch = Schemas['PatchStoryboardRequest'];

export type PendingChange = { kind: 'scene'; number: number; body: ScenePatch } | { kind: 'storyboard'; body: StoryboardPatch };

let nextKey = 1;

export function draftFrom(storyboard: StoryboardView): StoryboardDraft {
  return {
    title: storyboard.title,
    hook: storyboard.hook,
    scenes: storyboard.scenes.map((scene) => ({
      key: `scene-${scene.number}`,
      from: scene.number,
      narration: scene.narration,
      imagePrompt: scene.imagePrompt,
      durationHint: scene.durationHint ?? null,
    })),
  };
}

export function updateScene(draft: StoryboardDraft, index: number, edit: SceneEdit): StoryboardDraft {
  return { ...draft, scenes: draft.scenes.map((scene, i) => (i === index ? { ...scene, ...edit } : scene)) };
}

/** Moves the scene at `index` one place up (-1) or down (+1); at either end nothing moves. */
export function moveScene(draft: StoryboardDraft, index: number, by: -1 | 1): StoryboardDraft {
  return moveSceneTo(draft, index, index + by);
}

/** Moves the scene at `from` to the place `to` (drag and drop). */
export function moveSceneTo(draft: StoryboardDraft, from: number, to: number): StoryboardDraft {
  if (from === to || from < 0 || to < 0 || from >= draft.scenes.length || to >= draft.scenes.length) return draft;
  const scenes = [...draft.scenes];
  const [moved] = scenes.splice(from, 1);
  scenes.splice(to, 0, moved!);
  return { ...draft, scenes };
}

export function removeScene(draft: StoryboardDraft, index: number): StoryboardDraft {
  return { ...draft, scenes: draft.scenes.filter((_, i) => i !== index) };
}

export function addScene(draft: StoryboardDraft): StoryboardDraft {
  return { ...draft, scenes: [...draft.scenes, { key: `new-${nextKey++}`, narration: '', imagePrompt: '', durationHint: null }] };
}

const same = (a: string, b: string) => a.trim() === b.trim();

/** The fields of `scene` that differ from the server's scene `original`, trimmed as the server stores them. */
function sceneChanges(scene: SceneDraft, original: StoryboardSceneView | undefined): ScenePatch {
  if (!original) {
    return { narration: scene.narration.trim(), imagePrompt: scene.imagePrompt.trim(), ...(scene.durationHint !== null ? { durationHint: scene.durationHint } : {}) };
  }
  const patch: ScenePatch = {};
  if (!same(scene.narration, original.narration)) patch.narration = scene.narration.trim();
  if (!same(scene.imagePrompt, original.imagePrompt)) patch.imagePrompt = scene.imagePrompt.trim();
  if (scene.durationHint !== (original.durationHint ?? null)) patch.durationHint = scene.durationHint;
  return patch;
}

const originalOf = (storyboard: StoryboardView, scene: SceneDraft) => (scene.from === undefined ? undefined : storyboard.scenes.find((s) => s.number === scene.from));

/** The request that turns `storyboard` into `draft`, or undefined when they say the same. */
export function pendingChange(storyboard: StoryboardView, draft: StoryboardDraft): PendingChange | undefined {
  const top: StoryboardPatch = {};
  if (!same(draft.title, storyboard.title)) top.title = draft.title.trim();
  if (!same(draft.hook, storyboard.hook)) top.hook = draft.hook.trim();
  const inPlace = draft.scenes.length === storyboard.scenes.length && draft.scenes.every((scene, i) => scene.from === storyboard.scenes[i]!.number);
  const changes = draft.scenes.map((scene) => sceneChanges(scene, originalOf(storyboard, scene)));
  const changed = changes.flatMap((patch, i) => (Object.keys(patch).length > 0 ? [i] : []));
  if (inPlace && Object.keys(top).length === 0) {
    if (changed.length === 0) return undefined;
    if (changed.length === 1) return { kind: 'scene', number: draft.scenes[changed[0]!]!.from!, body: changes[changed[0]!]! };
  }
  if (!inPlace || changed.length > 0) {
    top.scenes = draft.scenes.map((scene, i) => (scene.from === undefined ? changes[i]! : { from: scene.from, ...changes[i]! }));
  }
  return { kind: 'storyboard', body: top };
}

/**
 * How many regenerations applying `draft` counts (the server decides and debits; this is the
 * page's estimate): 1 per changed narration or image prompt, per new scene and for the hook.
 */
export function regenerationsIn(storyboard: StoryboardView, draft: StoryboardDraft): number {
  let count = same(draft.hook, storyboard.hook) ? 0 : 1;
  for (const scene of draft.scenes) {
    const original = originalOf(storyboard, scene);
    if (!original || !same(scene.narration, original.narration) || !same(scene.imagePrompt, original.imagePrompt)) count += 1;
  }
  return count;
}

/** Credits `count` more regenerations cost after the ones already used. */
export function regenerationCost(review: ReviewView, count: number): number {
  const free = Math.max(0, review.regenerationsIncluded - review.regenerationsUsed);
  return Math.max(0, count - free) * review.regenerationCredits;
}

/** "2 of 3 free changes used; more cost 1 credit each". */
export function regenerationsLabel(review: ReviewView): string {
  const included = review.regenerationsIncluded;
  const free = Math.min(review.regenerationsUsed, included);
  const paid = review.regenerationsUsed - free;
  const each = review.regenerationCredits === 1 ? '1 credit' : `${review.regenerationCredits} credits`;
  return `${free} of ${included} free changes used${paid > 0 ? ` (and ${paid} paid)` : ''}; more cost ${each} each`;
}

/** Why the draft cannot be applied as it is, or undefined. */
export function draftProblem(draft: StoryboardDraft): string | undefined {
  if (draft.scenes.length < MIN_SCENES) return `A video needs at least ${MIN_SCENES} scenes.`;
  if (draft.scenes.length > MAX_SCENES) return `A video has at most ${MAX_SCENES} scenes.`;
  if (!draft.title.trim()) return 'The title is empty.';
  if (!draft.hook.trim()) return 'The hook is empty.';
  const empty = draft.scenes.findIndex((s) => !s.narration.trim() || !s.imagePrompt.trim());
  if (empty >= 0) return `Scene ${empty + 1} needs both a narration and a picture description.`;
  return undefined;
}

/** Why a file cannot be a scene's picture (checked again by the server from its bytes), or undefined. */
export function uploadProblem(file: { type: string; size: number }): string | undefined {
  if (!(UPLOAD_TYPES as readonly string[]).includes(file.type)) return 'Choose a PNG, JPEG or WebP picture.';
  if (file.size < 1) return 'That file is empty.';
  if (file.size > MAX_UPLOAD_BYTES) return 'Choose a picture of at most 10 MB.';
  return undefined;
}

const idOf = (id: string) => ({ path: { id } });
const sceneOf = (id: string, n: number) => ({ path: { id, n: String(n) } });
const withKey = (idempotencyKey: string) => ({ header: { 'Idempotency-Key': idempotencyKey } });

/** The review calls, through the typed client; each answers the video as it is now. */
export const storyboardApi = {
  async apply(api: Api, id: string, change: PendingChange, idempotencyKey: string): Promise<Video> {
    const answer =
      change.kind === 'scene'
        ? await unwrap(api.client.PATCH('/api/videos/{id}/scenes/{n}', { params: { ...sceneOf(id, change.number), ...withKey(idempotencyKey) }, body: change.body }))
        : await unwrap(api.client.PATCH('/api/videos/{id}/storyboard', { params: { ...idOf(id), ...withKey(idempotencyKey) }, body: change.body }));
    return toVideo(answer);
  },
  async regenerate(api: Api, id: string, n: number, idempotencyKey: string): Promise<Video> {
    return toVideo(await unwrap(api.client.POST('/api/videos/{id}/scenes/{n}/regenerate', { params: { ...sceneOf(id, n), ...withKey(idempotencyKey) } })));
  },
  /** Upload: ask for a presigned PUT, send the file's bytes, then make it the scene's picture. */
  async upload(api: Api, id: string, n: number, file: File, idempotencyKey: string): Promise<Video> {
    const contentType = file.type as (typeof UPLOAD_TYPES)[number];
    const slot = await unwrap(api.client.POST('/api/videos/{id}/scenes/{n}/upload', { params: sceneOf(id, n), body: { contentType, size: file.size } }));
    let put: Response;
    try {
      put = await fetch(slot.url, { method: slot.method, headers: slot.headers, body: file });
    } catch {
      throw new ApiError(0, 'The picture could not be sent. Check your connection and try again.');
    }
    if (!put.ok) throw new ApiError(put.status, `The picture could not be stored (HTTP ${put.status}). Try again.`);
    return toVideo(
      await unwrap(api.client.POST('/api/videos/{id}/scenes/{n}/image', { params: { ...sceneOf(id, n), ...withKey(idempotencyKey) }, body: { uploadId: slot.uploadId } })),
    );
  },
  async render(api: Api, id: string, idempotencyKey: string): Promise<Video> {
    return toVideo(await unwrap(api.client.POST('/api/videos/{id}/render', { params: { ...idOf(id), ...withKey(idempotencyKey) } })));
  },
  async reopen(api: Api, id: string): Promise<Video> {
    return toVideo(await unwrap(api.client.POST('/api/videos/{id}/reopen', { params: idOf(id) })));
  },
};

/**
 * The answer to a change carries no presigned URLs (docs/api.md: GET the video for those): until
 * the page reads the video again it keeps showing the preview and thumbnail it has.
 */
export function keptUrls(answer: Video, before: Video | undefined): Video {
  if (!before) return answer;
  return {
    ...answer,
    ...(answer.preview || !before.preview ? {} : { preview: before.preview }),
    ...(answer.thumbnailUrl || !before.thumbnailUrl ? {} : { thumbnailUrl: before.thumbnailUrl }),
  };
}

/**
 * A review call on the video `id`: its answer (the video, now QUEUED or REVIEW) replaces the
 * cached one at once, so the page turns read-only and starts polling without waiting for a poll;
 * then the video is read again for its URLs (a video back in REVIEW is not polled).
 */
export function useReviewAction<T>(id: string, call: (api: Api, input: T) => Promise<Video>) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: T) => call(api, input),
    onSuccess: (video) => {
      client.setQueryData(keys.video(id), keptUrls(video, client.getQueryData<Video>(keys.video(id))));
      void client.invalidateQueries({ queryKey: keys.video(id) });
    },
    onSettled: () => {
      void client.invalidateQueries({ queryKey: keys.credits });
      void client.invalidateQueries({ queryKey: keys.videos });
    },
  });
}
