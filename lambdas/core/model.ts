import { z } from 'zod';
import type { BrandSnapshot } from './brand.js';
import { canonicalLanguage, DEFAULT_LANGUAGE, LANGUAGES } from './languages.js';
import { stripInvisible } from './speech-text.js';

/** Video shapes the product renders; each maps to a pixel size (see {@link FRAME_SIZES}). */
export const ASPECTS = ['9:16', '1:1', '16:9'] as const;
export type Aspect = (typeof ASPECTS)[number];

export const FRAME_SIZES: Record<Aspect, { width: number; height: number }> = {
  '9:16': { width: 1080, height: 1920 },
  '1:1': { width: 1080, height: 1080 },
  '16:9': { width: 1920, height: 1080 },
};

/**
 * Caption looks (presets): each has its own font, colours, size and default place
 * (frontend/remotion/caption-presets.ts). `boxed`: the spoken word in a coloured box, lower case;
 * `outline`: outlined words, the spoken one pops; `subtitle`: a sentence on a dark bar.
 */
export const CAPTION_STYLES = ['bold', 'karaoke', 'minimal', 'boxed', 'outline', 'subtitle'] as const;
export type CaptionStyle = (typeof CAPTION_STYLES)[number];

/** Where captions sit, each inside the platforms' safe zones (frontend/remotion/layout.ts). */
export const CAPTION_POSITIONS = ['top', 'middle', 'bottom'] as const;
export type CaptionPosition = (typeof CAPTION_POSITIONS)[number];

export const CAPTION_SIZES = ['small', 'medium', 'large'] as const;
export type CaptionSize = (typeof CAPTION_SIZES)[number];

/** Moods of the music bed made for a video (offline: synthesized from code; cloud: ElevenLabs music). */
export const MUSIC_MOODS = ['calm', 'upbeat', 'dramatic', 'inspiring', 'lofi'] as const;
export type MusicMood = (typeof MUSIC_MOODS)[number];
/** A track the user uploaded (POST /api/music): `trk_` and 20 letters or digits. */
export const MUSIC_TRACK_ID = /^trk_[A-Za-z0-9]{20}$/;

/** Fonts a brand kit may choose (bundled with the composition, never fetched). */
export const BRAND_FONTS = ['inter', 'montserrat', 'bebas-neue', 'anton', 'noto-serif'] as const;
export type BrandFont = (typeof BRAND_FONTS)[number];
export const LOGO_POSITIONS = ['top-left', 'top-right', 'bottom-left', 'bottom-right'] as const;
export type LogoPosition = (typeof LOGO_POSITIONS)[number];

export const MIN_VOICE_SPEED = 0.8;
export const MAX_VOICE_SPEED = 1.3;

export const FPS = 30;
export const MIN_SECONDS = 10;
export const MAX_SECONDS = 90;
export const DEFAULT_SECONDS = 30;

/** A BCP 47 tag whose primary language is one of LANGUAGES, made canonical (`pt-br` → `pt-BR`). */
export const LanguageTag = z
  .string({ error: 'language must be a string' })
  .max(35, 'language must be at most 35 characters')
  .transform((tag, ctx) => {
    const canonical = canonicalLanguage(tag);
    if (!canonical) {
      ctx.addIssue({ code: 'custom', message: `language must be a BCP 47 tag of one of ${LANGUAGES.join(', ')}` });
      return z.NEVER;
    }
    return canonical;
  });

