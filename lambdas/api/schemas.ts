import { ShortVideoPropsSchema } from '../core/video-props.js';
/**
 * The API's request and response shapes as zod schemas: handlers validate with them, and
 * GET /api/openapi.json is generated from them (lambdas/api/openapi.ts).
 */
import { z } from 'zod';
import { ASPECTS, CAPTION_POSITIONS, CAPTION_SIZES, CAPTION_STYLES, LanguageTag, VideoRequestSchema } from '../core/model.js';
import { STEPS } from '../core/job.js';
import { API_KEY_ID_PATTERN, API_KEY_SCOPES } from '../core/api-keys.js';
import { ReviewView, StoryboardView, VersionView } from './review-schemas.js';

/** POST /api/videos. Unknown fields are refused, so a typo ("captionstyle") is an error, not a default. */
export const CreateVideoBody = VideoRequestSchema.strict().meta({ id: 'CreateVideoRequest' });

/**
 * A video's id in a path (`/api/videos/{id}`): job ids are `randomUUID()`, so anything else
 * names no video and is answered 404 before any storage call (never a lookup of a 10 kB key).
 */
export const VideoIdSchema = z.uuid({ error: 'video ids are UUIDs' });

/** An Idempotency-Key: 1–255 visible ASCII characters (a UUID is a good one). */
export const IdempotencyKeySchema = z
  .string()
  .min(1, 'Idempotency-Key must not be empty')
  .max(255, 'Idempotency-Key must be at most 255 characters')
  .regex(/^[\x21-\x7e]+$/, 'Idempotency-Key must be visible ASCII characters');

/** POST /api/mcp: one JSON-RPC 2.0 message of the Model Context Protocol (the SDK's transport checks it; docs/mcp.md). */
export const McpRequestBody = z
  .looseObject({
    jsonrpc: z.literal('2.0'),
    id: z.union([z.string(), z.number().int()]).optional().describe('Absent in a notification.'),
    method: z.string().describe('initialize, tools/list, tools/call …'),
    params: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'McpRequest' });

export const ListQuery = z
  .object({
    limit: z.coerce
      .number({ error: 'limit must be a number' })
      .int('limit must be a whole number')
      .min(1, 'limit must be at least 1')
      .max(50, 'limit must be at most 50')
      .default(20),
    cursor: z.string().min(1).max(2000).optional(),
  })
  .strict();

export const VoicesQuery = z
  .object({
    language: LanguageTag.optional().describe('Only the voices that speak this language (BCP 47, one of the 20 a video may be in), and its default voice.'),
  })
  .strict();

export const CheckoutBody = z
  .object({
    credits: z
      .number({ error: 'credits must be a number' })
      .int('credits must be a whole number')
      .min(1, 'credits must be at least 1')
      .max(100, 'credits must be at most 100'),
  })
  .strict()
  .meta({ id: 'CheckoutRequest' });

const JobStatusSchema = z.enum(['QUEUED', 'RUNNING', 'REVIEW', 'SUCCEEDED', 'FAILED', 'EXPIRED']);
const StepNameSchema = z.enum(STEPS);

export const JobErrorSchema = z.object({
  step: StepNameSchema.optional(),
  name: z.string(),
  message: z.string().describe('What went wrong, in words a person can act on.'),
});

export const StepView = z
  .object({
    name: StepNameSchema,
    label: z.string(),
    status: z.enum(['pending', 'running', 'succeeded', 'failed']),
    startedAt: z.string().optional(),
    endedAt: z.string().optional(),
    durationMs: z.number().optional(),
    attempts: z.number().int().optional(),
    done: z.number().optional(),
    total: z.number().optional(),
    error: z.string().optional(),
  })
  .meta({ id: 'Step' });

export const VideoSummary = z
  .object({
    id: z.string(),
    status: JobStatusSchema,
    prompt: z.string(),
    title: z.string().optional(),
    seconds: z.number().int(),
    aspect: z.enum(ASPECTS),
    captionStyle: z.enum(CAPTION_STYLES),
    voice: z.string().optional(),
    language: z.string().describe('BCP 47 tag of the narration and captions (`en` for videos ordered before languages existed).'),
    music: z.string().describe('`none`, a mood, or an uploaded track id (`trk_…`).'),
    captionPosition: z.enum(CAPTION_POSITIONS).optional().describe("Absent: the caption style's own place."),
    captionSize: z.enum(CAPTION_SIZES).optional(),
    brand: z.boolean().optional().describe('The brand kit was applied (copied onto the video when it was ordered).'),
    voiceSpeed: z.number().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    progress: z.number().min(0).max(100).describe('Whole-job progress in percent.'),
    currentStep: StepNameSchema.optional(),
    credits: z.number().int().describe('Credits this video costs.'),
    error: JobErrorSchema.optional(),
    thumbnailUrl: z.string().optional().describe("Presigned URL of the first scene's picture, once the render has started."),
  })
  .meta({ id: 'VideoSummary' });

