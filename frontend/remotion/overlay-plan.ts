/**
 * The layered local render (lambdas/adapters/offline/layered-render.ts) draws a video in two
 * parts: the pictures — Ken Burns, crossfades — by ffmpeg, and everything drawn over them by
 * this composition, as transparent strips ("bands") that ffmpeg lays on top. A band is drawn in
 * Chromium only on frames where it changes; most frames repeat the one before.
 * This module says where the bands are and which frames differ. It reads the same timing
 * functions the components draw with, so "same state" here means "same pixels" there.
 */
import type { ShortVideoProps } from '../../lambdas/core/video-props.js';
import { captionStateAt, titleOpacityAt } from './caption-timing.js';
import { CAPTION_PRESETS, captionPositionOf } from './caption-presets.js';
import { frameLayout } from './layout.js';
import { watermarkBox } from './watermark.js';

/** The id of the composition that draws one band of the overlay (overlay-band.tsx). */
export const OVERLAY_BAND_COMPOSITION_ID = 'ShortVideoOverlayBand';

export type OverlayLayer = 'shade' | 'title' | 'captions' | 'watermark';

/** Props of the band composition: the video's props plus which layer and which strip of the frame. */
export type OverlayBandProps = ShortVideoProps & {
  layer: OverlayLayer;
  /** The strip's top edge and height in the full frame, in pixels (even, for 4:2:0 video). */
  bandTop: number;
  bandHeight: number;
};

export interface OverlayBandPlan {
  layer: OverlayLayer;
  top: number;
  height: number;
  /**
   * The frames to draw, in order: the first frame of every run of identical frames.
   * `runs[i]` is how many video frames `frames[i]` stands for; the runs add up to the video.
   */
  frames: number[];
  runs: number[];
  /** The frame after the last one this strip draws anything on (its drawings are empty from there on). */
  visibleUntil: number;
}

/**
 * Where each layer can draw, with room for what a layer may spill outside its nominal box (text
 * outline and shadow, the active word's pop, a page or title that wraps to more lines). The
 * legibility shade under the captions (legibility-shade.tsx) is a layer of its own: it never
 * changes, so it is drawn once, and the caption strips drawn on every change stay mostly
 * transparent — cheaper for Chromium to encode and for ffmpeg to decode.
 */
export function overlayBands(
  props: Pick<ShortVideoProps, 'width' | 'height' | 'captionStyle' | 'captionPosition' | 'brand'>,
): Record<OverlayLayer, { top: number; height: number }> {
  const { unit, captionTop, captionHeight, titleTop } = frameLayout(props.width, props.height, captionPositionOf(props));
  const even = (v: number) => 2 * Math.round(v / 2);
  const clampBand = (top: number, bottom: number) => {
    const t = Math.max(0, even(top));
    const b = Math.min(props.height, even(bottom));
    return { top: t, height: Math.max(2, b - t) };
  };
  return {
    // The shade spans captionTop − 0.6·h … captionTop + 1.6·h (legibility-shade.tsx).
    shade: clampBand(captionTop - captionHeight * 0.6, captionTop + captionHeight * 1.6),
    title: clampBand(titleTop - unit * 0.05, titleTop + unit * 0.35),
    captions: clampBand(captionTop - captionHeight * 0.5, captionTop + captionHeight * 1.5),
    watermark: (() => {
      const box = watermarkBox(props.width, props.height, props.brand?.logoPosition ?? 'top-right');
      return clampBand(box.top, box.top + box.height);
    })(),
  };
}

/** The bands to draw for `props`, each with its distinct frames; a layer with nothing to draw is left out. */
export function planOverlay(props: ShortVideoProps): OverlayBandPlan[] {
  const bands = overlayBands(props);
  const shaded = CAPTION_PRESETS[props.captionStyle].shade;
  const keys: Record<OverlayLayer, (frame: number) => string> = {
    // The shade never changes (and shows with or without a caption on screen, as in ShortVideo).
    shade: () => (shaded ? 'shade' : ''),
    title: (frame) => {
      const opacity = titleOpacityAt(props.title, frame, props.fps);
      return opacity === undefined ? '' : opacity.toFixed(4);
    },
    captions: (frame) => {
      const state = captionStateAt(props.captions, frame, props.fps);
      if (!state) return '';
      return `${props.captions.indexOf(state.page)}:${state.active}:${state.enter.toFixed(4)}:${state.pop.toFixed(4)}`;
    },
    // The logo never changes: one frame drawn, standing for the whole video.
    watermark: () => (props.brand?.logoUrl ? 'logo' : ''),
  };
  const plans: OverlayBandPlan[] = [];
  // Drawn in this order, each over the one before, as ShortVideo stacks them: the shade, the
  // logo, the title, the captions.
  for (const layer of ['shade', 'watermark', 'title', 'captions'] as const) {
    const plan: OverlayBandPlan = { layer, ...bands[layer], frames: [], runs: [], visibleUntil: 0 };
    let previous: string | undefined;
    let drawsSomething = false;
    for (let frame = 0; frame < props.durationInFrames; frame++) {
      const key = keys[layer](frame);
      if (key !== '') {
        drawsSomething = true;
        plan.visibleUntil = frame + 1;
      }
      if (key === previous) {
        plan.runs[plan.runs.length - 1]! += 1;
      } else {
        plan.frames.push(frame);
        plan.runs.push(1);
        previous = key;
      }
    }
    if (drawsSomething) plans.push(plan);
  }
  return plans;
}
