import { z } from 'zod';
import { CAPTION_STYLES } from './model.js';

/** One caption page: a few words shown together, each highlighted while it is spoken. */
export const CaptionPageSchema = z.object({
  startMs: z.number().nonnegative(),
  endMs: z.number().nonnegative(),
  tokens: z.array(z.object({ text: z.string(), fromMs: z.number(), toMs: z.number() })),
});
export type CaptionPage = z.infer<typeof CaptionPageSchema>;

export const TimedSceneSchema = z.object({
  imageUrl: z.string().min(1),
  startFrame: z.number().int().nonnegative(),
  durationInFrames: z.number().int().positive(),
});
export type TimedScene = z.infer<typeof TimedSceneSchema>;

/**
 * Everything the Remotion composition needs to draw a video. Shared by the local renderer,
 * Remotion Lambda and the SPA's preview, so all three draw the same frames.
 */
export const ShortVideoPropsSchema = z.object({
  title: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  fps: z.number().int().positive(),
  durationInFrames: z.number().int().positive(),
  /** Frames two neighbouring scenes overlap while crossfading. */
  crossfadeFrames: z.number().int().nonnegative(),
  scenes: z.array(TimedSceneSchema).min(1),
  audioUrl: z.string().min(1),
  captions: z.array(CaptionPageSchema),
  captionStyle: z.enum(CAPTION_STYLES),
});
export type ShortVideoProps = z.infer<typeof ShortVideoPropsSchema>;

/** The composition's id in the Remotion bundle. */
export const COMPOSITION_ID = 'ShortVideo';