export const VideoDetail = VideoSummary.extend({
  steps: z.array(StepView),
  attempt: z.number().int().describe('0 for the first run; +1 per retry.'),
  refunded: z.boolean().describe('The credits of a failed attempt went back to the balance.'),
  forfeited: z.boolean().optional().describe('The failed attempt kept its credits: the request caused it, past the daily refunds of such failures.'),
  sceneCount: z.number().int().optional(),
  durationMs: z.number().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  costUsd: z.number().describe('Estimated provider spend in US dollars.'),
  notes: z.array(z.string()).optional().describe('What to know about this video, e.g. where the offline writer could not follow the language.'),
  videoUrl: z.string().optional().describe('Presigned MP4 URL, when the video is done.'),
  videoUrlExpiresAt: z.string().optional(),
  downloadUrl: z.string().optional().describe('Presigned MP4 URL that makes the browser save the file.'),
  fileUrl: z.string().optional().describe('API path that redirects to a fresh presigned MP4 URL.'),
  preview: ShortVideoPropsSchema.optional().describe("The composition's props (presigned asset URLs), from the start of the render on: play it with @remotion/player."),
  storyboard: StoryboardView.optional().describe('The script as scenes, once it exists (review before render).'),
  review: ReviewView.optional().describe('While the video is in REVIEW: when it expires, and its regenerations.'),
  versions: z.array(VersionView).optional().describe('Earlier renders kept after a reopen.'),
}).meta({ id: 'VideoDetail' });

export const VideoList = z.object({ videos: z.array(VideoSummary), nextCursor: z.string().optional() }).meta({ id: 'VideoList' });

export const CreatedVideo = z
  .object({
    id: z.string(),
    status: JobStatusSchema,
    credits: z.number().int(),
    replayed: z.boolean().describe('True when the Idempotency-Key was seen before: this is the job it made.'),
  })
  .meta({ id: 'CreatedVideo' });

export const LedgerEntryView = z
  .object({
    id: z.string(),
    at: z.string(),
    delta: z.number().int(),
    kind: z.enum(['grant', 'debit', 'refund', 'purchase', 'reversal', 'regeneration']).describe('`reversal`: credits of a refunded or disputed payment taken back; `regeneration`: a review edit past the included regenerations.'),
    jobId: z.string().optional(),
    note: z.string(),
  })
  .meta({ id: 'LedgerEntry' });

export const CreditsView = z
  .object({ balance: z.number().int(), entries: z.array(LedgerEntryView), nextCursor: z.string().optional() })
  .meta({ id: 'Credits' });

export const MeView = z
  .object({
    userId: z.string(),
    admin: z.boolean(),
    balance: z.number().int(),
    creditPriceCents: z.number().int().describe('Price of one credit at Checkout, in cents of `currency`.'),
    currency: z.string(),
  })
  .meta({ id: 'Me' });

export const VoicesView = z
  .object({
    provider: z.string().describe('The voice provider (SHORTS_VOICE): offline (eSpeak NG) or elevenlabs.'),
    defaultVoice: z.string().describe('The voice of a request that names none (in `language`, when the query names one).'),
    voices: z.array(z.object({ id: z.string().describe('What `voice` takes.'), name: z.string(), language: z.string().optional() })),
  })
  .meta({ id: 'Voices' });

export const CheckoutView = z.object({ id: z.string(), url: z.string() }).meta({ id: 'Checkout' });

export const WebhookView = z
  .object({
    received: z.literal(true),
    credited: z.boolean(),
    reversed: z.number().int().optional().describe('Refunds and disputes: credits taken back by this event (0 when nothing more was due).'),
  })
  .meta({ id: 'WebhookResult' });

export const DeletedView = z.object({ id: z.string(), deleted: z.literal(true), deletedFiles: z.number().int(), refunded: z.boolean() }).meta({ id: 'Deleted' });

export const ErrorView = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
      balance: z.number().optional(),
      needed: z.number().optional(),
      limit: z.enum(['active', 'hour', 'day']).optional().describe('With 429: the limit the order went over.'),
      max: z.number().int().optional().describe('With 429: that limit; with 409 `key_limit_reached`: the most live API keys an account may hold.'),
      retryAfterSeconds: z.number().int().optional().describe('With 429: as the Retry-After header.'),
      metrics: z.array(z.string()).optional().describe('With 400 from GET /api/metrics: the metrics it knows.'),
      scope: z.string().optional().describe('With 403 `missing_scope`: the API key scope the request needs.'),
      requestId: z.string().optional(),
    }),
  })
  .meta({ id: 'Error' });

/** What API Gateway itself answers (its throttle's 429, a body over 10 MB): `{"message": "Too Many Requests"}`. */
export const GatewayErrorView = z.object({ message: z.string() }).meta({ id: 'GatewayError' });

