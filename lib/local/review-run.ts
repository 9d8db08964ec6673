/**
 * The CLI's review commands (docs/api.md "Review before render"): `shorts edit`, `shorts
 * regenerate` and `shorts render` work through the HTTP API's own routes, so an edit is checked,
 * priced and applied exactly as the dashboard's is, locally or against a deployment.
 */
import { randomUUID } from 'node:crypto';
import { createShortsClient, unwrap, type Schemas, type ShortsClient } from '../../lambdas/api/client/shorts-client.js';
import { downloadTo, type ApiSession } from './api-session.js';

type VideoDetail = Schemas['VideoDetail'];
/** A video's detail, as the review commands print it. */
export type StoryboardDetail = VideoDetail;

/** What a storyboard listing needs: the API's VideoDetail, or a job read from the local store. */
export interface StoryboardListing {
  id: string;
  title?: string;
  hook: string;
  scenes: { narration: string; imagePrompt: string; durationHint?: number; picture?: 'generated' | 'uploaded' }[];
  regenerations?: { used: number; included: number; credits: number };
}

/** The storyboard as lines a person reads in a terminal, and the commands that act on it. */
export function storyboardLines(board: StoryboardListing): string[] {
  const wrap = (label: string, text: string) => `  ${label.padEnd(10)}${text}`;
  const lines = [`Video ${board.id} is ready to review${board.title ? `: "${board.title}"` : ''}`, wrap('hook', board.hook)];
  board.scenes.forEach((scene, i) => {
    lines.push(wrap(`scene ${i + 1}`, scene.narration));
    lines.push(wrap('', `picture: ${scene.picture === 'uploaded' ? 'your upload' : scene.imagePrompt}`));
    if (scene.durationHint !== undefined) lines.push(wrap('', `lasts at least ${scene.durationHint} s`));
  });
  if (board.regenerations) {
    const { used, included, credits } = board.regenerations;
    lines.push(`  ${Math.min(used, included)} of ${included} free changes used; each one after costs ${credits} credit${credits === 1 ? '' : 's'}.`);
  }
  lines.push(
    '',
    `Change a scene:   npx shorts edit ${board.id} --scene 2 --narration "…"`,
    `New picture:      npx shorts regenerate ${board.id} --scene 3`,
    `Render it:        npx shorts render ${board.id} --out video.mp4`,
  );
  return lines;
}

/** The listing of an API answer (a video in review has a storyboard). */
export function listingOf(detail: VideoDetail): StoryboardListing {
  const board = detail.storyboard;
  if (!board) throw new Error(`Video ${detail.id} has no storyboard yet (it is ${detail.status.toLowerCase()}).`);
  return {
    id: detail.id,
    title: board.title,
    hook: board.hook,
    scenes: board.scenes.map((s) => ({
      narration: s.narration,
      imagePrompt: s.imagePrompt,
      ...(s.durationHint !== undefined ? { durationHint: s.durationHint } : {}),
      picture: s.picture,
    })),
    ...(detail.review
      ? { regenerations: { used: detail.review.regenerationsUsed, included: detail.review.regenerationsIncluded, credits: detail.review.regenerationCredits } }
      : {}),
  };
}

/** A change asked for on the command line. */
export interface EditChange {
  scene?: number;
  narration?: string;
  imagePrompt?: string;
  durationHint?: number;
  title?: string;
  hook?: string;
}

export class ReviewRun {
  readonly client: ShortsClient;

  constructor(
    session: Pick<ApiSession, 'url' | 'token'>,
    private readonly report: (line: string) => void,
    private readonly pollMs = 1000,
  ) {
    this.client = createShortsClient({ baseUrl: session.url, token: session.token });
  }

  get(id: string): Promise<VideoDetail> {
    return unwrap(this.client.GET('/api/videos/{id}', { params: { path: { id } } }));
  }

  /**
   * Applies an edit in one request: a scene's fields alone through PATCH …/scenes/{n}; a title or
   * hook (with or without a scene's) through PATCH …/storyboard, so it is one revision either way.
   */
  async edit(id: string, change: EditChange): Promise<VideoDetail> {
    const sceneFields = {
      ...(change.narration !== undefined ? { narration: change.narration } : {}),
      ...(change.imagePrompt !== undefined ? { imagePrompt: change.imagePrompt } : {}),
      ...(change.durationHint !== undefined ? { durationHint: change.durationHint } : {}),
    };
    const headers = { 'Idempotency-Key': randomUUID() };
    if (change.title === undefined && change.hook === undefined) {
      if (change.scene === undefined) throw new Error('Say what to change: --scene with --narration, --image-prompt or --duration-hint, or --title or --hook.');
      await unwrap(this.client.PATCH('/api/videos/{id}/scenes/{n}', { params: { path: { id, n: String(change.scene) } }, body: sceneFields, headers }));
    } else {
      const current = await this.get(id);
      const count = current.storyboard?.scenes.length ?? 0;
      await unwrap(
        this.client.PATCH('/api/videos/{id}/storyboard', {
          params: { path: { id } },
          body: {
            ...(change.title !== undefined ? { title: change.title } : {}),
            ...(change.hook !== undefined ? { hook: change.hook } : {}),
            ...(change.scene !== undefined
              ? { scenes: Array.from({ length: count }, (_, i) => ({ from: i + 1, ...(i + 1 === change.scene ? sceneFields : {}) })) }
              : {}),
          },
          headers,
        }),
      );
    }
    return this.untilSettled(id, 'REVIEW');
  }

  async regenerate(id: string, scene: number): Promise<VideoDetail> {
    await unwrap(
      this.client.POST('/api/videos/{id}/scenes/{n}/regenerate', { params: { path: { id, n: String(scene) } }, headers: { 'Idempotency-Key': randomUUID() } }),
    );
    return this.untilSettled(id, 'REVIEW');
  }

  /** Starts the render, follows it, and writes the MP4 to `file`. */
  async render(id: string, file: string): Promise<{ detail: VideoDetail; bytes: number }> {
    await unwrap(this.client.POST('/api/videos/{id}/render', { params: { path: { id } }, headers: { 'Idempotency-Key': randomUUID() } }));
    const detail = await this.untilSettled(id, 'SUCCEEDED');
    if (!detail.videoUrl) throw new Error(`Video ${id} has finished but has no file.`);
    const bytes = await downloadTo(detail.videoUrl, file, `video ${id}`);
    return { detail, bytes };
  }

  /** Follows the video until it is `wanted`; any other end (failed, expired, deleted) is an error that says why. */
  private async untilSettled(id: string, wanted: 'REVIEW' | 'SUCCEEDED'): Promise<VideoDetail> {
    let seen = '';
    for (;;) {
      const detail = await this.get(id);
      const now = `${detail.status}${detail.currentStep ? ` (${detail.currentStep})` : ''}`;
      if (now !== seen) {
        seen = now;
        this.report(`  ${detail.status.toLowerCase()}${detail.currentStep ? `: ${detail.currentStep}` : ''}`);
      }
      if (detail.status === wanted) return detail;
      if (detail.status === 'FAILED') throw new Error(`The video failed: ${detail.error?.message ?? 'no reason given'}`);
      if (detail.status === 'EXPIRED') throw new Error('The video expired in review; make it again.');
      if (detail.status === 'SUCCEEDED' || (detail.status === 'REVIEW' && wanted === 'SUCCEEDED')) {
        throw new Error(`The video is ${detail.status.toLowerCase()}, not ${wanted.toLowerCase()}.`);
      }
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
  }
}
