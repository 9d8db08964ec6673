import { Audio } from '@remotion/media';
import { AbsoluteFill, Sequence } from 'remotion';
import type { ShortVideoProps } from '../../lambdas/core/video-props.js';
import { CAPTION_PRESETS, captionPositionOf } from './caption-presets.js';
import { Captions, captionsOf } from './captions.js';
import { KenBurnsScene } from './ken-burns-scene.js';
import { LegibilityShade } from './legibility-shade.js';
import { musicVolumeAt } from './music-mix.js';
import { TitleCard } from './title-card.js';
import { Watermark } from './watermark.js';

/** The short: scenes crossfading under word-by-word captions, over the voice-over. */
export function ShortVideo(props: ShortVideoProps) {
  return (
    <AbsoluteFill style={{ backgroundColor: 'black' }}>
      {props.scenes.map((scene, i) => (
        // Later scenes are drawn on top, so fading one in crossfades from the one under it.
        <Sequence
          key={i}
          from={scene.startFrame}
          durationInFrames={scene.durationInFrames}
          name={`Scene ${i + 1}`}
          premountFor={props.fps}
        >
          <KenBurnsScene
            imageUrl={scene.imageUrl}
            index={i}
            fadeInFrames={i === 0 ? 0 : Math.min(props.crossfadeFrames, scene.durationInFrames)}
          />
        </Sequence>
      ))}
      {CAPTION_PRESETS[props.captionStyle].shade ? <LegibilityShade position={captionPositionOf(props)} /> : null}
      <Watermark brand={props.brand} />
      <TitleCard title={props.title} language={props.language} brand={props.brand} />
      <Captions {...captionsOf(props)} />
      <Audio src={props.audioUrl} />
      {props.music ? (
        // The bed loops under the whole video; 'extend' keeps counting frames across loops, so the
        // ducking follows the video's time, not the bed's.
        <Audio
          src={props.music.url}
          name="Music"
          loop
          loopVolumeCurveBehavior="extend"
          volume={(frame) => musicVolumeAt(frame, { fps: props.fps, durationInFrames: props.durationInFrames, music: props.music! })}
        />
      ) : null}
    </AbsoluteFill>
  );
}
