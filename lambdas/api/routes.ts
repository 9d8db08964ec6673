/**
 * The HTTP API's route table: one Lambda per route (`entry`), the same list the local server
 * serves and GET /api/openapi.json documents. The API Gateway construct reads it too: `access`
 * says what each function touches, so it gets exactly those grants and env vars (docs/api.md).
 */
import type { z } from 'zod';
import type { StoreOperation } from '../adapters/aws/store-operations.js';
import type { SecretKey } from '../shared/secret-keys.js';
import { AlertsView, HealthView, MetricsQuery, QueueStatusView, SeriesView } from './ops-schemas.js';
import {
  BatchView,
  CheckoutBody,
  CreateBatchBody,
  CheckoutView,
  CreatedVideo,
  CreateVideoBody,
  CreditsView,
  ApiKeyList,
  CreateApiKeyBody,
  CreatedApiKey,
  DeletedView,
  RevokedApiKey,
  ListQuery,
  McpRequestBody,
  MeView,
  OpenApiView,
  VideoDetail,
  VideoList,
  VoicesQuery,
  VoicesView,
  WebhookView,
} from './schemas.js';
import {
  CreatedWebhookView,
  CreateWebhookBody,
  DeletedWebhookView,
  WebhookDeliveryList,
  WebhookDeliveryView,
  WebhookEndpointList,
  WebhookSecretView,
} from './webhook-schemas.js';
import { BrandAnswer, BrandBody, BrandSaved, LogoUploadBody, LogoUploadTicket, SetLogoBody } from './brand-schemas.js';
import { CheckedTrackView, MusicUploadBody, MusicUploadTicket, MusicView } from './music-schemas.js';
import { PatchSceneBody, PatchStoryboardBody, SetPictureBody, UploadRequestBody, UploadTicket, FileQuery } from './review-schemas.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';


export interface RouteAccess {
  /** The store operations it uses: their DynamoDB grants and table names (lambdas/adapters/aws/store-operations.ts). */
  store: readonly StoreOperation[];
  /**
   * The assets bucket, by key prefix: `read` to presign GETs (s3:GetObject), `delete` to remove a
   * job's files (s3:ListBucket + s3:DeleteObject), `write` to presign PUTs (s3:PutObject: a user's
   * upload). Thumbnails are scene images under `assets/images/`, or a picture the user uploaded in review.
   */
  objects?: { read: readonly string[]; write?: readonly string[]; delete?: readonly string[] };
  /** Sends job ids to the jobs queue. */
  queue?: boolean;
  /** Sends attempts to the webhooks queue (WEBHOOK_QUEUE_URL, sqs:SendMessage). */
  webhookQueue?: boolean;
  /**
   * Keys it reads, each from its own secret (or the env, locally): GetSecretValue on exactly those.
   * Every route also reads ORIGIN_VERIFY, and user routes CLERK_SECRET_KEY without CLERK_JWT_KEY (lib/cloud/api.ts).
   */
  secrets?: readonly Exclude<SecretKey, 'ORIGIN_VERIFY'>[];
  /** Other env vars it reads (besides the table names and the Clerk settings of user routes). */
  env?: readonly string[];
  /**
   * Operator reads (docs/ops.md), each with its grants and the variables naming what it reads
   * (lib/cloud/api.ts `bindOps`): `health` probes every dependency (dynamodb:DescribeTable,
   * s3:ListBucket for HeadBucket, sqs:GetQueueAttributes, states:DescribeStateMachine,
   * lambda:GetFunction on the render function; env ASSETS_BUCKET, JOBS_QUEUE_URL,
   * STATE_MACHINE_ARN, SHORTS_RENDER, REMOTION_FUNCTION_NAME, REMOTION_REGION); `queueStats` reads
   * the jobs queue's and DLQ's depths (sqs:GetQueueAttributes; JOBS_QUEUE_URL, JOBS_DLQ_URL);
   * `alarms` lists the stack's CloudWatch alarms in ALARM (cloudwatch:DescribeAlarms; ALARM_NAME_PREFIX).
   */
  ops?: readonly ('health' | 'queueStats' | 'alarms')[];
}

export interface RouteResponse {
  description: string;
  schema?: z.ZodType;
}

export interface ApiRoute {
  /** PascalCase: construct id and function-name suffix. */
  id: string;
  method: HttpMethod;
  /** API Gateway route path; `{name}` is a path parameter. */
  path: string;
  /** Handler module, relative to the repository root. */
  entry: string;
  summary: string;
  description?: string;
  /** `user`: a Clerk session token or an API key is required; `public`: anyone (the webhook checks Stripe's signature). */
  auth: 'user' | 'public';
  /**
   * A user route an API key may not call (key management, buying credits): a key is answered 403.
   * The handler says the same (`userRoute(…, { sessionOnly: true })`); test/api/keys.test.ts holds them together.
   */
  sessionOnly?: true;
  body?: z.ZodType;
  query?: z.ZodType;
  /** Extra request headers worth documenting. */
  headers?: { name: string; description: string; required: boolean }[];
  responses: Record<number, RouteResponse>;
  access: RouteAccess;
  /**
   * API Gateway's throttle for this route alone (requests per second, burst): a route's bucket is
   * shared by all its callers, so one busy route cannot starve the others (docs/api.md).
   */
  throttle: RouteThrottle;
}

