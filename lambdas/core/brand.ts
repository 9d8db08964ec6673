/**
 * A user's brand kit (PUT /api/brand): a logo watermark, two colours and a font, applied to every
 * video ordered with `brand: true`. The kit is copied onto the job when the video is ordered, so a
 * later edit never changes a queued video (docs/api.md "Brand kit").
 */
import { createHash } from 'node:crypto';
import { PICTURE_TYPES, pictureProblem } from './picture-upload.js';
import { z } from 'zod';
import { InvalidInput, NotFound } from './errors.js';
import { BRAND_FONTS, LOGO_POSITIONS } from './model.js';
import type { BlobStore } from './ports.js';
import type { BrandProps } from './video-props.js';

const COLOR = /^#[0-9a-fA-F]{6}$/;

/** What a kit holds before the user changes anything. */
export const BRAND_DEFAULTS = {
  logoPosition: 'top-right',
  logoOpacity: 0.85,
  primaryColor: '#FFD53D',
  textColor: '#FFFFFF',
  font: 'inter',
} as const satisfies Omit<BrandKit, 'updatedAt'>;

/** The kit as stored: the logo by its key in the assets bucket (presigned on each read). */
export interface BrandKit {
  logoKey?: string;
  logoPosition: (typeof LOGO_POSITIONS)[number];
  logoOpacity: number;
  primaryColor: string;
  textColor: string;
  font: (typeof BRAND_FONTS)[number];
  updatedAt: string;
}

/** The kit as copied onto a job's request (`request.brandKit`): what Start Render draws. */
export type BrandSnapshot = Omit<BrandKit, 'updatedAt'>;

/** PUT /api/brand: any of the kit's settings; what is left out keeps its value. */
export const BrandPatchSchema = z
  .object({
    logoPosition: z.enum(LOGO_POSITIONS, { error: `logoPosition must be one of ${LOGO_POSITIONS.join(', ')}` }).optional(),
    logoOpacity: z
      .number({ error: 'logoOpacity must be a number' })
      .min(0.1, 'logoOpacity must be at least 0.1')
      .max(1, 'logoOpacity must be at most 1')
      .optional(),
    primaryColor: z.string({ error: 'primaryColor must be a string' }).regex(COLOR, 'primaryColor must be a colour like #1a2b3c').optional(),
    textColor: z.string({ error: 'textColor must be a string' }).regex(COLOR, 'textColor must be a colour like #1a2b3c').optional(),
    font: z.enum(BRAND_FONTS, { error: `font must be one of ${BRAND_FONTS.join(', ')}` }).optional(),
  })
  .strict();
export type BrandPatch = z.infer<typeof BrandPatchSchema>;

/** Durable brand kits, one per user (DynamoBrandStore). */
export interface BrandStore {
  get(userId: string): Promise<BrandKit | undefined>;
  put(userId: string, kit: BrandKit): Promise<void>;
}

/** A logo's allowed types, by content type: the file extension and image-size's name. */
export const LOGO_TYPES = PICTURE_TYPES;
export type LogoContentType = keyof typeof LOGO_TYPES;
export const MAX_LOGO_BYTES = 2 * 1024 * 1024;
export const MIN_LOGO_SIDE = 64;
export const MAX_LOGO_SIDE = 2048;
/** How long the logo URL in an answer works. */
export const LOGO_VIEW_SECONDS = 3600;
/** How long a logo's presigned PUT works. */
export const LOGO_UPLOAD_SECONDS = 900;

/** The bucket prefix every object of the brand kits lives under (the routes' grants name it). */
export const BRAND_PREFIX = 'brand/';

/**
 * A user's own prefix for logos. The user id is hashed: ids may hold any printable character
 * (`/`, `..`), and a key must never reach outside its user's prefix.
 */
export function brandPrefix(userId: string): string {
  return `${BRAND_PREFIX}${createHash('sha256').update(userId).digest('hex').slice(0, 32)}/`;
}

export function logoKey(userId: string, uploadId: string, contentType: LogoContentType): string {
  return `${brandPrefix(userId)}logo-${uploadId}.${LOGO_TYPES[contentType].extension}`;
}

