/**
 * The storyboard editor's draft (frontend/src/api/storyboard.ts): what the SPA sends when the user
 * applies changes. One scene's fields changed → PATCH scenes/{n}; a reorder, a delete, an added
 * scene, the title or the hook → PATCH storyboard with the whole list (`from` keeps each scene's
 * picture); nothing changed → nothing sent. The counter and the cost the page shows follow the
 * design's rule (1 per changed narration / image prompt / hook / new scene; reorder, delete,
 * title and durationHint are free).
 */
import { describe, expect, it } from 'vitest';
import type { Video } from '../../frontend/src/api/types.js';
import {
  addScene,
  draftFrom,
  keptUrls,
  moveScene,
  pendingChange,
  regenerationsIn,
  regenerationsLabel,
  removeScene,
  updateScene,
  type StoryboardView,
} from '../../frontend/src/api/storyboard.js';

const storyboard: StoryboardView = {
  revision: 2,
  title: 'Three hearts',
  hook: 'Octopuses have three hearts.',
  scenes: [
    { number: 1, narration: 'Two hearts pump blood to the gills.', imagePrompt: 'An octopus near coral', picture: 'generated' },
    { number: 2, narration: 'The third sends it around the body.', imagePrompt: 'Open blue water', picture: 'uploaded', durationHint: 4 },
    { number: 3, narration: 'And their blood is blue.', imagePrompt: 'Blue octopus skin', picture: 'generated' },
  ],
};

describe('storyboard draft', () => {
  it('sends nothing when nothing changed', () => {
    expect(pendingChange(storyboard, draftFrom(storyboard))).toBeUndefined();
  });

  it('sends PATCH scenes/{n} with only the changed fields when one scene changed', () => {
    const draft = updateScene(draftFrom(storyboard), 0, { narration: 'Zebras juggle violet pineapples.' });
    expect(pendingChange(storyboard, draft)).toEqual({ kind: 'scene', number: 1, body: { narration: 'Zebras juggle violet pineapples.' } });
    expect(regenerationsIn(storyboard, draft)).toBe(1);
  });

  it('clears a duration hint with null, for free', () => {
    const draft = updateScene(draftFrom(storyboard), 1, { durationHint: null });
    expect(pendingChange(storyboard, draft)).toEqual({ kind: 'scene', number: 2, body: { durationHint: null } });
    expect(regenerationsIn(storyboard, draft)).toBe(0);
  });

  it('ignores whitespace-only differences', () => {
    const draft = updateScene(draftFrom(storyboard), 0, { narration: '  Two hearts pump blood to the gills. ' });
    expect(pendingChange(storyboard, draft)).toBeUndefined();
  });

  it('sends the whole list with `from` for a reorder, for free', () => {
    const draft = moveScene(draftFrom(storyboard), 2, -1);
    expect(draft.scenes.map((s) => s.from)).toEqual([1, 3, 2]);
    expect(pendingChange(storyboard, draft)).toEqual({ kind: 'storyboard', body: { scenes: [{ from: 1 }, { from: 3 }, { from: 2 }] } });
    expect(regenerationsIn(storyboard, draft)).toBe(0);
  });

  it('does not move past either end', () => {
    expect(moveScene(draftFrom(storyboard), 0, -1).scenes.map((s) => s.from)).toEqual([1, 2, 3]);
    expect(moveScene(draftFrom(storyboard), 2, 1).scenes.map((s) => s.from)).toEqual([1, 2, 3]);
  });

  it('sends a delete, an added scene and an edit in one storyboard PATCH', () => {
    let draft = removeScene(draftFrom(storyboard), 1);
    draft = addScene(draft);
    draft = updateScene(draft, 2, { narration: 'Now you know.', imagePrompt: 'A smiling octopus' });
    draft = updateScene(draft, 0, { imagePrompt: 'An octopus in a cave' });
    expect(pendingChange(storyboard, draft)).toEqual({
      kind: 'storyboard',
      body: {
        scenes: [{ from: 1, imagePrompt: 'An octopus in a cave' }, { from: 3 }, { narration: 'Now you know.', imagePrompt: 'A smiling octopus' }],
      },
    });
    // The changed prompt and the new scene.
    expect(regenerationsIn(storyboard, draft)).toBe(2);
  });

  it('sends the title and hook alone when only they changed; the hook counts, the title does not', () => {
    const draft = { ...draftFrom(storyboard), title: 'Three hearts!', hook: 'Did you know?' };
    expect(pendingChange(storyboard, draft)).toEqual({ kind: 'storyboard', body: { title: 'Three hearts!', hook: 'Did you know?' } });
    expect(regenerationsIn(storyboard, draft)).toBe(1);
  });

  it('says what a change costs in the counter', () => {
    expect(regenerationsLabel({ expiresAt: '2030-01-01T00:00:00Z', regenerationsIncluded: 3, regenerationsUsed: 2, regenerationCredits: 1 })).toBe(
      '2 of 3 free changes used; more cost 1 credit each',
    );
    expect(regenerationsLabel({ expiresAt: '2030-01-01T00:00:00Z', regenerationsIncluded: 3, regenerationsUsed: 5, regenerationCredits: 2 })).toBe(
      '3 of 3 free changes used (and 2 paid); more cost 2 credits each',
    );
  });

  it('keeps the preview and thumbnail of the page while the answer to a change (it has no URLs) waits for the next read', () => {
    const before = { id: 'v', status: 'SUCCEEDED', preview: { title: 'p' }, thumbnailUrl: 'http://x/t.png' } as unknown as Video;
    const answer = { id: 'v', status: 'REVIEW', storyboard } as unknown as Video;
    expect(keptUrls(answer, before)).toMatchObject({ status: 'REVIEW', storyboard, preview: { title: 'p' }, thumbnailUrl: 'http://x/t.png' });
    const fresh = { ...answer, preview: { title: 'new' } } as unknown as Video;
    expect(keptUrls(fresh, before).preview).toEqual({ title: 'new' });
    expect(keptUrls(answer, undefined)).toBe(answer);
  });
});
