/**
 * Request and response shapes of review before render (docs/api.md "Review before render"):
 * the storyboard a VideoDetail carries, and the bodies of the edit routes.
 */
import { z } from 'zod';
import { MAX_DURATION_HINT_SECONDS, MIN_DURATION_HINT_SECONDS } from '../core/model.js';
import { MAX_UPLOAD_BYTES, UPLOAD_TYPES } from '../core/jobs/review.js';

/** A scene number in a path (`scenes/{n}`): 1-based; that it names a scene of this storyboard is checked against it. */
export const SceneNumberSchema = z
  .string({ error: 'n must be a scene number (1 to 10)' })
  .regex(/^(?:[1-9]|10)$/, 'n must be a scene number (1 to 10)')
  .transform(Number);

const narration = z.string({ error: 'narration must be a string' }).trim().min(1, 'narration must not be empty').max(600, 'narration must be at most 600 characters');
const imagePrompt = z
  .string({ error: 'imagePrompt must be a string' })
  .trim()
  .min(1, 'imagePrompt must not be empty')
  .max(1000, 'imagePrompt must be at most 1000 characters');
const durationHint = z
  .number({ error: 'durationHint must be a number of seconds or null' })
  .min(MIN_DURATION_HINT_SECONDS, `durationHint must be at least ${MIN_DURATION_HINT_SECONDS} s`)
  .max(MAX_DURATION_HINT_SECONDS, `durationHint must be at most ${MAX_DURATION_HINT_SECONDS} s`)
  .nullable()
  .describe('The scene lasts at least this many seconds (silence follows its narration); null removes the hint.');

const SceneChanges = { narration: narration.optional(), imagePrompt: imagePrompt.optional(), durationHint: durationHint.optional() };

/** PATCH /api/videos/{id}/scenes/{n}: at least one field. */
export const PatchSceneBody = z
  .object(SceneChanges)
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'body must change narration, imagePrompt or durationHint' })
  .meta({ id: 'PatchSceneRequest' });

/** PATCH /api/videos/{id}/storyboard: title, hook, and the scenes as a new list. */
export const PatchStoryboardBody = z
  .object({
    title: z.string({ error: 'title must be a string' }).trim().min(1, 'title must not be empty').max(120, 'title must be at most 120 characters').optional(),
    hook: z.string({ error: 'hook must be a string' }).trim().min(1, 'hook must not be empty').max(300, 'hook must be at most 300 characters').optional(),
    scenes: z
      .array(
        z
          .object({
            from: z.number({ error: 'from must be a scene number' }).int('from must be a whole number').min(1, 'from must be at least 1').max(10, 'from must be at most 10').optional(),
            ...SceneChanges,
          })
          .strict(),
        { error: 'scenes must be a list' },
      )
      .min(3, 'scenes: a storyboard has at least 3 scenes')
      .max(10, 'scenes: a storyboard has at most 10 scenes')
      .optional()
      .describe('The whole new list: `from: n` keeps scene n (with any overrides); an entry without `from` is a new scene.'),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'body must change title, hook or scenes' })
  .meta({ id: 'PatchStoryboardRequest' });

/** POST /api/videos/{id}/scenes/{n}/upload */
export const UploadRequestBody = z
  .object({
    contentType: z.enum(Object.keys(UPLOAD_TYPES) as [keyof typeof UPLOAD_TYPES], { error: `contentType must be one of ${Object.keys(UPLOAD_TYPES).join(', ')}` }),
    size: z
      .number({ error: 'size must be a number of bytes' })
      .int('size must be a whole number of bytes')
      .min(1, 'size must be at least 1 byte')
      .max(MAX_UPLOAD_BYTES, `size must be at most ${MAX_UPLOAD_BYTES} bytes (10 MiB)`),
  })
  .strict()
  .meta({ id: 'UploadRequest' });

/** An upload's id: a UUID the upload route made. */
export const UploadIdSchema = z.uuid({ error: 'uploadId must be the id the upload route answered' });

/** POST /api/videos/{id}/scenes/{n}/image */
export const SetPictureBody = z.object({ uploadId: UploadIdSchema }).strict().meta({ id: 'SetPictureRequest' });

export const UploadTicket = z
  .object({
    uploadId: z.string(),
    url: z.string().describe('PUT the file here, with `headers`, within `expiresAt`.'),
    method: z.literal('PUT'),
    headers: z.record(z.string(), z.string()),
    expiresAt: z.string(),
  })
  .meta({ id: 'UploadTicket' });

/** GET /api/videos/{id}/file?version=n */
export const FileQuery = z
  .object({ version: z.coerce.number({ error: 'version must be a number' }).int('version must be a whole number').min(1, 'version must be at least 1').max(5, 'version must be at most 5').optional() })
  .strict();

export const StoryboardView = z
  .object({
    revision: z.number().int().describe('+1 per accepted edit.'),
    title: z.string(),
    hook: z.string(),
    scenes: z.array(
      z.object({
        number: z.number().int().describe('1-based: the n of scenes/{n}.'),
        narration: z.string(),
        imagePrompt: z.string(),
        durationHint: z.number().optional(),
        picture: z.enum(['generated', 'uploaded']),
        imageUrl: z.string().optional().describe("Presigned URL of the scene's picture, from the preview (GET only)."),
      }),
    ),
  })
  .meta({ id: 'Storyboard' });

export const ReviewView = z
  .object({
    expiresAt: z.string().describe('When the video leaves REVIEW for EXPIRED.'),
    regenerationsIncluded: z.number().int(),
    regenerationsUsed: z.number().int(),
    regenerationCredits: z.number().int().describe('Credits each regeneration past the included ones costs.'),
  })
  .meta({ id: 'Review' });

export const VersionView = z
  .object({ version: z.number().int(), url: z.string().describe('Presigned URL of the MP4 of this version (valid one hour; it downloads).'), durationMs: z.number().optional(), finishedAt: z.string() })
  .meta({ id: 'VideoVersion' });
