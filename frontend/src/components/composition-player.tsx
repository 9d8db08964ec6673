/**
 * The Remotion composition the renderers draw, played in the page by @remotion/player: the
 * preview is the same frames as the final MP4, drawn from the same props.
 */
import { Player, Thumbnail, type PlayerRef } from '@remotion/player';
import { forwardRef, type CSSProperties } from 'react';
import type { ShortVideoProps } from '../../../lambdas/core/video-props.js';
import { ShortVideo } from '../../remotion/short-video.js';

export interface CompositionPlayerProps {
  props: ShortVideoProps;
  controls?: boolean;
  autoPlay?: boolean;
  loop?: boolean;
  muted?: boolean;
  className?: string;
  style?: CSSProperties;
}

export const CompositionPlayer = forwardRef<PlayerRef, CompositionPlayerProps>(function CompositionPlayer(
  { props, controls = true, autoPlay = false, loop = false, muted = false, className, style },
  ref,
) {
  return (
    <Player
      ref={ref}
      component={ShortVideo}
      inputProps={props}
      durationInFrames={props.durationInFrames}
      compositionWidth={props.width}
      compositionHeight={props.height}
      fps={props.fps}
      controls={controls}
      autoPlay={autoPlay}
      loop={loop}
      initiallyMuted={muted}
      clickToPlay={controls}
      doubleClickToFullscreen={controls}
      allowFullscreen={controls}
      spaceKeyToPlayOrPause={controls}
      acknowledgeRemotionLicense
      className={className}
      style={{ width: '100%', aspectRatio: `${props.width} / ${props.height}`, ...style }}
    />
  );
});

/** One frame of the composition, drawn live (no render): how a caption look appears, in a picker. */
export function CompositionThumbnail({ props, frame, className }: { props: ShortVideoProps; frame: number; className?: string }) {
  return (
    <Thumbnail
      component={ShortVideo}
      inputProps={props}
      frameToDisplay={frame}
      durationInFrames={props.durationInFrames}
      compositionWidth={props.width}
      compositionHeight={props.height}
      fps={props.fps}
      className={className}
      style={{ width: '100%', aspectRatio: `${props.width} / ${props.height}` }}
    />
  );
}