/** GET /api/openapi.json: an OpenAPI 3.1 document (its shape is the OpenAPI specification's). */
export const OpenApiView = z
  .object({ openapi: z.string(), info: z.object({ title: z.string(), version: z.string() }).loose(), paths: z.record(z.string(), z.unknown()) })
  .loose()
  .meta({ id: 'OpenApiDocument' });

/** POST /api/batches: up to 50 video requests, each as POST /api/videos takes it. */
export const CreateBatchBody = z
  .object({
    items: z
      .array(CreateVideoBody)
      .min(1, 'items must hold at least one video request')
      .max(50, 'items must hold at most 50 video requests'),
  })
  .strict()
  .meta({ id: 'CreateBatchRequest' });

/** A batch's id in a path: batch ids are UUIDs, so anything else names no batch (404, no lookup). */
export const BatchIdSchema = z.uuid({ error: 'batch ids are UUIDs' });

export const BatchItemView = z
  .object({
    index: z.number().int().describe('The item\'s place in the request, from 0.'),
    prompt: z.string(),
    status: z.enum(['accepted', 'refused']),
    videoId: z.string().optional().describe('The video the item made (accepted).'),
    error: z
      .object({
        status: z.number().int(),
        code: z.string(),
        message: z.string(),
        limit: z.string().optional().describe('Over a limit (429): which one (`active`, `hour`, `day`).'),
        retryAfterSeconds: z.number().int().optional().describe('Over a limit: when sending the batch again may order the item.'),
      })
      .optional()
      .describe('Why the item was refused: the status, code and message POST /api/videos would have answered.'),
    video: VideoSummary.optional().describe('GET only: the video as it is now (absent once deleted).'),
  })
  .meta({ id: 'BatchItem' });

export const BatchView = z
  .object({
    id: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    items: z.array(BatchItemView),
    summary: z
      .object({
        accepted: z.number().int(),
        refused: z.number().int(),
        queued: z.number().int(),
        running: z.number().int(),
        succeeded: z.number().int(),
        failed: z.number().int(),
        deleted: z.number().int(),
      })
      .describe('Counts of the items; the video states are counted on GET (on POST every accepted video is queued).'),
    replayed: z.boolean().optional().describe('POST: the Idempotency-Key named a batch already made; only its refused items were ordered again.'),
  })
  .meta({ id: 'Batch' });
/** A key's name: what it is for ("CI", "Zapier"); 1–64 characters, not only spaces. */
const ApiKeyName = z
  .string({ error: 'name must be a string' })
  .min(1, 'name must not be empty')
  .max(64, 'name must be at most 64 characters')
  .refine((name) => name.trim().length > 0, 'name must not be only spaces');

const ApiKeyScopes = z
  .array(z.enum(API_KEY_SCOPES, { error: `scopes may hold only ${API_KEY_SCOPES.map((s) => `"${s}"`).join(' and ')}` }), { error: 'scopes must be a list' })
  .min(1, 'scopes must name at least one scope')
  .max(API_KEY_SCOPES.length, `scopes has at most ${API_KEY_SCOPES.length} entries`)
  .refine((scopes) => new Set(scopes).size === scopes.length, 'scopes must not repeat a scope')
  .describe('`read`: the GET routes; `write`: ordering, retrying and deleting videos. Default both.');

/** POST /api/keys. */
export const CreateApiKeyBody = z
  .object({ name: ApiKeyName, scopes: ApiKeyScopes.optional() })
  .strict()
  .meta({ id: 'CreateApiKeyRequest' });

/** An API key's id in a path (`/api/keys/{id}`): `key_` and 16 base64url characters. */
export const ApiKeyIdSchema = z.string().regex(API_KEY_ID_PATTERN, 'API key ids look like key_ and 16 letters, digits, - or _');

const ApiKeyFields = {
  id: z.string().describe('The key id: what DELETE /api/keys/{id} takes.'),
  name: z.string(),
  scopes: z.array(z.enum(API_KEY_SCOPES)),
  hint: z.string().describe('`sk_shorts_…` and the last four characters of the key: enough to tell keys apart.'),
  createdAt: z.string(),
};

export const ApiKeyView = z
  .object({ ...ApiKeyFields, lastUsedAt: z.string().optional().describe('The last request with this key, to the minute.') })
  .meta({ id: 'ApiKey' });

export const ApiKeyList = z.object({ keys: z.array(ApiKeyView), max: z.number().int().describe('Live keys one account may hold.') }).meta({ id: 'ApiKeyList' });

export const CreatedApiKey = z
  .object({ ...ApiKeyFields, key: z.string().describe('The key itself: shown this once, never again (only its SHA-256 is stored).') })
  .meta({ id: 'CreatedApiKey' });

export const RevokedApiKey = z.object({ id: z.string(), revoked: z.literal(true) }).meta({ id: 'RevokedApiKey' });
