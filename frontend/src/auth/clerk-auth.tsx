/**
 * Cloud mode: Clerk's own components sign people in; the API verifies Clerk's session JWT.
 * Loaded only when a publishable key is configured, so local mode never downloads Clerk.
 */
import { ClerkProvider, SignIn, SignedIn, SignedOut, useAuth, useClerk, useUser } from '@clerk/clerk-react';
import { useMemo, type ReactNode } from 'react';
import { SessionContext, type Session } from './session.js';
import { AuthLayout } from './auth-layout.js';

const appearance = {
  variables: {
    colorPrimary: '#8b5cf6',
    colorBackground: '#151923',
    colorText: '#eef0f6',
    colorTextSecondary: '#9aa3b5',
    colorInputBackground: '#0f1219',
    colorInputText: '#eef0f6',
    colorNeutral: '#eef0f6',
    borderRadius: '12px',
    fontFamily: "'Inter Variable', Inter, system-ui, sans-serif",
  },
} as const;

export default function ClerkAuth({ publishableKey, children }: { publishableKey: string; children: ReactNode }) {
  return (
    <ClerkProvider publishableKey={publishableKey} appearance={appearance} afterSignOutUrl="/">
      <SignedOut>
        <AuthLayout>
          <div className="auth-card auth-card-clerk">
            <SignIn routing="hash" />
          </div>
        </AuthLayout>
      </SignedOut>
      <SignedIn>
        <ClerkSession>{children}</ClerkSession>
      </SignedIn>
    </ClerkProvider>
  );
}

function ClerkSession({ children }: { children: ReactNode }) {
  const { getToken, userId } = useAuth();
  const { user } = useUser();
  const clerk = useClerk();
  const session = useMemo<Session>(
    () => ({
      mode: 'cloud',
      userId: userId ?? '',
      displayName: user?.fullName ?? user?.username ?? user?.primaryEmailAddress?.emailAddress ?? 'You',
      imageUrl: user?.imageUrl,
      getToken: () => getToken(),
      expire: () => void clerk.signOut(),
      signOut: () => clerk.signOut(),
    }),
    [getToken, userId, user, clerk],
  );
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
