/**
 * The brand kit routes (docs/api.md "Brand kit"), through the typed client generated from
 * /api/openapi.json: GET/PUT /api/brand, the logo's presigned upload and its check,
 * DELETE /api/brand/logo.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { unwrap, type Schemas } from '../../../lambdas/api/client/shorts-client.js';
import type { BrandFont, LogoPosition } from '../../../lambdas/core/model.js';
import type { BrandProps } from '../../../lambdas/core/video-props.js';
import { ApiError, type Api } from './client.js';
import { useApi } from './hooks.js';
import { stableUrl } from './stable-urls.js';

/** GET /api/brand's `brand`: the user's kit (logoUrl is a presigned GET). */
export type BrandKit = Schemas['BrandKit'];

/** The body of PUT /api/brand. */
export interface BrandSettings {
  logoPosition: LogoPosition;
  logoOpacity: number;
  primaryColor: string;
  textColor: string;
  font: BrandFont;
}

/** A kit's settings, or the defaults a new kit starts from. */
export function settingsOf(kit: BrandKit | null | undefined): BrandSettings {
  return {
    logoPosition: kit?.logoPosition ?? 'top-right',
    logoOpacity: kit?.logoOpacity ?? 0.85,
    primaryColor: kit?.primaryColor ?? '#FFD53D',
    textColor: kit?.textColor ?? '#FFFFFF',
    font: kit?.font ?? 'inter',
  };
}

/** The kit as the composition draws it (ShortVideoProps.brand). */
export function brandProps(settings: BrandSettings, logoUrl: string | undefined): BrandProps {
  return { ...settings, ...(logoUrl ? { logoUrl } : {}) };
}

/** What POST /api/brand/logo/upload accepts (the server checks the bytes again). */
export const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export const MAX_LOGO_BYTES = 2 * 1024 * 1024;

/** Why a chosen file cannot be a logo, said before anything is sent; undefined when it may be. */
export function logoProblem(file: { type: string; size: number }): string | undefined {
  if (!(LOGO_TYPES as readonly string[]).includes(file.type)) return 'A logo must be a PNG, JPEG or WebP picture.';
  if (file.size > MAX_LOGO_BYTES) return `That picture is ${(file.size / 1024 / 1024).toFixed(1)} MB; a logo may be at most 2 MB.`;
  if (file.size === 0) return 'That file is empty.';
  return undefined;
}

/** The kit of an answer, its logo's URL kept stable: a new signature each time would reload the logo in the preview. */
const stable = ({ brand }: { brand: BrandKit | null }): BrandKit | null => (brand?.logoUrl ? { ...brand, logoUrl: stableUrl(brand.logoUrl) } : brand);

export const brandApi = {
  async get(api: Api): Promise<BrandKit | null> {
    return stable(await unwrap(api.client.GET('/api/brand')));
  },
  async save(api: Api, settings: BrandSettings): Promise<BrandKit | null> {
    return stable(await unwrap(api.client.PUT('/api/brand', { body: settings })));
  },
  /** Asks for a presigned PUT, sends the bytes, then has the server check them and set the logo. */
  async uploadLogo(api: Api, file: File): Promise<BrandKit | null> {
    const contentType = file.type as (typeof LOGO_TYPES)[number];
    const slot = await unwrap(api.client.POST('/api/brand/logo/upload', { body: { contentType, bytes: file.size } }));
    let put: Response;
    try {
      put = await fetch(slot.uploadUrl, { method: 'PUT', headers: slot.headers, body: file });
    } catch {
      throw new ApiError(0, 'The logo could not be sent. Check your connection and try again.');
    }
    if (!put.ok) throw new ApiError(put.status, `The logo could not be stored (HTTP ${put.status}). Try again.`);
    return stable(await unwrap(api.client.POST('/api/brand/logo', { body: { uploadId: slot.uploadId } })));
  },
  async removeLogo(api: Api): Promise<BrandKit | null> {
    return stable(await unwrap(api.client.DELETE('/api/brand/logo')));
  },
};

export const brandKey = ['brand'] as const;

/** The user's kit; null when they have none yet. */
export function useBrand() {
  const api = useApi();
  return useQuery({ queryKey: brandKey, queryFn: () => brandApi.get(api), staleTime: 60_000 });
}

/** A change to the kit whose answer (the kit as it is now) replaces the cached one. */
export function useBrandChange<T>(call: (api: Api, input: T) => Promise<BrandKit | null>) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: T) => call(api, input),
    onSuccess: (kit) => client.setQueryData(brandKey, kit),
  });
}
