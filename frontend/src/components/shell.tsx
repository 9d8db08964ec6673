/** The signed-in frame: a top bar on every width, a tab bar at the bottom on phones. */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useCredits, useMe } from '../api/hooks.js';
import { useSession } from '../auth/session.js';
import { Link, type Route } from '../lib/router.js';
import { plural } from '../lib/format.js';
import { Icon, type IconName } from './icons.js';
import { Logo } from './logo.js';

interface NavItem {
  href: string;
  label: string;
  icon: IconName;
  route: Route['name'];
}

/** Ops is for admins: the API says who is one (GET /api/me). */
export function useIsAdmin(): boolean {
  return useMe().data?.admin ?? false;
}

export function Shell({ route, children }: { route: Route['name']; children: ReactNode }) {
  const admin = useIsAdmin();
  const items: NavItem[] = [
    { href: '/', label: 'Create', icon: 'plus', route: 'create' },
    { href: '/videos', label: 'Library', icon: 'grid', route: 'library' },
    { href: '/brand', label: 'Brand', icon: 'palette', route: 'brand' },
    { href: '/credits', label: 'Credits', icon: 'coins', route: 'credits' },
    { href: '/keys', label: 'API keys', icon: 'key', route: 'keys' },
    { href: '/webhooks', label: 'Webhooks', icon: 'external', route: 'webhooks' },
    ...(admin ? [{ href: '/ops', label: 'Ops', icon: 'activity', route: 'ops' } satisfies NavItem] : []),
  ];
  const active = route === 'video' ? 'library' : route;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <Logo href="/" />
          <nav className="topnav" aria-label="Main">
            {items.map((item) => (
              <Link key={item.href} href={item.href} className="topnav-link" aria-current={active === item.route ? 'page' : undefined}>
                <Icon name={item.icon} size={17} />
                {item.label}
              </Link>
            ))}
          </nav>
          <div className="topbar-end">
            <BalancePill />
            <UserMenu />
          </div>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
      <nav className="tabbar" aria-label="Main">
        {items.map((item) => (
          <Link key={item.href} href={item.href} className="tabbar-link" aria-current={active === item.route ? 'page' : undefined}>
            <Icon name={item.icon} size={22} />
            <span>{item.label}</span>
          </Link>
        ))}
      </nav>
    </div>
  );
}

function BalancePill() {
  const credits = useCredits();
  return (
    <Link href="/credits" className="balance-pill" aria-label={credits.data ? `Balance: ${plural(credits.data.balance, 'credit')}` : 'Credits'}>
      <Icon name="coins" size={16} />
      {credits.data ? (
        <span data-testid="balance">{credits.data.balance}</span>
      ) : credits.isError ? (
        <span>—</span>
      ) : (
        <span className="skeleton" style={{ width: 18, height: 12 }} aria-hidden />
      )}
    </Link>
  );
}

function UserMenu() {
  const session = useSession();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);
  return (
    <div className="user-menu" ref={ref}>
      <button
        type="button"
        className="avatar-btn"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={`Account: ${session.displayName}`}
        onClick={() => setOpen((o) => !o)}
      >
        {session.imageUrl ? (
          <img className="avatar" src={session.imageUrl} alt="" />
        ) : (
          <span className="avatar" aria-hidden>
            {session.displayName.slice(0, 1).toUpperCase()}
          </span>
        )}
      </button>
      {open ? (
        <div className="menu" role="menu">
          <div className="menu-header">
            <span className="menu-name">{session.displayName}</span>
            <span className="muted small">{session.mode === 'local' ? 'Local mode' : session.userId}</span>
          </div>
          <button type="button" role="menuitem" className="menu-item" onClick={() => void session.signOut()} autoFocus>
            <Icon name="logout" size={16} /> Sign out
          </button>
        </div>
      ) : null}
    </div>
  );
}
