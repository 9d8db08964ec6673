import type { VideoRequest } from './model.js';

/** Videos up to this long cost one credit; longer ones cost {@link LONG_VIDEO_CREDITS}. */
export const CREDIT_SECONDS = 60;
export const LONG_VIDEO_CREDITS = 2;

/**
 * What a video costs in credits: 1 up to 60 s, 2 above (61–90 s), since the voice, the images
 * and above all the render grow with the length.
 */
export function creditsFor(request: Pick<VideoRequest, 'seconds'>): number {
  return request.seconds > CREDIT_SECONDS ? LONG_VIDEO_CREDITS : 1;
}

/** A ledger entry id that sorts by time: `{ISO time}#{kind}#{reference}`. */
export function ledgerEntryId(at: Date, kind: string, reference: string): string {
  return `${at.toISOString()}#${kind}#${reference}`;
}
