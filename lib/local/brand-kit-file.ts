/**
 * `shorts generate --brand kit.json`: the kit file read and checked, then stored as the local
 * user's kit through the same core as PUT /api/brand and POST /api/brand/logo (lambdas/core/brand.ts),
 * so the video is ordered with `brand: true` exactly as through the API.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { BrandPatchSchema, brandSnapshot, logoKey, logoProblem, MAX_LOGO_BYTES, setLogo, updateBrand, type BrandSnapshot, type BrandStore, type LogoContentType } from '../../lambdas/core/brand.js';
import { InvalidInput } from '../../lambdas/core/errors.js';
import type { BlobStore } from '../../lambdas/core/ports.js';

/** A kit file: the settings of PUT /api/brand and `logo`, a picture's path (relative to the file). */
export const BrandKitFileSchema = BrandPatchSchema.extend({
  logo: z.string({ error: 'logo must be the path of a PNG, JPEG or WebP file' }).min(1).optional(),
}).strict();

/** A kit file read and checked, its logo's bytes loaded: ready to store. */
export interface BrandKitFile {
  settings: z.infer<typeof BrandPatchSchema>;
  logo?: { path: string; bytes: Uint8Array; contentType: LogoContentType };
}

/** A kit file that cannot be used; its message names what is wrong. */
export class BadBrandKitFile extends Error {
  override name = 'BadBrandKitFile';
}

const BY_EXTENSION: Record<string, LogoContentType> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp' };

/** Reads `path` (JSON) and the logo it names; a problem is BadBrandKitFile saying which. */
export async function readBrandKitFile(path: string): Promise<BrandKitFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new BadBrandKitFile(`cannot read ${path}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadBrandKitFile(`${path} is not JSON`);
  }
  const parsed = BrandKitFileSchema.safeParse(value);
  if (!parsed.success) {
    throw new BadBrandKitFile(parsed.error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; '));
  }
  const { logo, ...settings } = parsed.data;
  if (!logo) return { settings };
  const logoPath = resolve(dirname(path), logo);
  const contentType = BY_EXTENSION[logoPath.split('.').pop()!.toLowerCase()];
  if (!contentType) throw new BadBrandKitFile(`logo: ${logo} must be a .png, .jpg or .webp file`);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(logoPath);
  } catch {
    throw new BadBrandKitFile(`logo: cannot read ${logo}`);
  }
  if (bytes.byteLength > MAX_LOGO_BYTES) throw new BadBrandKitFile(`logo: ${logo} is larger than 2 MiB`);
  // The same check POST /api/brand/logo makes, before anything starts.
  const problem = logoProblem(bytes, contentType);
  if (problem) throw new BadBrandKitFile(`logo: ${logo}: ${problem}`);
  return { settings, logo: { path: logo, bytes, contentType } };
}

/**
 * Stores the file's kit as `userId`'s (the logo checked as an upload is: type by its bytes, 64–2048 px
 * a side) and answers the snapshot a video ordered now carries. A bad logo is BadBrandKitFile.
 */
export async function applyBrandKitFile(kit: BrandKitFile, userId: string, deps: { brands: BrandStore; blobs: BlobStore; now: Date }): Promise<BrandSnapshot> {
  if (kit.logo) {
    const uploadId = randomUUID();
    await deps.blobs.put(logoKey(userId, uploadId, kit.logo.contentType), kit.logo.bytes, kit.logo.contentType);
    try {
      await setLogo(deps.brands, deps.blobs, userId, uploadId, deps.now);
    } catch (error) {
      if (error instanceof InvalidInput) throw new BadBrandKitFile(`logo: ${kit.logo.path}: ${error.message.replace(/^file: /, '')}`);
      throw error;
    }
  }
  await updateBrand(deps.brands, userId, kit.settings, deps.now);
  return brandSnapshot(deps.brands, userId);
}

