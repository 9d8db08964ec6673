/**
 * A small path router on the History API: the dashboard has six screens, which does not
 * warrant a routing library. Links are real <a href> elements, so they work with the keyboard,
 * middle-click and "open in new tab".
 */
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const CHANGE = 'shorts:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

/** The current path and query, e.g. `/videos/abc?x=1`. */
export function useLocation(): { path: string; search: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  return { path: url.pathname.replace(/\/+$/, '') || '/', search: url.searchParams };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(CHANGE));
  if (!options.replace) window.scrollTo({ top: 0 });
}

export type Route =
  | { name: 'create' }
  | { name: 'library' }
  | { name: 'video'; id: string }
  | { name: 'credits' }
  | { name: 'ops' }
  | { name: 'keys' }
  | { name: 'webhooks' }
  | { name: 'brand' }
  | { name: 'not-found' };

export function matchRoute(path: string): Route {
  if (path === '/' || path === '/create') return { name: 'create' };
  if (path === '/videos' || path === '/library') return { name: 'library' };
  const video = /^\/videos\/([^/]+)$/.exec(path);
  if (video?.[1]) return { name: 'video', id: decodeURIComponent(video[1]) };
  if (path === '/credits') return { name: 'credits' };
  if (path === '/ops') return { name: 'ops' };
  if (path === '/keys') return { name: 'keys' };
  if (path === '/webhooks') return { name: 'webhooks' };
  if (path === '/brand') return { name: 'brand' };
  return { name: 'not-found' };
}

export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (rest.target && rest.target !== '_self') return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={handle} {...rest} />;
}
