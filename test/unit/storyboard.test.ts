/** The storyboard edits of review before render (lambdas/core/storyboard.ts), without a server. */
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../lambdas/core/errors.js';
import type { Script } from '../../lambdas/core/model.js';
import { applySceneEdit, applyStoryboardEdit, regenerateScene, regenerationCharge, setScenePicture } from '../../lambdas/core/storyboard.js';

const SCRIPT: Script = {
  title: 'Salt',
  hook: 'Why is the sea salty?',
  style: 'watercolour',
  scenes: [
    { narration: 'Rivers carry minerals.', imagePrompt: 'a river', seed: 7 },
    { narration: 'The sun takes the water.', imagePrompt: 'the sun', imageKey: 'videos/j/uploads/u.png' },
    { narration: 'The salt stays behind.', imagePrompt: 'salt flats', durationHint: 4 },
  ],
};

describe('storyboard edits', () => {
  it('edits one scene: a new narration counts 1 and keeps the picture', () => {
    // Act
    const { script, regenerations } = applySceneEdit(SCRIPT, 1, { narration: 'Rivers carry salt.' });

    // Assess
    expect(regenerations).toBe(1);
    expect(script.scenes[0]).toEqual({ narration: 'Rivers carry salt.', imagePrompt: 'a river', seed: 7 });
    expect(script.scenes.slice(1)).toEqual(SCRIPT.scenes.slice(1));
  });

  it('a new image prompt drops the seed and the upload; a duration hint alone counts 0, null removes it', () => {
    expect(applySceneEdit(SCRIPT, 2, { imagePrompt: 'a hot sun' }).script.scenes[1]).toEqual({ narration: 'The sun takes the water.', imagePrompt: 'a hot sun' });
    const hinted = applySceneEdit(SCRIPT, 2, { durationHint: 6 });
    expect(hinted.regenerations).toBe(0);
    expect(hinted.script.scenes[1]).toMatchObject({ durationHint: 6, imageKey: 'videos/j/uploads/u.png' });
    expect(applySceneEdit(SCRIPT, 3, { durationHint: null }).script.scenes[2]).not.toHaveProperty('durationHint');
    // The same text again changes nothing.
    expect(applySceneEdit(SCRIPT, 1, { narration: 'Rivers carry minerals.' }).regenerations).toBe(0);
  });

  it('refuses a scene that does not exist, naming n', () => {
    for (const n of [0, 4, 1.5, -1]) {
      expect(() => applySceneEdit(SCRIPT, n, { narration: 'x' })).toThrow(InvalidInput);
      expect(() => applySceneEdit(SCRIPT, n, { narration: 'x' })).toThrow(/^n: /);
    }
  });

  it('reorders, deletes and adds scenes, counting only the new and changed ones and the hook', () => {
    // Act: scene 3 first, scene 1 kept with a new prompt, scene 2 deleted, one new scene
    const { script, regenerations } = applyStoryboardEdit(SCRIPT, {
      title: 'Sea salt',
      hook: 'Why salty?',
      scenes: [{ from: 3 }, { from: 1, imagePrompt: 'a big river' }, { narration: 'And so it stays.', imagePrompt: 'the sea' }],
    });

    // Assess
    expect(regenerations).toBe(3);
    expect(script.title).toBe('Sea salt');
    expect(script.scenes).toEqual([
      { ...SCRIPT.scenes[2], pictureIndex: 2 },
      { narration: 'Rivers carry minerals.', imagePrompt: 'a big river', pictureIndex: 0 },
      { narration: 'And so it stays.', imagePrompt: 'the sea' },
    ]);
    const swapped = applyStoryboardEdit(SCRIPT, { scenes: [{ from: 2 }, { from: 1 }, { from: 3 }], title: 'x' });
    expect(swapped.regenerations).toBe(0);
    // Moved scenes keep the place their pictures were drawn for; a scene that stays needs none.
    expect(swapped.script.scenes.map((s) => s.pictureIndex)).toEqual([1, 0, undefined]);
    const back = applyStoryboardEdit(swapped.script, { scenes: [{ from: 2 }, { from: 1 }, { from: 3 }] });
    expect(back.script.scenes.map((s) => s.pictureIndex)).toEqual([0, 1, undefined]);
  });

  it('refuses a storyboard of too few scenes, a scene listed twice, and a new scene without its texts', () => {
    expect(() => applyStoryboardEdit(SCRIPT, { scenes: [{ from: 1 }, { from: 2 }] })).toThrow(/^scenes: a script needs at least 3 scenes/);
    expect(() => applyStoryboardEdit(SCRIPT, { scenes: [{ from: 1 }, { from: 1 }, { from: 2 }] })).toThrow(/^scenes\.1\.from: /);
    expect(() => applyStoryboardEdit(SCRIPT, { scenes: [{ from: 1 }, { from: 2 }, { narration: 'x' }] })).toThrow(/^scenes\.2: /);
    expect(() => applyStoryboardEdit(SCRIPT, { scenes: [{ from: 1 }, { from: 2 }, { from: 9 }] })).toThrow(/^scenes\.2\.from: /);
  });

  it('regenerate sets a new seed, never the old one, and drops an upload; counts 1', () => {
    const again = regenerateScene(SCRIPT, 1, () => 7 / 2147483648);
    expect(again.regenerations).toBe(1);
    expect(again.script.scenes[0]!.seed).toBe(8);
    expect(regenerateScene(SCRIPT, 2).script.scenes[1]).not.toHaveProperty('imageKey');
  });

  it('an upload sets the scene picture and counts 0', () => {
    const { script, regenerations } = setScenePicture(SCRIPT, 1, 'videos/j/uploads/a.png');
    expect(regenerations).toBe(0);
    expect(script.scenes[0]).toMatchObject({ imageKey: 'videos/j/uploads/a.png', seed: 7 });
  });

  it('charges only the regenerations past the included ones', () => {
    expect(regenerationCharge(0, 3, 3, 1)).toBe(0);
    expect(regenerationCharge(3, 1, 3, 1)).toBe(1);
    expect(regenerationCharge(2, 3, 3, 2)).toBe(4);
    expect(regenerationCharge(5, 1, 3, 1)).toBe(1);
    expect(regenerationCharge(5, 0, 3, 1)).toBe(0);
  });
});
