import { z } from 'zod';
import { BRAND_FONTS, CAPTION_POSITIONS, CAPTION_SIZES, CAPTION_STYLES, LOGO_POSITIONS } from './model.js';

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
 * The music bed under the voice (absent: no music). Its level, ducking under speech, fades and
 * looping are drawn by the composition from these fields (frontend/remotion), so Remotion Lambda,
 * the local renders and the preview play the same mix.
 */
export const MusicPropsSchema = z.object({
  url: z.string().min(1),
  /** Length of the bed; the composition loops it when the video is longer. */
  durationMs: z.number().positive(),
});
export type MusicProps = z.infer<typeof MusicPropsSchema>;

/** The user's brand kit as drawn on a video (PUT /api/brand): a logo watermark, colours, a font. */
export const BrandPropsSchema = z.object({
  /** The logo picture (presigned); absent: no watermark. */
  logoUrl: z.string().min(1).optional(),
  logoPosition: z.enum(LOGO_POSITIONS).default('top-right'),
  /** 0.1–1. */
  logoOpacity: z.number().min(0.1).max(1).default(0.85),
  /** `#rrggbb` colours: captions' highlight / box, and the text. */
  primaryColor: z.string().regex(/^#[0-9a-fA-F]{6}$/).optional(),
  textColor: z.string().regex(/^#[0-9a-fA-F]{6}$/).optional(),
  /** One of the bundled brand fonts (frontend/remotion/fonts.ts). */
  font: z.enum(BRAND_FONTS).optional(),
});
export type BrandProps = z.infer<typeof BrandPropsSchema>;

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
  /** Absent: the style's own place. */
  captionPosition: z.enum(CAPTION_POSITIONS).optional(),
  captionSize: z.enum(CAPTION_SIZES).optional(),
  /** BCP 47 tag of the narration and captions (lambdas/core/languages.ts): picks fonts, direction and word breaking. */
  language: z.string().min(2).max(35).optional(),
  music: MusicPropsSchema.optional(),
  brand: BrandPropsSchema.optional(),
});
export type ShortVideoProps = z.infer<typeof ShortVideoPropsSchema>;

/** The composition's id in the Remotion bundle. */
export const COMPOSITION_ID = 'ShortVideo';

/**
 * The composition's props with blob keys where the props have URLs: kept beside the video
 * (`videos/{jobId}/preview.json`) from Start Render on, so the dashboard can play the video in
 * the browser before the render finishes (URLs expire; keys are presigned on each read).
 */
export interface PreviewPlan extends Omit<ShortVideoProps, 'scenes' | 'audioUrl' | 'brand'> {
  scenes: { imageKey: string; startFrame: number; durationInFrames: number }[];
  audioKey: string;
  /** The job's brand kit, its logo by key (`brand/{user}/…`). */
  brand?: Omit<BrandProps, 'logoUrl'> & { logoKey?: string };
}

export function previewKey(jobId: string): string {
  return `videos/${jobId}/preview.json`;
}

/** Turns a plan into props by presigning its keys. */
export async function presignPlan(plan: PreviewPlan, presign: (key: string) => Promise<string>): Promise<ShortVideoProps> {
  const { scenes, audioKey, brand, ...rest } = plan;
  const [audioUrl, ...imageUrls] = await Promise.all([presign(audioKey), ...scenes.map((scene) => presign(scene.imageKey))]);
  const { logoKey, ...look } = brand ?? {};
  return ShortVideoPropsSchema.parse({
    ...rest,
    ...(brand ? { brand: { ...look, ...(logoKey ? { logoUrl: await presign(logoKey) } : {}) } } : {}),
    audioUrl,
    scenes: scenes.map(({ imageKey: _key, ...scene }, i) => ({ ...scene, imageUrl: imageUrls[i] })),
  });
}
