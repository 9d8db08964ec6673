import { Composition, type CalculateMetadataFunction } from 'remotion';
import { COMPOSITION_ID, ShortVideoPropsSchema, type ShortVideoProps } from '../../lambdas/core/video-props.js';
import { DEFAULT_PROPS } from './default-props.js';
import { ShortVideo } from './short-video.js';

// The props carry the frame size, rate and length, so one composition serves every aspect and duration.
const calculateMetadata: CalculateMetadataFunction<ShortVideoProps> = ({ props }) => ({
  width: props.width,
  height: props.height,
  fps: props.fps,
  durationInFrames: props.durationInFrames,
});

/** Registers the one composition the renderers and the preview draw. */
export function RemotionRoot() {
  return (
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
  );
}