/** What a route that accepts a voice reads to know the provider's voices (GET /api/voices lists them). */
const VOICE_ENV = ['SHORTS_VOICE', 'ELEVENLABS_VOICES'];
/** A user's limits, enforced by the routes that order a video (docs/api.md "Limits"). */
const LIMIT_ENV = ['MAX_ACTIVE_JOBS_PER_USER', 'MAX_JOBS_PER_USER_PER_HOUR', 'MAX_JOBS_PER_USER_PER_DAY'];

/** Steady requests per second and the burst a route's token bucket holds. */
export interface RouteThrottle {
  rate: number;
  burst: number;
}

/** What the routes that show or change a video in review read (docs/api.md "Review before render"). */
const REVIEW_ENV = ['INCLUDED_REGENERATIONS', 'REGENERATION_CREDITS'];
/** The Idempotency-Key of a review change (an edit or a render). */
const CHANGE_KEY = [{ name: 'Idempotency-Key', description: 'Any unique string; a repeat within 24 h with the same body answers as the first did, changing and charging nothing.', required: false }];
/** The answers every storyboard edit may give. */
const EDIT_RESPONSES: Record<number, RouteResponse> = {
  202: { description: 'Accepted: the storyboard changed (revision + 1) and the video is being prepared again (status QUEUED); only what changed is made again.', schema: VideoDetail },
  400: { description: 'A bad body or scene number; `fields` names each problem.' },
  402: { description: 'The edit is past the included regenerations and the balance does not cover it; `balance` and `needed` say how many.' },
  404: { description: 'No such video of yours, or no such scene.' },
  409: { description: '`video_busy`: the video is not in REVIEW (being prepared, rendering, finished — reopen it first) or another change was accepted first.' },
  422: { description: 'The Idempotency-Key was used for a different request.' },
};

/** Users' music tracks: `uploads/music/{userId}/{trackId}` and its record (lambdas/core/music-tracks.ts). */
const MUSIC_UPLOADS = 'uploads/music/';

/** Ordering and retrying cost provider spend: tight. */
const WRITE_THROTTLE: RouteThrottle = { rate: 5, burst: 10 };
/** A setting saved as the user changes it (the brand kit): one small item write, no provider spend. */
const SETTINGS_THROTTLE: RouteThrottle = { rate: 10, burst: 30 };
/** Reads the dashboard polls. */
const READ_THROTTLE: RouteThrottle = { rate: 50, burst: 100 };
/** Operator views: each reads many records or probes every dependency. */
const OPS_THROTTLE: RouteThrottle = { rate: 5, burst: 10 };

/** The alert rules' thresholds (their defaults unless set); what the ops reads name comes with `ops`. */
const ALERT_ENV = [
  'ALERT_WINDOW_MINUTES',
  'ALERT_FAILURE_RATE_CRITICAL_PERCENT',
  'ALERT_FAILURE_RATE_WARNING_PERCENT',
  'ALERT_MIN_FINISHED_JOBS',
  'ALERT_STUCK_MINUTES',
  'ALERT_P95_DURATION_SECONDS',
  'ALERT_QUEUED_MINUTES',
];


/** The brand kit's logos: `brand/{hash of the user id}/logo-{uploadId}.{ext}` (lambdas/core/brand.ts). */
const BRAND_OBJECTS = 'brand/';

/** The brand kit's routes (docs/api.md "Brand kit"). */
const BRAND_ROUTES: readonly ApiRoute[] = [
  {
    id: 'GetBrand',
    method: 'GET',
    path: '/api/brand',
    entry: 'lambdas/api/get-brand/handler.ts',
    summary: "The caller's brand kit (null until one is saved)",
    auth: 'user',
    responses: { 200: { description: 'The kit, its logo presigned; `brand: null` if there is none.', schema: BrandAnswer } },
    access: { store: ['brand.get'], objects: { read: [BRAND_OBJECTS] } },
    throttle: READ_THROTTLE,
  },
  {
    id: 'PutBrand',
    method: 'PUT',
    path: '/api/brand',
    entry: 'lambdas/api/put-brand/handler.ts',
    summary: 'Saves brand settings (logo position and opacity, colours, font); makes the kit if there is none',
    description: 'Settings left out keep their value. Videos already ordered keep the kit they were ordered with.',
    auth: 'user',
    body: BrandBody,
    responses: { 200: { description: 'The kit.', schema: BrandSaved }, 400: { description: 'A bad setting; `fields` names each.' } },
    access: { store: ['brand.get', 'brand.put'], objects: { read: [BRAND_OBJECTS] } },
    throttle: SETTINGS_THROTTLE,
  },
  {
    id: 'UploadBrandLogo',
    method: 'POST',
    path: '/api/brand/logo/upload',
    entry: 'lambdas/api/upload-brand-logo/handler.ts',
    summary: 'A presigned PUT for a logo (PNG, JPEG or WebP, up to 2 MiB)',
    description: 'PUT the file to `uploadUrl` with `headers` (its type and size are signed), then POST /api/brand/logo with the `uploadId`.',
    auth: 'user',
    body: LogoUploadBody,
    responses: { 201: { description: 'Where to upload, until `expiresAt` (15 minutes).', schema: LogoUploadTicket }, 400: { description: 'A bad body; `fields` names each problem.' } },
    access: { store: [], objects: { read: [], write: [BRAND_OBJECTS] } },
    throttle: WRITE_THROTTLE,
  },
  {
    id: 'SetBrandLogo',
    method: 'POST',
    path: '/api/brand/logo',
    entry: 'lambdas/api/set-brand-logo/handler.ts',
    summary: "Makes an uploaded logo the kit's, once its bytes are checked (type, size, 64 to 2048 px a side)",
    auth: 'user',
    body: SetLogoBody,
    responses: {
      200: { description: 'The kit with its new logo.', schema: BrandSaved },
      400: { description: 'Nothing uploaded under `uploadId`, or a bad `file` (not the declared picture type, too big or too small: it is removed).' },
    },
    access: { store: ['brand.get', 'brand.put'], objects: { read: [BRAND_OBJECTS], delete: [BRAND_OBJECTS] } },
    throttle: WRITE_THROTTLE,
  },
  {
    id: 'DeleteBrandLogo',
    method: 'DELETE',
    path: '/api/brand/logo',
    entry: 'lambdas/api/delete-brand-logo/handler.ts',
    summary: 'Takes the logo off the kit (videos already ordered keep it)',
    auth: 'user',
    responses: { 200: { description: 'The kit without a logo.', schema: BrandSaved } },
    access: { store: ['brand.get', 'brand.put'] },
    throttle: WRITE_THROTTLE,
  },
];

