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

/**
 * Failures the request itself caused, by the job's error name: a provider refusing its content,
 * a script that cannot be made from its prompt, an unusable option. Everything else — a provider
 * outage or refused key, an internal error, a timeout, a stuck or interrupted run — is the
 * product's failure and is always refunded.
 */
export const USER_CAUSED_FAILURES: ReadonlySet<string> = new Set(['ContentRejected', 'ScriptInvalid', 'InvalidInput']);

/** Refunds of user-caused failures one user gets per UTC day; past it such a failure keeps its credits. */
export const USER_CAUSED_REFUNDS_PER_DAY = 3;

/** Whether a job that failed with this error name failed because of what was asked (see {@link USER_CAUSED_FAILURES}). */
export function isUserCausedFailure(errorName: string | undefined): boolean {
  return errorName !== undefined && USER_CAUSED_FAILURES.has(errorName);
}

/** What a job's error says when its credits were kept: the policy, in the user's words. */
export function notRefundedNotice(perDay: number): string {
  return `The credits were not refunded: ${perDay} failure${perDay === 1 ? '' : 's'} caused by the request ${perDay === 1 ? 'is' : 'are'} refunded a day (UTC), and you have had them today.`;
}
