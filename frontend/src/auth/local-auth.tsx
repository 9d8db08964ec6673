/**
 * Local mode: no identity provider. A person picks a name; the dev session route
 * (`POST /api/dev/session {userId}`) returns a token of the same shape Clerk issues, which the
 * API verifies the same way.
 */
import { useCallback, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { devSession } from '../api/client.js';
import { SessionContext, type Session } from './session.js';
import { AuthLayout } from './auth-layout.js';

const STORAGE_KEY = 'ai-shorts.local-session';
const RECENT_KEY = 'ai-shorts.recent-users';

interface Stored {
  userId: string;
  displayName: string;
  token: string;
  admin?: boolean;
}

function readStored(): Stored | undefined {
  try {
    const value = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<Stored> | null;
    return value?.userId && value.token
      ? { userId: value.userId, displayName: value.displayName ?? value.userId, token: value.token, admin: value.admin === true }
      : undefined;
  } catch {
    return undefined;
  }
}

function recentUsers(): string[] {
  try {
    const list = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]') as unknown;
    return Array.isArray(list) ? list.filter((v): v is string => typeof v === 'string').slice(0, 4) : [];
  } catch {
    return [];
  }
}

/** "Ada Lovelace" → "ada-lovelace": a user id safe in keys and URLs. */
export function userIdFor(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}

export function LocalAuth({ apiBaseUrl, children }: { apiBaseUrl: string; children: ReactNode }) {
  const [stored, setStored] = useState<Stored | undefined>(readStored);
  const [notice, setNotice] = useState<string>();

  const signOut = useCallback(() => {
    localStorage.removeItem(STORAGE_KEY);
    setStored(undefined);
  }, []);

  const session = useMemo<Session | undefined>(() => {
    if (!stored) return undefined;
    return {
      mode: 'local',
      userId: stored.userId,
      displayName: stored.displayName,
      getToken: async () => stored.token,
      expire: () => {
        setNotice('Your session ended. Sign in again to continue.');
        signOut();
      },
      signOut,
    };
  }, [stored, signOut]);

  if (!session) {
    return (
      <LocalSignIn
        apiBaseUrl={apiBaseUrl}
        notice={notice}
        onSignedIn={(value) => {
          localStorage.setItem(STORAGE_KEY, JSON.stringify(value));
          const recent = [value.displayName, ...recentUsers().filter((n) => n !== value.displayName)].slice(0, 4);
          localStorage.setItem(RECENT_KEY, JSON.stringify(recent));
          setNotice(undefined);
          setStored(value);
        }}
      />
    );
  }
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

function LocalSignIn({ apiBaseUrl, notice, onSignedIn }: { apiBaseUrl: string; notice?: string; onSignedIn: (s: Stored) => void }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [admin, setAdmin] = useState(false);
  const [error, setError] = useState<string>();
  const recent = useMemo(recentUsers, []);

  const signIn = async (displayName: string) => {
    const userId = userIdFor(displayName);
    if (!userId) {
      setError('Use at least one letter or digit.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const token = await devSession(userId, admin, apiBaseUrl);
      onSignedIn({ userId, displayName: displayName.trim(), token, admin });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void signIn(name);
  };

  return (
    <AuthLayout>
      <div className="auth-card">
        <span className="badge badge-local">Local mode</span>
        <h1 className="auth-title">Sign in</h1>
        <p className="muted">
          Everything runs on this machine. Pick a name: your videos and credits are kept under it.
        </p>
        {notice ? (
          <p className="callout callout-info" role="status">
            {notice}
          </p>
        ) : null}
        <form onSubmit={submit} className="stack">
          <label className="field">
            <span className="field-label">Your name</span>
            <input
              className="input"
              name="name"
              autoComplete="username"
              autoFocus
              maxLength={40}
              placeholder="e.g. Ada"
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? 'signin-error' : undefined}
            />
          </label>
          {error ? (
            <p id="signin-error" className="field-error" role="alert">
              {error}
            </p>
          ) : null}
          <label className="check">
            <input type="checkbox" checked={admin} onChange={(e) => setAdmin(e.target.checked)} />
            <span>
              Administrator <span className="muted">· also shows the Ops page</span>
            </span>
          </label>
          <button className="btn btn-primary btn-lg" type="submit" disabled={busy || name.trim() === ''}>
            {busy ? <span className="spinner" aria-hidden /> : null}
            {busy ? 'Signing in…' : 'Continue'}
          </button>
        </form>
        {recent.length > 0 ? (
          <div className="recent-users">
            <span className="muted small">Continue as</span>
            <div className="chips">
              {recent.map((n) => (
                <button key={n} type="button" className="chip" disabled={busy} onClick={() => void signIn(n)}>
                  <span className="avatar avatar-sm" aria-hidden>
                    {n.slice(0, 1).toUpperCase()}
                  </span>
                  {n}
                </button>
              ))}
            </div>
          </div>
        ) : null}
      </div>
    </AuthLayout>
  );
}