/** What a user asks for. Every field but the prompt has a default. */
export const VideoRequestSchema = z.object({
  prompt: z
    .string({ error: 'prompt must be a string' })
    // Bidi controls, zero-width spaces and controls would become spoken or drawn "words".
    .overwrite(stripInvisible)
    .trim()
    .min(3, 'prompt must be at least 3 characters')
    .max(500, 'prompt must be at most 500 characters'),
  seconds: z
    .number({ error: 'seconds must be a number' })
    .int('seconds must be a whole number')
    .min(MIN_SECONDS, `seconds must be at least ${MIN_SECONDS}`)
    .max(MAX_SECONDS, `seconds must be at most ${MAX_SECONDS}`)
    .default(DEFAULT_SECONDS),
  aspect: z.enum(ASPECTS, { error: `aspect must be one of ${ASPECTS.join(', ')}` }).default('9:16'),
  voice: z.string().trim().min(1).max(64).optional(),
  captionStyle: z
    .enum(CAPTION_STYLES, { error: `captionStyle must be one of ${CAPTION_STYLES.join(', ')}` })
    .default('bold'),
  /**
   * Where to send this video's `video.succeeded` / `video.failed` webhook besides the registered
   * endpoints, signed with the user's signing secret (docs/api.md "Webhooks"). Its address is
   * checked by the API (SSRF) and again at each delivery.
   */
  webhookUrl: z.string({ error: 'webhookUrl must be a string' }).max(2048, 'webhookUrl must be at most 2048 characters').optional(),
  /**
   * Stop for review once the script, pictures, voice and captions exist (status REVIEW): the user
   * edits the storyboard and starts the render with POST /api/videos/{id}/render (docs/api.md "Review").
   */
  review: z.boolean({ error: 'review must be true or false' }).optional(),
  /** BCP 47 tag of the narration, captions and title; its primary language one of LANGUAGES. Stored canonical (`pt-br` → `pt-BR`). */
  language: LanguageTag.default(DEFAULT_LANGUAGE),
  /** `none`, a mood of MUSIC_MOODS, or an uploaded track's id (MUSIC_TRACK_ID). */
  music: z
    .string({ error: 'music must be a string' })
    .refine((m) => m === 'none' || (MUSIC_MOODS as readonly string[]).includes(m) || MUSIC_TRACK_ID.test(m), {
      message: `music must be none, one of ${MUSIC_MOODS.join(', ')}, or an uploaded track's id (trk_…)`,
    })
    .default('none'),
  captionPosition: z
    .enum(CAPTION_POSITIONS, { error: `captionPosition must be one of ${CAPTION_POSITIONS.join(', ')}` })
    .optional(),
  captionSize: z.enum(CAPTION_SIZES, { error: `captionSize must be one of ${CAPTION_SIZES.join(', ')}` }).optional(),
  /** Apply the user's brand kit (logo watermark, colours, font: PUT /api/brand) to this video. */
  brand: z.boolean({ error: 'brand must be true or false' }).optional(),
  /** How fast the voice speaks, 0.8–1.3 (1: the voice's own pace). */
  voiceSpeed: z
    .number({ error: 'voiceSpeed must be a number' })
    .min(MIN_VOICE_SPEED, `voiceSpeed must be at least ${MIN_VOICE_SPEED}`)
    .max(MAX_VOICE_SPEED, `voiceSpeed must be at most ${MAX_VOICE_SPEED}`)
    .optional(),
});
export type VideoRequestInput = z.input<typeof VideoRequestSchema>;
/**
 * A checked request as a job stores it. `brandKit` is never read from a body: the order route
 * copies the user's kit there when the request says `brand: true` (lambdas/core/brand.ts).
 */
export type VideoRequest = z.output<typeof VideoRequestSchema> & { brandKit?: BrandSnapshot };

export const MIN_DURATION_HINT_SECONDS = 1;
export const MAX_DURATION_HINT_SECONDS = 20;

/**
 * One scene of a script: what is said over it and what its picture shows. `seed`, `imageKey`,
 * `pictureIndex` and `durationHint` come only from the user's edits in review (Parse Script drops them from a draft).
 */
export const SceneSchema = z.object({
  narration: z.string().trim().min(1, 'scene narration is empty').max(600),
  imagePrompt: z.string().trim().min(1, 'scene imagePrompt is empty').max(1000),
  /** The picture's seed; absent: derived from the prompt and the scene's place. "Regenerate" sets a new one. */
  seed: z.number().int().min(0).max(2147483647).optional(),
  /** A picture the user uploaded for this scene, under `videos/{jobId}/uploads/`; used instead of drawing one. */
  imageKey: z.string().min(1).max(300).optional(),
  /**
   * The place (0-based) the scene's picture was first drawn for: a scene moved by an edit keeps
   * it, so its picture keeps its content address and is reused, not drawn and paid for again.
   */
  pictureIndex: z.number().int().min(0).max(9).optional(),
  /** The scene lasts at least this many seconds: silence follows its narration until then. */
  durationHint: z.number().min(MIN_DURATION_HINT_SECONDS).max(MAX_DURATION_HINT_SECONDS).optional(),
});
export type Scene = z.infer<typeof SceneSchema>;

/** A validated script. `hook` is spoken first, over the first scene. */
export const ScriptSchema = z.object({
  title: z.string().trim().min(1, 'title is empty').max(120),
  hook: z.string().trim().min(1, 'hook is empty').max(300),
  style: z.string().trim().min(1, 'style is empty').max(300),
  scenes: z.array(SceneSchema).min(3, 'a script needs at least 3 scenes').max(10, 'a script has at most 10 scenes'),
});
export type Script = z.infer<typeof ScriptSchema>;

/** A spoken word with its place in the narration text and in the audio. */
export interface WordTiming {
  text: string;
  startMs: number;
  endMs: number;
  /** Offset of the word's first character in the synthesized text. */
  charStart: number;
}

/** The parts of the narration in speaking order: the hook, then each scene's narration. */
export function narrationSegments(script: Script): string[] {
  return [script.hook, ...script.scenes.map((s) => s.narration)];
}

/** The text the voice reads: the segments joined so each starts a new sentence. */
export function narrationText(script: Script): string {
  return narrationSegments(script).join('\n');
}
