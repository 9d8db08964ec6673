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

/**
 * The composition's props with blob keys where the props have URLs: kept beside the video
 * (`videos/{jobId}/preview.json`) from Start Render on, so the dashboard can play the video in
 * the browser before the render finishes (URLs expire; keys are presigned on each read).
 */
export interface PreviewPlan extends Omit<ShortVideoProps, 'scenes' | 'audioUrl'> {
  scenes: { imageKey: string; startFrame: number; durationInFrames: number }[];
  audioKey: string;
}

export function previewKey(jobId: string): string {
  return `videos/${jobId}/preview.json`;
}

/** Turns a plan into props by presigning its keys. */
export async function presignPlan(plan: PreviewPlan, presign: (key: string) => Promise<string>): Promise<ShortVideoProps> {
  const { scenes, audioKey, ...rest } = plan;
  const [audioUrl, ...imageUrls] = await Promise.all([presign(audioKey), ...scenes.map((scene) => presign(scene.imageKey))]);
  return ShortVideoPropsSchema.parse({
    ...rest,
    audioUrl,
    scenes: scenes.map(({ imageKey: _key, ...scene }, i) => ({ ...scene, imageUrl: imageUrls[i] })),
  });
}
