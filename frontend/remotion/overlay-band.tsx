import { AbsoluteFill } from 'remotion';
import { captionPositionOf } from './caption-presets.js';
import { Captions, captionsOf } from './captions.js';
import { FrameSizeContext } from './frame-size.js';
import { LegibilityShade } from './legibility-shade.js';
import type { OverlayBandProps } from './overlay-plan.js';
import { TitleCard } from './title-card.js';
import { Watermark } from './watermark.js';

/**
 * One strip of what ShortVideo draws over its pictures — the legibility shade, the logo
 * watermark, the title or the captions — on a transparent page as tall as the strip. The layers are laid out for the
 * full frame (FrameSizeContext) and shifted up, so the strip matches that part of a ShortVideo
 * frame pixel for pixel. Used by the layered local render (overlay-plan.ts).
 */
export function OverlayBand(props: OverlayBandProps) {
  return (
    <AbsoluteFill style={{ overflow: 'hidden' }}>
      <FrameSizeContext.Provider value={{ width: props.width, height: props.height }}>
        <AbsoluteFill style={{ top: -props.bandTop, height: props.height, bottom: 'auto' }}>
          {props.layer === 'title' ? (
            <TitleCard title={props.title} language={props.language} brand={props.brand} />
          ) : props.layer === 'watermark' ? (
            <Watermark brand={props.brand} />
          ) : props.layer === 'shade' ? (
            <LegibilityShade position={captionPositionOf(props)} />
          ) : (
            <Captions {...captionsOf(props)} />
          )}
        </AbsoluteFill>
      </FrameSizeContext.Provider>
    </AbsoluteFill>
  );
}
