/**
 * Presigned URLs change on every answer (a new signature each time), so a page that polls would
 * re-download every picture and restart the preview's audio every few seconds. This keeps the
 * first URL seen for an object while it is fresh; structural sharing in TanStack Query then
 * keeps unchanged data (the preview's props, a thumbnail) the same object across polls.
 */
const KEEP_MS = 20 * 60_000;
const seen = new Map<string, { url: string; at: number }>();

/** The object a URL points at: the URL without its query (the signature). */
function objectOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

export function stableUrl(url: string, now = Date.now()): string {
  if (!/^https?:/.test(url)) return url;
  const key = objectOf(url);
  const kept = seen.get(key);
  if (kept && now - kept.at < KEEP_MS) return kept.url;
  seen.set(key, { url, at: now });
  return url;
}
