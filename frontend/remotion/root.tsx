import { Composition, type CalculateMetadataFunction } from 'remotion';
import { COMPOSITION_ID, ShortVideoPropsSchema, type ShortVideoProps } from '../../lambdas/core/video-props.js';
import { DEFAULT_PROPS } from './default-props.js';
import { OverlayBand } from './overlay-band.js';
import { OVERLAY_BAND_COMPOSITION_ID, overlayBands, type OverlayBandProps } from './overlay-plan.js';
import { ShortVideo } from './short-video.js';

// The props carry the frame size, rate and length, so one composition serves every aspect and duration.
const calculateMetadata: CalculateMetadataFunction<ShortVideoProps> = ({ props }) => ({
  width: props.width,
  height: props.height,
  fps: props.fps,
  durationInFrames: props.durationInFrames,
});

const calculateBandMetadata: CalculateMetadataFunction<OverlayBandProps> = ({ props }) => ({
  width: props.width,
  height: props.bandHeight,
  fps: props.fps,
  durationInFrames: props.durationInFrames,
});

const DEFAULT_BAND = overlayBands(DEFAULT_PROPS).captions;
const DEFAULT_BAND_PROPS: OverlayBandProps = {
  ...DEFAULT_PROPS,
  layer: 'captions',
  bandTop: DEFAULT_BAND.top,
  bandHeight: DEFAULT_BAND.height,
};

/**
 * Registers the composition the renderers and the preview draw, and the strip of it the
 * layered local render draws over its pictures (overlay-band.tsx).
 */
export function RemotionRoot() {
  return (
    <>
      <Composition
        id={COMPOSITION_ID}
        component={ShortVideo}
        schema={ShortVideoPropsSchema}
        defaultProps={DEFAULT_PROPS}
        calculateMetadata={calculateMetadata}
        width={DEFAULT_PROPS.width}
        height={DEFAULT_PROPS.height}
        fps={DEFAULT_PROPS.fps}
        durationInFrames={DEFAULT_PROPS.durationInFrames}
      />
      <Composition
        id={OVERLAY_BAND_COMPOSITION_ID}
        component={OverlayBand}
        defaultProps={DEFAULT_BAND_PROPS}
        calculateMetadata={calculateBandMetadata}
        width={DEFAULT_BAND_PROPS.width}
        height={DEFAULT_BAND_PROPS.bandHeight}
        fps={DEFAULT_BAND_PROPS.fps}
        durationInFrames={DEFAULT_BAND_PROPS.durationInFrames}
      />
    </>
  );
}
