import { describe, expect, it } from 'vitest';
import { chunkRanges, withEncoderThreads } from '../../lambdas/adapters/offline/remotion-renderer.js';

describe('chunkRanges: how the local renderer splits a video into pieces', () => {
  it.each([
    { frames: 900, pieces: 2, ranges: [[0, 449], [450, 899]] },
    { frames: 933, pieces: 2, ranges: [[0, 466], [467, 932]] },
    { frames: 900, pieces: 4, ranges: [[0, 224], [225, 449], [450, 674], [675, 899]] },
    // Every piece is at least 60 frames: short clips stay whole.
    { frames: 90, pieces: 2, ranges: [[0, 89]] },
    { frames: 150, pieces: 4, ranges: [[0, 74], [75, 149]] },
    { frames: 1, pieces: 2, ranges: [[0, 0]] },
  ])('$frames frames in up to $pieces pieces', ({ frames, pieces, ranges }) => {
    // Act
    const result = chunkRanges(frames, pieces);

    // Assess: contiguous, covering every frame once, equal but for the last (the audio joins assume it).
    expect(result).toEqual(ranges);
    const lengths = result.map(([from, to]) => to - from + 1);
    expect(lengths.reduce((a, b) => a + b, 0)).toBe(frames);
    expect(new Set(lengths.slice(0, -1)).size).toBeLessThanOrEqual(1);
  });
});

describe('withEncoderThreads', () => {
  it('adds -threads as an output option, just before the output path', () => {
    expect(withEncoderThreads(['-i', 'in.jpeg', '-c:v', 'libx264', '-y', 'out.ts'], 1)).toEqual([
      '-i', 'in.jpeg', '-c:v', 'libx264', '-y', '-threads', '1', 'out.ts',
    ]);
  });
});