/** The user's kit, or a fresh one with the defaults (not stored until changed). */
function kitOrDefaults(kit: BrandKit | undefined, now: Date): BrandKit {
  return kit ?? { ...BRAND_DEFAULTS, updatedAt: now.toISOString() };
}

/** PUT /api/brand: the settings given replace the kit's (a kit is made if there is none). */
export async function updateBrand(store: BrandStore, userId: string, patch: BrandPatch, now: Date): Promise<BrandKit> {
  const kit: BrandKit = { ...kitOrDefaults(await store.get(userId), now), ...patch, updatedAt: now.toISOString() };
  await store.put(userId, kit);
  return kit;
}

/**
 * The uploaded logo's key once its bytes are checked: PNG, JPEG or WebP by its bytes (not its
 * name), at most {@link MAX_LOGO_BYTES}, each side {@link MIN_LOGO_SIDE}..{@link MAX_LOGO_SIDE} px.
 * A bad file is removed and answered InvalidInput naming `file`; no file at all names `uploadId`.
 */
export async function checkedLogo(userId: string, uploadId: string, blobs: BlobStore): Promise<string> {
  for (const contentType of Object.keys(LOGO_TYPES) as LogoContentType[]) {
    const key = logoKey(userId, uploadId, contentType);
    let bytes: Uint8Array;
    try {
      bytes = await blobs.get(key);
    } catch (error) {
      if (error instanceof NotFound) continue;
      throw error;
    }
    const problem = logoProblem(bytes, contentType);
    if (problem) {
      await blobs.deletePrefix(key);
      throw new InvalidInput(`file: ${problem}; upload another`);
    }
    return key;
  }
  throw new InvalidInput('uploadId: nothing was uploaded under this id (upload the file to its URL first; an upload URL works 15 minutes)');
}

/** What is wrong with a logo's bytes for its declared type, or undefined if it is a good logo. */
export function logoProblem(bytes: Uint8Array, contentType: LogoContentType): string | undefined {
  return pictureProblem(bytes, contentType, { maxBytes: MAX_LOGO_BYTES, minSide: MIN_LOGO_SIDE, maxSide: MAX_LOGO_SIDE });
}

/**
 * POST /api/brand/logo: a checked upload becomes the kit's logo. The logo it replaces is kept:
 * videos already ordered with it still draw it (the kit is copied onto each job, logo key included).
 */
export async function setLogo(store: BrandStore, blobs: BlobStore, userId: string, uploadId: string, now: Date): Promise<BrandKit> {
  const key = await checkedLogo(userId, uploadId, blobs);
  const kit: BrandKit = { ...kitOrDefaults(await store.get(userId), now), logoKey: key, updatedAt: now.toISOString() };
  await store.put(userId, kit);
  return kit;
}

/** DELETE /api/brand/logo: the kit has no logo from now on (videos already ordered keep theirs). */
export async function removeLogo(store: BrandStore, userId: string, now: Date): Promise<BrandKit> {
  const { logoKey: _dropped, ...rest } = kitOrDefaults(await store.get(userId), now);
  const kit: BrandKit = { ...rest, updatedAt: now.toISOString() };
  await store.put(userId, kit);
  return kit;
}

/** The kit as the API shows it: the logo as a presigned GET. */
export async function brandView(
  kit: BrandKit,
  presign: (key: string) => Promise<string>,
): Promise<Omit<BrandKit, 'logoKey'> & { logoUrl?: string }> {
  const { logoKey: key, ...rest } = kit;
  return { ...(key ? { logoUrl: await presign(key) } : {}), ...rest };
}

/** The kit to copy onto a video ordered with `brand: true`; none is InvalidInput naming `brand`. */
export async function brandSnapshot(store: BrandStore, userId: string): Promise<BrandSnapshot> {
  const kit = await store.get(userId);
  if (!kit) throw new InvalidInput('brand: you have no brand kit yet; PUT /api/brand first');
  const { updatedAt: _at, ...snapshot } = kit;
  return snapshot;
}

/** The composition's brand props from a job's snapshot, its logo presigned. */
export async function brandProps(snapshot: BrandSnapshot, presign: (key: string) => Promise<string>): Promise<BrandProps> {
  const { logoKey: key, ...rest } = snapshot;
  return { ...rest, ...(key ? { logoUrl: await presign(key) } : {}) };
}