export const API_ROUTES: readonly ApiRoute[] = [
  {
    id: 'CreateVideo',
    method: 'POST',
    path: '/api/videos',
    entry: 'lambdas/api/create-video/handler.ts',
    summary: 'Order a video',
    description:
      'Debits the credits (1 up to 60 s, 2 above), records the job and a ledger entry in one transaction, then queues the job. ' +
      'With an Idempotency-Key, repeating the request returns the same job and debits once.',
    auth: 'user',
    body: CreateVideoBody,
    headers: [{ name: 'Idempotency-Key', description: 'Any unique string (a UUID); a repeat within 24 h returns the first job.', required: false }],
    responses: {
      202: { description: 'Queued (or, for a repeated Idempotency-Key, the job it made).', schema: CreatedVideo },
      400: { description: 'The body is not valid (a voice the provider does not offer, or `brand: true` without a brand kit, included); `fields` names each problem.' },
      402: { description: 'Not enough credits; `balance` and `needed` say how many.' },
      422: { description: 'The Idempotency-Key was used for a different request.' },
      429: { description: 'Over a limit of the user (videos in progress, per hour, per day); `limit` names it, `Retry-After` says when to try again.' },
    },
    // brand.get: `brand: true` copies the caller's kit onto the job. uploads/music/: a `music` naming an uploaded track must be the caller's checked one (its record is read).
    access: { store: ['credits.createJob', 'brand.get'], queue: true, objects: { read: [MUSIC_UPLOADS] }, env: ['STARTING_CREDITS', ...VOICE_ENV, ...LIMIT_ENV] },
    throttle: WRITE_THROTTLE,
  },
  {
    id: 'ListVideos',
    method: 'GET',
    path: '/api/videos',
    entry: 'lambdas/api/list-videos/handler.ts',
    summary: "The caller's videos, newest first",
    auth: 'user',
    query: ListQuery,
    responses: { 200: { description: 'A page of videos; pass `nextCursor` as `cursor` for the next.', schema: VideoList } },
    // A thumbnail is the first scene's picture: drawn (assets/images/) or uploaded in review (videos/{id}/uploads/).
    access: { store: ['jobs.listByUser'], objects: { read: ['assets/images/', 'videos/*/uploads/'] } },
    throttle: READ_THROTTLE,
  },
  {
    id: 'GetVideo',
    method: 'GET',
    path: '/api/videos/{id}',
    entry: 'lambdas/api/get-video/handler.ts',
    summary: 'One video: status, steps with timings, progress, error, cost and (when done) a presigned URL',
    auth: 'user',
    responses: { 200: { description: 'The video.', schema: VideoDetail }, 404: { description: 'No such video of yours.' } },
    // assets/voice/, assets/music/: the preview's audio URLs (voice, music bed) are presigned by this function; brand/: its logo.
    access: { store: ['jobs.get'], objects: { read: ['videos/', 'assets/images/', 'assets/voice/', 'assets/music/', BRAND_OBJECTS] }, env: REVIEW_ENV },
    throttle: READ_THROTTLE,
  },
  {
    id: 'GetVideoFile',
    method: 'GET',
    path: '/api/videos/{id}/file',
    entry: 'lambdas/api/get-video-file/handler.ts',
    summary: 'Redirects to a fresh presigned URL of the MP4 (`version=n`: an earlier version kept after a reopen)',
    auth: 'user',
    query: FileQuery,
    responses: {
      302: { description: 'Location: the presigned MP4 URL (valid one hour).' },
      400: { description: 'A bad `version`.' },
      404: { description: 'No such video of yours, or no such version.' },
      409: { description: 'The video is not finished.' },
    },
    access: { store: ['jobs.get'], objects: { read: ['videos/'] } },
    throttle: READ_THROTTLE,
  },
  {
    id: 'DeleteVideo',
    method: 'DELETE',
    path: '/api/videos/{id}',
    entry: 'lambdas/api/delete-video/handler.ts',
    summary: 'Deletes a video and its files (a queued one is cancelled and refunded; one in REVIEW or EXPIRED is deleted without a refund)',
    auth: 'user',
    responses: {
      200: { description: 'Deleted.', schema: DeletedView },
      404: { description: 'No such video of yours.' },
      409: { description: 'The video is being made; delete it when it has finished.' },
    },
    access: { store: ['jobs.get', 'jobs.delete', 'credits.cancelQueued', 'credits.refund'], objects: { read: [], delete: ['videos/'] } },
    throttle: { rate: 10, burst: 20 },
  },
  {
    id: 'RetryVideo',
    method: 'POST',
    path: '/api/videos/{id}/retry',
    entry: 'lambdas/api/retry-video/handler.ts',
    summary: 'Runs a failed video again',
    description:
      'The failure refunded its credits; the retry debits them again in the same transaction that queues it, so a video costs one ' +
      'net debit however often it is retried. Finished steps are not paid for again (the script is kept, images and voice are content-addressed).',
    auth: 'user',
    responses: {
      202: { description: 'Queued again.', schema: CreatedVideo },
      400: { description: 'The video asks for a voice the provider does not offer (any more).' },
      402: { description: 'Not enough credits.' },
      404: { description: 'No such video of yours.' },
      409: { description: 'Only a failed video can be retried.' },
      429: { description: 'Over a limit of the user; a retry counts as an order.' },
    },
    access: { store: ['jobs.get', 'credits.requeueFailed'], queue: true, env: [...VOICE_ENV, ...LIMIT_ENV] },
    throttle: WRITE_THROTTLE,
  },
  // --- Review before render (docs/api.md "Review before render").
  {
    id: 'PatchScene',
    method: 'PATCH',
    path: '/api/videos/{id}/scenes/{n}',
    entry: 'lambdas/api/patch-scene/handler.ts',
    summary: "Changes a scene of a video in REVIEW: narration, image prompt, duration hint",
    description: 'A new narration or image prompt is a regeneration (the first INCLUDED_REGENERATIONS are free, each past them costs REGENERATION_CREDITS).',
    auth: 'user',
    body: PatchSceneBody,
    headers: CHANGE_KEY,
    responses: EDIT_RESPONSES,
    access: { store: ['jobs.get', 'credits.applyReviewChange'], queue: true, env: REVIEW_ENV },
    throttle: WRITE_THROTTLE,
  },
  {
    id: 'PatchStoryboard',
    method: 'PATCH',
    path: '/api/videos/{id}/storyboard',
    entry: 'lambdas/api/patch-storyboard/handler.ts',
    summary: 'Changes the storyboard of a video in REVIEW: title, hook, and the scenes (reorder, delete, add)',
    description: 'A changed hook and each new or changed scene is a regeneration; a reorder, a delete, the title and duration hints are not.',
    auth: 'user',
    body: PatchStoryboardBody,
    headers: CHANGE_KEY,
    responses: EDIT_RESPONSES,
    access: { store: ['jobs.get', 'credits.applyReviewChange'], queue: true, env: REVIEW_ENV },
    throttle: WRITE_THROTTLE,
  },
  {
    id: 'RegenerateScene',
    method: 'POST',
    path: '/api/videos/{id}/scenes/{n}/regenerate',
    entry: 'lambdas/api/regenerate-scene/handler.ts',
    summary: "Draws a scene's picture again with a new seed (a regeneration); an uploaded picture is dropped",
    auth: 'user',
    headers: CHANGE_KEY,
    responses: EDIT_RESPONSES,
    access: { store: ['jobs.get', 'credits.applyReviewChange'], queue: true, env: REVIEW_ENV },
    throttle: WRITE_THROTTLE,
  },
  {
    id: 'UploadScenePicture',
    method: 'POST',
    path: '/api/videos/{id}/scenes/{n}/upload',
    entry: 'lambdas/api/upload-scene-picture/handler.ts',
    summary: "A presigned PUT for the user's own picture of a scene (PNG, JPEG or WebP, up to 10 MiB)",
    description: 'PUT the file to `url` with `headers` (its type and size are signed), then POST scenes/{n}/image with the `uploadId`.',
    auth: 'user',
    body: UploadRequestBody,
    responses: {
      200: { description: 'Where to PUT the file.', schema: UploadTicket },
      400: { description: 'A bad type or size; `fields` names it.' },
      404: { description: 'No such video of yours, or no such scene.' },
      409: { description: '`video_busy`: the video is not in REVIEW.' },
    },
    access: { store: ['jobs.get'], objects: { read: [], write: ['videos/'] } },
    throttle: WRITE_THROTTLE,
  },
  {
    id: 'SetScenePicture',
    method: 'POST',
    path: '/api/videos/{id}/scenes/{n}/image',
    entry: 'lambdas/api/set-scene-picture/handler.ts',
    summary: "Makes an uploaded picture the scene's picture, once its bytes are checked (type, size, 256 to 8192 px a side)",
    auth: 'user',
    body: SetPictureBody,
    headers: CHANGE_KEY,
    responses: { ...EDIT_RESPONSES, 400: { description: 'A bad body, or the upload is missing, not the declared picture type, too big or too small; `fields` names `uploadId` and says why.' } },
    access: { store: ['jobs.get', 'credits.requeueReview'], objects: { read: ['videos/'] }, queue: true, env: REVIEW_ENV },
    throttle: WRITE_THROTTLE,
  },
  {
    id: 'RenderVideo',
    method: 'POST',
    path: '/api/videos/{id}/render',
    entry: 'lambdas/api/render-video/handler.ts',
    summary: 'Renders a video in REVIEW from its storyboard (no charge: the price was paid when it was ordered)',
    auth: 'user',
    headers: CHANGE_KEY,
    responses: {
      202: { description: 'Queued for the render (status QUEUED); every picture and the voice are reused.', schema: VideoDetail },
      404: { description: 'No such video of yours.' },
      409: { description: '`video_busy`: the video is not in REVIEW (a second render, a change being prepared).' },
      422: { description: 'The Idempotency-Key was used for a different request.' },
    },
    access: { store: ['jobs.get', 'credits.requeueReview'], queue: true, env: REVIEW_ENV },
    throttle: WRITE_THROTTLE,
  },
  {
    id: 'ReopenVideo',
    method: 'POST',
    path: '/api/videos/{id}/reopen',
    entry: 'lambdas/api/reopen-video/handler.ts',
    summary: 'Puts a finished video back in REVIEW to edit and render again as a new version (the earlier file is kept)',
    auth: 'user',
    responses: {
      200: { description: 'In REVIEW; `versions` lists the earlier renders.', schema: VideoDetail },
      404: { description: 'No such video of yours.' },
      409: { description: '`video_busy`: the video is not finished; `too_many_versions`: it has 5 versions already.' },
    },
    access: { store: ['jobs.get', 'jobs.update'], objects: { read: ['videos/'] }, env: [...REVIEW_ENV, 'REVIEW_TTL_HOURS'] },
    throttle: WRITE_THROTTLE,
  },
  {
    id: 'CreateBatch',
    method: 'POST',
    path: '/api/batches',
    entry: 'lambdas/api/create-batch/handler.ts',
    summary: 'Order up to 50 videos at once',
    description:
      'Each item is ordered as POST /api/videos orders one, in its own transaction (voice, credits, limits), in order: the answer says which ' +
      'items made videos and which were refused and why. With an Idempotency-Key, sending the same batch again orders only the refused items.',
    auth: 'user',
    body: CreateBatchBody,
    headers: [{ name: 'Idempotency-Key', description: 'Names the batch: a repeat within 24 h orders only the items refused before.', required: false }],
    responses: {
      202: { description: 'The batch: each item accepted (with its video id) or refused (with the status, code and message).', schema: BatchView },
      400: { description: 'The body is not valid; `fields` names each problem (e.g. `items.3.prompt`).' },
    },
    access: { store: ['credits.createJob', 'batches.get', 'batches.save'], queue: true, env: ['STARTING_CREDITS', ...VOICE_ENV, ...LIMIT_ENV] },
    throttle: WRITE_THROTTLE,
  },
  {
    id: 'GetBatch',
    method: 'GET',
    path: '/api/batches/{id}',
    entry: 'lambdas/api/get-batch/handler.ts',
    summary: 'A batch: each item with its video as it is now, and counts by state',
    auth: 'user',
    responses: { 200: { description: 'The batch.', schema: BatchView }, 404: { description: 'No such batch of yours (batches are kept 30 days).' } },
    access: { store: ['batches.get', 'jobs.get'] },
    throttle: READ_THROTTLE,
  },
  {
    id: 'CreateMusicUpload',
    method: 'POST',
    path: '/api/music/uploads',
    entry: 'lambdas/api/create-music-upload/handler.ts',
    summary: 'A presigned PUT for a music track of your own (MP3 or WAV, up to 20 MiB)',
    description: 'PUT the file to `uploadUrl` with `headers` (its type and length are signed), then POST /api/music/{trackId} to check it.',
    auth: 'user',
    body: MusicUploadBody,
    responses: { 201: { description: 'The track id and where to PUT the file.', schema: MusicUploadTicket }, 400: { description: 'A bad name, type or size; `fields` names it.' } },
    // Writes the track's record (uploads/music/{userId}/{trackId}.json) and presigns the PUT beside it.
    access: { store: [], objects: { read: [], write: [MUSIC_UPLOADS] } },
    throttle: WRITE_THROTTLE,
  },
  {
    id: 'CheckMusicTrack',
    method: 'POST',
    path: '/api/music/{trackId}',
    entry: 'lambdas/api/check-music-track/handler.ts',
    summary: 'Checks an uploaded track (type from its bytes, size, 5 s to 10 min) and makes it usable',
    auth: 'user',
    responses: {
      200: { description: 'The checked track.', schema: CheckedTrackView },
      400: { description: 'Nothing uploaded yet, or a bad file (removed); `fields` names `file` and says why.' },
      404: { description: 'No such track of yours.' },
    },
    access: { store: [], objects: { read: [MUSIC_UPLOADS], write: [MUSIC_UPLOADS], delete: [MUSIC_UPLOADS] } },
    throttle: WRITE_THROTTLE,
  },
  {
    id: 'ListMusic',
    method: 'GET',
    path: '/api/music',
    entry: 'lambdas/api/list-music/handler.ts',
    summary: "The music moods and the caller's checked tracks",
    auth: 'user',
    responses: { 200: { description: 'Moods and tracks.', schema: MusicView } },
    access: { store: [], objects: { read: [MUSIC_UPLOADS] } },
    throttle: READ_THROTTLE,
  },
  {
    id: 'DeleteMusicTrack',
    method: 'DELETE',
    path: '/api/music/{trackId}',
    entry: 'lambdas/api/delete-music-track/handler.ts',
    summary: 'Deletes one of your tracks (videos already made keep their music)',
    auth: 'user',
    responses: { 204: { description: 'Deleted.' }, 404: { description: 'No such track of yours.' } },
    access: { store: [], objects: { read: [MUSIC_UPLOADS], delete: [MUSIC_UPLOADS] } },
    throttle: WRITE_THROTTLE,
  },
  {
    id: 'ListVoices',
    method: 'GET',
    path: '/api/voices',
    entry: 'lambdas/api/list-voices/handler.ts',
    summary: 'The voices a caller may choose with the configured voice provider, and the default one (`language`: those of one language)',
    auth: 'user',
    query: VoicesQuery,
    responses: { 200: { description: 'The voices (id, name, language when known).', schema: VoicesView }, 400: { description: 'A bad `language`.' } },
    access: { store: [], env: VOICE_ENV },
    throttle: READ_THROTTLE,
  },
  {
    id: 'GetCredits',
    method: 'GET',
    path: '/api/credits',
    entry: 'lambdas/api/get-credits/handler.ts',
    summary: 'Balance and recent ledger entries (newest first)',
    auth: 'user',
    query: ListQuery,
    responses: { 200: { description: 'The balance and a page of the ledger.', schema: CreditsView } },
    access: { store: ['credits.account', 'credits.ledger'], env: ['STARTING_CREDITS'] },
    throttle: READ_THROTTLE,
  },
  {
    id: 'GetMe',
    method: 'GET',
    path: '/api/me',
    entry: 'lambdas/api/get-me/handler.ts',
    summary: 'Who the token belongs to: user id, admin role, balance, and the price of a credit',
    auth: 'user',
    responses: { 200: { description: 'The caller.', schema: MeView } },
    access: { store: ['credits.account'], env: ['STARTING_CREDITS', 'ADMIN_USER_IDS', 'CREDIT_PRICE_CENTS'] },
    throttle: READ_THROTTLE,
  },
  {
    id: 'Mcp',
    method: 'POST',
    path: '/api/mcp',
    entry: 'lambdas/api/mcp/handler.ts',
    summary: 'The MCP server (Model Context Protocol) for agents: Streamable HTTP, stateless, JSON answers',
    description:
      'Tools create_video, get_video, list_videos, get_credits and list_voices, each running its route (POST /api/videos, GET /api/videos/{id}, ' +
      'GET /api/videos, GET /api/credits, GET /api/voices) for the caller, with that route\'s input schema, checks and messages; a route\'s ' +
      'error is a tool error (`isError`) with its message. Send `Accept: application/json, text/event-stream` (docs/mcp.md).',
    auth: 'user',
    body: McpRequestBody,
    headers: [{ name: 'Accept', description: 'application/json, text/event-stream (the Streamable HTTP transport requires both).', required: true }],
    responses: {
      200: { description: 'The JSON-RPC answer (a tool error is a result with `isError: true`).' },
      202: { description: 'A notification or response was accepted (no body).' },
      400: { description: 'Not a JSON-RPC message.' },
      406: { description: 'The Accept header does not take both application/json and text/event-stream.' },
      415: { description: 'The body is not application/json.' },
    },
    // The union of what its tools' routes use, and nothing more (test/api/mcp.test.ts).
    access: {
      // brand.get: create_video with `brand: true` copies the caller's kit (the CreateVideo handler).
      store: ['credits.createJob', 'jobs.listByUser', 'jobs.get', 'credits.account', 'credits.ledger', 'brand.get'],
      objects: { read: ['videos/', 'assets/images/', 'assets/voice/', 'assets/music/', 'videos/*/uploads/', MUSIC_UPLOADS, BRAND_OBJECTS] },
      queue: true,
      env: ['STARTING_CREDITS', ...VOICE_ENV, ...LIMIT_ENV, ...REVIEW_ENV],
    },
    // Its tools order videos (the limits per user still apply) and agents poll get_video.
    throttle: { rate: 10, burst: 20 },
  },
  {
    id: 'CreateCheckout',
    method: 'POST',
    path: '/api/billing/checkout',
    entry: 'lambdas/api/create-checkout/handler.ts',
    summary: 'Starts a Stripe Checkout for credits',
    auth: 'user',
    sessionOnly: true,
    body: CheckoutBody,
    responses: {
      200: { description: 'Send the buyer to `url`.', schema: CheckoutView },
      503: { description: 'Payments are not configured.' },
    },
    access: { store: [], secrets: ['STRIPE_SECRET_KEY'], env: ['APP_URL', 'CREDIT_PRICE_CENTS', 'STRIPE_API_BASE'] },
    throttle: WRITE_THROTTLE,
  },
  {
    id: 'CreateApiKey',
    method: 'POST',
    path: '/api/keys',
    entry: 'lambdas/api/create-api-key/handler.ts',
    summary: 'Creates an API key; the key is in this answer only',
    description:
      'Send it as `Authorization: Bearer sk_shorts_…` to any route a session may call, but key management and billing. ' +
      'Only its SHA-256 is stored: lose it and make another. Needs a signed-in session (a key cannot make keys).',
    auth: 'user',
    sessionOnly: true,
    body: CreateApiKeyBody,
    responses: {
      201: { description: 'The key (shown once) and its record.', schema: CreatedApiKey },
      400: { description: 'A bad name or scopes; `fields` names each problem.' },
      403: { description: 'Called with an API key: this route needs a session.' },
      409: { description: 'The account holds the most live keys it may (`max`); revoke one first.' },
    },
    access: { store: ['apiKeys.create'] },
    throttle: WRITE_THROTTLE,
  },
  {
    id: 'ListApiKeys',
    method: 'GET',
    path: '/api/keys',
    entry: 'lambdas/api/list-api-keys/handler.ts',
    summary: "The caller's live API keys, newest first (never the keys themselves)",
    description: 'Needs a signed-in session.',
    auth: 'user',
    sessionOnly: true,
    responses: { 200: { description: 'The keys, each with a hint of the key and its last use.', schema: ApiKeyList }, 403: { description: 'Called with an API key.' } },
    access: { store: ['apiKeys.list'] },
    throttle: READ_THROTTLE,
  },
  {
    id: 'RevokeApiKey',
    method: 'DELETE',
    path: '/api/keys/{id}',
    entry: 'lambdas/api/revoke-api-key/handler.ts',
    summary: 'Revokes an API key: the next request with it is a 401',
    description: 'Needs a signed-in session.',
    auth: 'user',
    sessionOnly: true,
    responses: {
      200: { description: 'Revoked.', schema: RevokedApiKey },
      403: { description: 'Called with an API key.' },
      404: { description: 'No such live key of yours.' },
    },
    access: { store: ['apiKeys.revoke'] },
    throttle: { rate: 10, burst: 20 },
  },
  {
    id: 'StripeWebhook',
    method: 'POST',
    path: '/api/billing/webhook',
    entry: 'lambdas/api/stripe-webhook/handler.ts',
    summary: 'Stripe events (signed); a paid checkout credits the buyer once, a refund or dispute takes its credits back once',
    auth: 'public',
    headers: [{ name: 'Stripe-Signature', description: "Stripe's signature of the raw body.", required: true }],
    responses: {
      200: { description: 'Received.', schema: WebhookView },
      400: { description: 'Missing or bad signature, a malformed event, or a paid checkout whose mode, currency or amount is not what its credits cost (nothing credited).' },
    },
    access: { store: ['credits.purchase', 'credits.reverse'], secrets: ['STRIPE_WEBHOOK_SECRET'], env: ['STARTING_CREDITS', 'CREDIT_PRICE_CENTS'] },
    // Its own bucket, generous: Stripe's deliveries never wait behind users' requests.
    throttle: { rate: 50, burst: 100 },
  },
  {
    id: 'OpenApi',
    method: 'GET',
    path: '/api/openapi.json',
    entry: 'lambdas/api/openapi/handler.ts',
    summary: 'This API as an OpenAPI 3.1 document',
    auth: 'public',
    responses: { 200: { description: 'The document.', schema: OpenApiView } },
    access: { store: [] },
    throttle: { rate: 10, burst: 20 },
  },
  {
    id: 'GetHealth',
    method: 'GET',
    path: '/api/health',
    entry: 'lambdas/api/get-health/handler.ts',
    summary: 'Operators: DynamoDB, S3, the queue, the state machine and the render backend, each checked with its latency',
    description: 'Needs the admin role.',
    auth: 'user',
    responses: {
      200: { description: 'Every check passed.', schema: HealthView },
      403: { description: 'Not an admin.' },
      503: { description: 'A check failed; `failed` names it and its entry in `checks` says why.', schema: HealthView },
    },
    access: { store: [], ops: ['health'] },
    throttle: OPS_THROTTLE,
  },
  {
    id: 'GetMetrics',
    method: 'GET',
    path: '/api/metrics',
    entry: 'lambdas/api/get-metrics/handler.ts',
    summary: 'Operators: a time series computed from the job records',
    description: 'Jobs created/succeeded/failed, success and error rate, p50/p95 job and step durations, cost. Needs the admin role.',
    auth: 'user',
    query: MetricsQuery,
    responses: {
      200: { description: 'The series, one point per period.', schema: SeriesView },
      400: { description: 'Unknown metric or bad range; `metrics` lists the valid names.' },
      403: { description: 'Not an admin.' },
    },
    access: { store: ['jobs.get', 'jobs.listByStatus'] },
    throttle: OPS_THROTTLE,
  },
  {
    id: 'GetQueueStatus',
    method: 'GET',
    path: '/api/queue/status',
    entry: 'lambdas/api/get-queue-status/handler.ts',
    summary: 'Operators: queued, running, dead-lettered, the oldest wait and the most recent jobs',
    description: 'Needs the admin role.',
    auth: 'user',
    responses: { 200: { description: 'The queue.', schema: QueueStatusView }, 403: { description: 'Not an admin.' } },
    access: { store: ['jobs.get', 'jobs.listByStatus'], ops: ['queueStats'], env: ['MAX_RUNNING_PIPELINES'] },
    throttle: OPS_THROTTLE,
  },
  {
    id: 'GetAlerts',
    method: 'GET',
    path: '/api/alerts',
    entry: 'lambdas/api/get-alerts/handler.ts',
    summary: 'Operators: active alerts with severity, since when and why',
    description: 'Failure rate, dead letters, stuck jobs, long waits, p95 duration, failing health checks and (in AWS) CloudWatch alarms in ALARM. Needs the admin role.',
    auth: 'user',
    responses: { 200: { description: 'The active alerts, critical first.', schema: AlertsView }, 403: { description: 'Not an admin.' } },
    access: { store: ['jobs.get', 'jobs.listByStatus'], ops: ['health', 'queueStats', 'alarms'], env: ALERT_ENV },
    throttle: OPS_THROTTLE,
  },
  // --- Completion webhooks (docs/api.md "Webhooks").
  {
    id: 'CreateWebhook',
    method: 'POST',
    path: '/api/webhooks',
    entry: 'lambdas/api/create-webhook/handler.ts',
    summary: 'Registers a webhook endpoint for video.succeeded / video.failed; its signing secret is shown only in this answer',
    auth: 'user',
    body: CreateWebhookBody,
    responses: {
      201: { description: 'Registered; `secret` (whsec_…) verifies its deliveries.', schema: CreatedWebhookView },
      400: { description: 'Bad body, or `url` is not https:// to a public address (it is resolved and checked).' },
      409: { description: 'The user has the most endpoints allowed (10).' },
    },
    access: { store: ['webhooks.addEndpoint'] },
    throttle: WRITE_THROTTLE,
  },
  {
    id: 'ListWebhooks',
    method: 'GET',
    path: '/api/webhooks',
    entry: 'lambdas/api/list-webhooks/handler.ts',
    summary: "The caller's webhook endpoints (without secrets)",
    auth: 'user',
    responses: { 200: { description: 'The endpoints.', schema: WebhookEndpointList } },
    access: { store: ['webhooks.listEndpoints'] },
    throttle: READ_THROTTLE,
  },
  {
    id: 'DeleteWebhook',
    method: 'DELETE',
    path: '/api/webhooks/{id}',
    entry: 'lambdas/api/delete-webhook/handler.ts',
    summary: 'Deletes a webhook endpoint',
    auth: 'user',
    responses: { 200: { description: 'Deleted.', schema: DeletedWebhookView }, 404: { description: 'No such webhook of yours.' } },
    access: { store: ['webhooks.deleteEndpoint'] },
    throttle: { rate: 10, burst: 20 },
  },
  {
    id: 'RotateWebhookSecret',
    method: 'POST',
    path: '/api/webhooks/{id}/rotate',
    entry: 'lambdas/api/rotate-webhook-secret/handler.ts',
    summary: 'A new signing secret for an endpoint (shown once); the old one also signs for 24 hours',
    auth: 'user',
    responses: { 200: { description: 'The new secret.', schema: WebhookSecretView }, 404: { description: 'No such webhook of yours.' } },
    access: { store: ['webhooks.rotateSecret'] },
    throttle: WRITE_THROTTLE,
  },
  {
    id: 'ListWebhookDeliveries',
    method: 'GET',
    path: '/api/webhooks/{id}/deliveries',
    entry: 'lambdas/api/list-webhook-deliveries/handler.ts',
    summary: "An endpoint's last 50 deliveries: event, webhook-id, state, attempts (time, status code, error), next attempt",
    description: '`video-url` as the id lists the deliveries to videos\' own `webhookUrl`.',
    auth: 'user',
    responses: { 200: { description: 'The deliveries, newest first.', schema: WebhookDeliveryList }, 404: { description: 'No such webhook of yours.' } },
    access: { store: ['webhooks.read'] },
    throttle: READ_THROTTLE,
  },
  {
    id: 'ResendWebhookDelivery',
    method: 'POST',
    path: '/api/webhooks/{id}/deliveries/{deliveryId}/resend',
    entry: 'lambdas/api/resend-webhook-delivery/handler.ts',
    summary: 'Sends a delivery again now: one attempt, the same payload and webhook-id',
    auth: 'user',
    responses: {
      202: { description: 'The attempt is queued.', schema: WebhookDeliveryView },
      404: { description: 'No such delivery of yours.' },
      409: { description: 'The delivery is still being tried.' },
    },
    access: { store: ['webhooks.resend'], webhookQueue: true },
    throttle: WRITE_THROTTLE,
  },
  {
    id: 'GetWebhookSecret',
    method: 'POST',
    path: '/api/webhook-secret',
    entry: 'lambdas/api/get-webhook-secret/handler.ts',
    summary: "The secret that signs deliveries to videos' own webhookUrl (made on first call, the same afterwards)",
    auth: 'user',
    responses: { 200: { description: 'The secret.', schema: WebhookSecretView } },
    access: { store: ['webhooks.signingSecret'] },
    throttle: WRITE_THROTTLE,
  },
  ...BRAND_ROUTES,
];

/**
 * The store operations a route's function makes: its own, and for a user route the API key
 * lookup every request with a key makes (lambdas/api/auth.ts), with its once-a-minute lastUsedAt write.
 */
export function storeOperationsOf(route: Pick<ApiRoute, 'auth' | 'access'>): StoreOperation[] {
  return [...new Set<StoreOperation>([...route.access.store, ...(route.auth === 'user' ? (['apiKeys.authenticate'] as const) : [])])];
}

/** `GET /api/videos/{id}` as API Gateway writes route keys. */
export function routeKey(route: { method: string; path: string }): string {
  return `${route.method} ${route.path}`;
}
