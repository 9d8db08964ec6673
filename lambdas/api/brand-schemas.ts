/** The brand kit's HTTP shapes (docs/api.md "Brand kit"). */
import { z } from 'zod';
import { BrandPatchSchema, LOGO_TYPES, MAX_LOGO_BYTES } from '../core/brand.js';
import { BRAND_FONTS, LOGO_POSITIONS } from '../core/model.js';

export const BrandKitView = z
  .object({
    logoUrl: z.string().optional().describe('The logo (presigned GET, one hour); absent: no logo.'),
    logoPosition: z.enum(LOGO_POSITIONS),
    logoOpacity: z.number().describe('0.1–1.'),
    primaryColor: z.string().describe('`#rrggbb`: the spoken word’s highlight or box, and the title pill.'),
    textColor: z.string().describe('`#rrggbb`: the captions’ text.'),
    font: z.enum(BRAND_FONTS),
    updatedAt: z.string(),
  })
  .meta({ id: 'BrandKit' });

/** GET /api/brand */
export const BrandAnswer = z.object({ brand: BrandKitView.nullable() }).meta({ id: 'BrandAnswer' });
/** PUT /api/brand, POST and DELETE /api/brand/logo */
export const BrandSaved = z.object({ brand: BrandKitView }).meta({ id: 'BrandSaved' });

export const BrandBody = BrandPatchSchema.meta({ id: 'BrandPatch' });

export const LogoUploadBody = z
  .object({
    contentType: z.enum(Object.keys(LOGO_TYPES) as [keyof typeof LOGO_TYPES], { error: `contentType must be one of ${Object.keys(LOGO_TYPES).join(', ')}` }),
    bytes: z
      .number({ error: 'bytes must be a number' })
      .int('bytes must be a whole number')
      .min(1, 'bytes must be at least 1')
      .max(MAX_LOGO_BYTES, `bytes must be at most ${MAX_LOGO_BYTES} (2 MiB)`),
  })
  .strict()
  .meta({ id: 'LogoUploadRequest' });

export const LogoUploadTicket = z
  .object({
    uploadId: z.string(),
    uploadUrl: z.string().describe('PUT the file here, with `headers`, before `expiresAt`.'),
    headers: z.record(z.string(), z.string()),
    expiresAt: z.string(),
  })
  .meta({ id: 'LogoUploadTicket' });

export const SetLogoBody = z
  .object({ uploadId: z.uuid({ error: 'uploadId must be the id POST /api/brand/logo/upload gave' }) })
  .strict()
  .meta({ id: 'SetLogo' });
