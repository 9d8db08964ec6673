import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { captionStateAt, titleOpacityAt } from '../../frontend/remotion/caption-timing.js';
import { kenBurnsAt } from '../../frontend/remotion/ken-burns.js';
import { overlayBands, planOverlay } from '../../frontend/remotion/overlay-plan.js';
import { frameLayout } from '../../frontend/remotion/layout.js';
import { ffmpegArgs, kenBurnsWindow, stripTimestamps } from '../../lambdas/adapters/offline/layered-render.js';
import type { ShortVideoProps } from '../../lambdas/core/video-props.js';

const run = promisify(execFile);

/** Evaluates one of ffmpeg's perspective expressions (its `in`, `W`, `H`, `PI`, `cos`, `min`) in JS. */
function evaluate(expression: string, vars: { W: number; H: number; in: number }): number {
  const js = expression.replaceAll('PI', 'Math.PI').replaceAll('cos(', 'Math.cos(').replaceAll('min(', 'Math.min(').replace(/\bin\b/g, 'frame');
  return new Function('W', 'H', 'frame', `return ${js};`)(vars.W, vars.H, vars.in) as number;
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

    expect(plans.map((plan) => plan.layer)).toEqual(['title', 'captions']);
    for (const plan of plans) {
      expect(plan.runs.reduce((a, b) => a + b, 0)).toBe(p.durationInFrames);
      expect(plan.frames[0]).toBe(0);
      plan.frames.forEach((frame, i) => {
        if (i > 0) expect(frame).toBe(plan.frames[i - 1]! + plan.runs[i - 1]!);
      });
      expect(plan.frames.length).toBeLessThan(p.durationInFrames / 2);
    }
    // Inside a run the drawn state is the same; across a run's edge it differs.
    const captions = plans[1]!;
    const state = (frame: number) => JSON.stringify(captionStateAt(p.captions, frame, p.fps) ?? null);
    captions.frames.forEach((start, i) => {
      const end = start + captions.runs[i]! - 1;
      expect(state(end)).toBe(state(start));
      if (i > 0) expect(state(start)).not.toBe(state(start - 1));
    });
    // A new word (600 ms = frame 18) and a new page (3000 ms = frame 90) start new drawings.
    expect(captions.frames).toContain(18);
    expect(captions.frames).toContain(90);
    const title = plans[0]!;
    const lastTitleFrame = Array.from({ length: p.durationInFrames }, (_, f) => f).filter((f) => titleOpacityAt(p.title, f, p.fps) !== undefined).at(-1)!;
    expect(title.frames.at(-1)).toBe(lastTitleFrame + 1);
    expect(title.visibleUntil).toBe(lastTitleFrame + 1);
    // The last page (3000–4000 ms) stays up 350 ms more: up to 4.35 s, frame 130.
    expect(captions.visibleUntil).toBe(131);
  });

  it('leaves out a layer with nothing to draw', () => {
    expect(planOverlay(props({ title: '  ' })).map((plan) => plan.layer)).toEqual(['captions']);
    expect(planOverlay(props({ captions: [] })).map((plan) => plan.layer)).toEqual(['title']);
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
    expect(bands.captions.top + bands.captions.height).toBeGreaterThan(layout.captionTop + layout.captionHeight);
    expect(bands.title.top).toBeLessThan(layout.titleTop);
  });
});

describe('ffmpegArgs', () => {
  it('crossfades at the scenes’ frames, lays the strips at their bands and encodes BT.709 H.264 + AAC', () => {
    const p = props();
    const plans = planOverlay(p);

    const args = ffmpegArgs(p, plans, { images: ['/w/a', '/w/b'], audio: '/w/voice' }, { output: '/w/out.mp4', x264Preset: 'veryfast' });

    const graph = args[args.indexOf('-filter_complex') + 1]!;
    expect(graph).toContain('xfade=transition=fade:duration=0.400000:offset=2.266667');
    expect(graph).toContain(`overlay=x=0:y=${plans[0]!.top}:format=yuv420:enable='lt(n,${plans[0]!.visibleUntil})'`);
    expect(graph).toContain(`overlay=x=0:y=${plans[1]!.top}:`);
    expect(graph).toContain('apad=whole_dur=5.000000,atrim=end=5.000000');
    expect(args).toEqual(expect.arrayContaining(['pipe:0', 'pipe:3', '-frames:v', '150', '-colorspace', 'bt709', 'libx264', 'aac']));
    expect(args.at(-1)).toBe('/w/out.mp4');
  });
});
