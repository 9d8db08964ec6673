import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { captionStateAt, titleOpacityAt } from '../../frontend/remotion/caption-timing.js';
import { kenBurnsAt } from '../../frontend/remotion/ken-burns.js';
import { overlayBands, planOverlay } from '../../frontend/remotion/overlay-plan.js';
import { frameLayout } from '../../frontend/remotion/layout.js';
import { evenWeights, ffmpegCommand, kenBurnsWindow, pictureStreams, stripTimestamps } from '../../lambdas/adapters/offline/layered-render.js';
import type { ShortVideoProps } from '../../lambdas/core/video-props.js';

const run = promisify(execFile);

/** Evaluates one of ffmpeg's perspective expressions (its `in`, `W`, `H`, `PI`, `cos`, `min`) in JS. */
function evaluate(expression: string, vars: { W: number; H: number; in: number }): number {
  const js = expression
    .replaceAll('PI', 'Math.PI')
    .replace(/\b(cos|min|max)\(/g, 'Math.$1(')
    .replace(/\bif\(/g, 'iff(')
    .replace(/\blt\(/g, 'lt(')
    .replace(/\bin\b/g, 'frame');
  const iff = (c: number, a: number, b: number) => (c ? a : b);
  const lt = (a: number, b: number) => (a < b ? 1 : 0);
  return new Function('W', 'H', 'frame', 'iff', 'lt', `return ${js};`)(vars.W, vars.H, vars.in, iff, lt) as number;
}

function props(overrides: Partial<ShortVideoProps> = {}): ShortVideoProps {
  return {
    title: 'Why octopuses have three hearts',
    width: 1080,
    height: 1920,
    fps: 30,
    durationInFrames: 150,
    crossfadeFrames: 12,
    scenes: [
      { imageUrl: 'http://127.0.0.1/a.png', startFrame: 0, durationInFrames: 80 },
      { imageUrl: 'http://127.0.0.1/b.png', startFrame: 68, durationInFrames: 82 },
    ],
    audioUrl: 'http://127.0.0.1/voice.wav',
    captions: [
      {
        startMs: 0,
        endMs: 1500,
        tokens: [
          { text: 'Octopuses', fromMs: 0, toMs: 600 },
          { text: 'have', fromMs: 600, toMs: 900 },
          { text: 'three', fromMs: 900, toMs: 1500 },
        ],
      },
      { startMs: 3000, endMs: 4000, tokens: [{ text: 'hearts', fromMs: 3000, toMs: 4000 }] },
    ],
    captionStyle: 'bold',
    ...overrides,
  };
}

describe('the Ken Burns window ffmpeg draws', () => {
  it.each([0, 1, 2, 3, 4, 7])('shows the part of the picture the composition shows (scene %i)', (index) => {
    const [W, H, frames] = [1080, 1920, 173];
    const window = kenBurnsWindow(index, frames);
    for (const frame of [0, 1, 40, 86, 150, 172]) {
      // CSS translate(x%, y%) scale(s) about the centre: the frame's top-left corner shows
      // the picture at c − (c + T)/s, its bottom-right corner at c + (c − T)/s.
      const { scale, x, y } = kenBurnsAt(index, frame, frames);
      const [tx, ty] = [(x / 100) * W, (y / 100) * H];
      const expected = {
        x0: W / 2 - (W / 2 + tx) / scale,
        y0: H / 2 - (H / 2 + ty) / scale,
        x1: W / 2 + (W / 2 - tx) / scale,
        y1: H / 2 + (H / 2 - ty) / scale,
      };
      for (const corner of ['x0', 'y0', 'x1', 'y1'] as const) {
        // ffmpeg's perspective filter numbers its input frames from 1.
        expect(evaluate(window[corner], { W, H, in: frame + 1 })).toBeCloseTo(expected[corner], 3);
      }
      // The window stays inside the picture: its edge never shows.
      expect(expected.x0).toBeGreaterThanOrEqual(-1e-9);
      expect(expected.x1).toBeLessThanOrEqual(W + 1e-9);
    }
  });
});

describe('planOverlay', () => {
  it('draws each strip only where it changes, and the runs cover every frame once', () => {
    const p = props();

    const plans = planOverlay(p);

    expect(plans.map((plan) => plan.layer)).toEqual(['shade', 'title', 'captions']);
    for (const plan of plans) {
      expect(plan.runs.reduce((a, b) => a + b, 0)).toBe(p.durationInFrames);
      expect(plan.frames[0]).toBe(0);
      plan.frames.forEach((frame, i) => {
        if (i > 0) expect(frame).toBe(plan.frames[i - 1]! + plan.runs[i - 1]!);
      });
      expect(plan.frames.length).toBeLessThan(p.durationInFrames / 2);
    }
    // The shade never changes: one drawing, on screen for the whole video, captions or not.
    expect(plans[0]).toMatchObject({ frames: [0], runs: [p.durationInFrames], visibleUntil: p.durationInFrames });
    // Inside a run the drawn state is the same; across a run's edge it differs.
    const captions = plans[2]!;
    const state = (frame: number) => JSON.stringify(captionStateAt(p.captions, frame, p.fps) ?? null);
    captions.frames.forEach((start, i) => {
      const end = start + captions.runs[i]! - 1;
      expect(state(end)).toBe(state(start));
      if (i > 0) expect(state(start)).not.toBe(state(start - 1));
    });
    // A new word (600 ms = frame 18) and a new page (3000 ms = frame 90) start new drawings.
    expect(captions.frames).toContain(18);
    expect(captions.frames).toContain(90);
    const title = plans[1]!;
    const lastTitleFrame = Array.from({ length: p.durationInFrames }, (_, f) => f).filter((f) => titleOpacityAt(p.title, f, p.fps) !== undefined).at(-1)!;
    expect(title.frames.at(-1)).toBe(lastTitleFrame + 1);
    expect(title.visibleUntil).toBe(lastTitleFrame + 1);
    // The last page (3000–4000 ms) stays up 350 ms more: up to 4.35 s, frame 130.
    expect(captions.visibleUntil).toBe(131);
  });

  it('leaves out a layer with nothing to draw', () => {
    expect(planOverlay(props({ title: '  ' })).map((plan) => plan.layer)).toEqual(['shade', 'captions']);
    // ShortVideo draws the shade with or without captions; a style without one has no shade layer.
    expect(planOverlay(props({ captions: [] })).map((plan) => plan.layer)).toEqual(['shade', 'title']);
    expect(planOverlay(props({ captionStyle: 'minimal' })).map((plan) => plan.layer)).toEqual(['title', 'captions']);
  });
});

describe('stripTimestamps', () => {
  it('places each drawn strip frame at the video frame its run starts on, in ffmpeg itself', async () => {
    // A long plan: ffmpeg's expression parser has depth limits a short one would not reach.
    const frames = Array.from({ length: 1500 }, (_, n) => n * 2 + (n % 3));
    const expression = stripTimestamps({ frames });

    // 1500 frames of a tiny test picture through setpts; showinfo prints each frame's pts.
    const { stderr } = await run('/usr/bin/ffmpeg', [
      '-hide_banner', '-f', 'lavfi', '-i', 'color=c=black:s=16x16:r=30',
      '-frames:v', String(frames.length), '-vf', `setpts='${expression}',showinfo`, '-f', 'null', '-',
    ], { maxBuffer: 64 * 1024 * 1024 });

    const pts = [...stderr.matchAll(/n:\s*\d+ pts:\s*(\d+)/g)].map((m) => Number(m[1]));
    expect(pts).toEqual(frames);
  });

  it('is a constant for a strip drawn once', () => {
    expect(stripTimestamps({ frames: [0] })).toBe('0');
  });
});

describe('overlayBands', () => {
  it.each([
    [1080, 1920, 'bold'],
    [1080, 1920, 'minimal'],
    [1080, 1080, 'karaoke'],
    [1920, 1080, 'bold'],
    [270, 480, 'bold'],
  ] as const)('keeps %i×%i (%s) strips inside the frame, even, around what they draw', (width, height, captionStyle) => {
    const bands = overlayBands({ width, height, captionStyle });
    const layout = frameLayout(width, height);
    for (const band of Object.values(bands)) {
      expect(band.top % 2).toBe(0);
      expect(band.height % 2).toBe(0);
      expect(band.top).toBeGreaterThanOrEqual(0);
      expect(band.top + band.height).toBeLessThanOrEqual(height);
    }
    expect(bands.captions.top).toBeLessThan(layout.captionTop);
    // The shade's strip holds its whole gradient (legibility-shade.tsx), whatever the captions' strip.
    expect(bands.shade.top).toBe(Math.max(0, 2 * Math.round((layout.captionTop - 0.6 * layout.captionHeight) / 2)));
    expect(bands.shade.top + bands.shade.height).toBe(Math.min(height, 2 * Math.round((layout.captionTop + 1.6 * layout.captionHeight) / 2)));
    expect(bands.captions.top + bands.captions.height).toBeGreaterThan(layout.captionTop + layout.captionHeight);
    expect(bands.title.top).toBeLessThan(layout.titleTop);
  });
});

/** Three scenes over 300 frames, each overlapping the next by 12 (the crossfade). */
const threeScenes = () =>
  props({
    durationInFrames: 300,
    scenes: [
      { imageUrl: 'a', startFrame: 0, durationInFrames: 112 },
      { imageUrl: 'b', startFrame: 100, durationInFrames: 112 },
      { imageUrl: 'c', startFrame: 200, durationInFrames: 100 },
    ],
  });

describe('the picture streams', () => {
  const three = threeScenes();

  it('puts even and odd scenes in two streams, each scene until its stream’s next one', () => {
    expect(pictureStreams(three)).toEqual([
      { segments: [{ scene: 0, from: 0, to: 200 }, { scene: 2, from: 200, to: 300 }] },
      { segments: [{ scene: 1, from: 0, to: 300 }] },
    ]);
    expect(pictureStreams({ ...three, scenes: three.scenes.slice(0, 1) })).toHaveLength(1);
  });

  it('mixes them as the composition fades each scene in over the one before', () => {
    const weights = evenWeights(three);

    expect(weights).toHaveLength(300);
    // Scene 0 alone, then scene 1 (odd) fading in over 12 frames from frame 100.
    expect(weights.slice(0, 101)).toEqual(Array(101).fill(1));
    expect(weights[103]).toBeCloseTo(1 - 3 / 12);
    expect(weights.slice(112, 200)).toEqual(Array(88).fill(0));
    // Scene 2 (even) fades in from frame 200.
    expect(weights[206]).toBeCloseTo(6 / 12);
    expect(weights.slice(212)).toEqual(Array(88).fill(1));
  });
});

describe('ffmpegCommand', () => {
  it('moves each stream with one perspective, mixes them by sendcmd, lays the strips at their bands, encodes BT.709 H.264 + AAC', () => {
    const p = props();
    const plans = planOverlay(p);

    const command = ffmpegCommand(p, plans, { images: ['/w/a', '/w/b'], audio: '/w/voice', graph: '/w/graph.txt', commands: '/w/mix.cmd' }, { output: '/w/out.mp4', x264Preset: 'veryfast' });

    expect(command.graph.match(/perspective=/g)).toHaveLength(2);
    expect(command.graph).toContain("sendcmd=f='/w/mix.cmd'");
    expect(command.graph).toContain('blend@mix=all_mode=normal:c0_opacity=1.000000:c1_opacity=1.000000:c2_opacity=1.000000');
    // Scene 2 (odd) starts at frame 68 and fades in over 12 frames: the even share falls from 1 to 0.
    // (Frame 69, set half a frame early.)
    expect(command.commands).toContain('2.283333 blend@mix c0_opacity 0.916667, blend@mix c1_opacity 0.916667, blend@mix c2_opacity 0.916667;');
    expect(command.commands).toContain('2.650000 blend@mix c0_opacity 0.000000,');
    // The shade (one drawing, all along), then the title (until it is gone), then the captions.
    expect(command.graph).toContain(`[bg][b0]overlay=x=0:y=${plans[0]!.top}:format=yuv420[o0]`);
    expect(command.graph).toContain(`[o0][b1]overlay=x=0:y=${plans[1]!.top}:format=yuv420:enable='lt(n,${plans[1]!.visibleUntil})'[o1]`);
    expect(command.graph).toContain(`[o1][b2]overlay=x=0:y=${plans[2]!.top}:`);
    expect(command.graph).toContain('apad=whole_dur=5.000000,atrim=end=5.000000');
    expect(command.args).toEqual(expect.arrayContaining(['-filter_complex_script', '/w/graph.txt', 'pipe:0', 'pipe:3', 'pipe:4', '-frames:v', '150', '-colorspace', 'bt709', 'libx264', 'aac']));
    expect(command.args.at(-1)).toBe('/w/out.mp4');
  });

  it('crossfades frame by frame as the composition does, in ffmpeg itself', async () => {
    // Prepare: black, white, black scenes of 32×32, fading over 6 frames; no strips.
    const dir = await mkdtemp(join(tmpdir(), 'ai-shorts-mix-'));
    try {
      const picture = async (name: string, color: string) => {
        await run('/usr/bin/ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `color=c=${color}:s=32x32`, '-frames:v', '1', join(dir, name)]);
        return join(dir, name);
      };
      const images = [await picture('a.png', 'black'), await picture('b.png', 'white'), await picture('c.png', 'black')];
      const audio = join(dir, 'voice.wav');
      await run('/usr/bin/ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=mono', '-t', '1', audio]);
      const p = props({
        width: 32,
        height: 32,
        durationInFrames: 60,
        crossfadeFrames: 6,
        scenes: [
          { imageUrl: 'a', startFrame: 0, durationInFrames: 26 },
          { imageUrl: 'b', startFrame: 20, durationInFrames: 26 },
          { imageUrl: 'c', startFrame: 40, durationInFrames: 20 },
        ],
      });
      const files = { images, audio, graph: join(dir, 'graph.txt'), commands: join(dir, 'mix.cmd') };
      const command = ffmpegCommand(p, [], files, { output: join(dir, 'out.mp4'), x264Preset: 'veryfast' });
      await writeFile(files.graph, command.graph);
      await writeFile(files.commands, command.commands);

      // Act
      await run('/usr/bin/ffmpeg', command.args.filter((a) => a !== '-progress' && a !== 'pipe:1'));
      const { stdout } = await run('/usr/bin/ffmpeg', ['-v', 'error', '-i', join(dir, 'out.mp4'), '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], {
        encoding: 'buffer',
        maxBuffer: 1 << 24,
      });

      // Assess: each frame's brightness (full-range gray) is the mix of black and white the weights say.
      const weights = evenWeights(p);
      const frames = stdout.length / (32 * 32);
      expect(frames).toBe(60);
      for (let f = 0; f < frames; f++) {
        const luma = stdout.subarray(f * 1024, (f + 1) * 1024).reduce((a, b) => a + b, 0) / 1024;
        expect(Math.abs(luma - 255 * (1 - weights[f]!)), `frame ${f}`).toBeLessThan(3);
      }
      // Fully back to the even stream after the second fade (blend's all_opacity cannot return to 1).
      expect(weights.slice(46)).toEqual(Array(14).fill(1));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('gives each stream, frame by frame, the motion of the scene it shows', () => {
    const p = threeScenes();
    const command = ffmpegCommand(p, [], { images: ['a', 'b', 'c'], audio: 'v', graph: 'g', commands: 'c' }, { output: 'o.mp4', x264Preset: 'veryfast' });
    const corners = [...command.graph.matchAll(/perspective=x0='([^']*)':y0='([^']*)'/g)].map((m) => ({ x0: m[1]!, y0: m[2]! }));
    expect(corners).toHaveLength(2);
    const [W, H] = [1080, 1920];
    // [stream, video frame, scene it shows]
    for (const [stream, frame, scene] of [[0, 0, 0], [0, 111, 0], [0, 200, 2], [0, 299, 2], [1, 100, 1], [1, 150, 1], [1, 211, 1]] as const) {
      const { startFrame, durationInFrames } = p.scenes[scene]!;
      const { scale, x } = kenBurnsAt(scene, frame - startFrame, durationInFrames);
      const expected = W / 2 - (W / 2 + (x / 100) * W) / scale;
      // The stream's input frame `in` is the video frame + 1.
      expect(evaluate(corners[stream]!.x0, { W, H, in: frame + 1 })).toBeCloseTo(expected, 3);
    }
  });
});
