import { Link } from '../lib/router.js';

export function LogoMark({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden focusable="false">
      <defs>
        <linearGradient id="logo-g" x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#8b5cf6" />
          <stop offset="1" stopColor="#ec4899" />
        </linearGradient>
      </defs>
      <rect x="14" y="4" width="36" height="56" rx="10" fill="url(#logo-g)" />
      <path d="M27 22v20l16-10z" fill="#fff" />
    </svg>
  );
}

export function Logo({ href }: { href?: string }) {
  const content = (
    <>
      <LogoMark />
      <span className="logo-text">
        ai<span className="logo-dash">-</span>shorts
      </span>
    </>
  );
  return href ? (
    <Link href={href} className="logo" aria-label="ai-shorts home">
      {content}
    </Link>
  ) : (
    <span className="logo">{content}</span>
  );
}
