import { createContext, useContext } from 'react';

/** Who is signed in and how to get their token; the same shape in local and cloud mode. */
export interface Session {
  mode: 'local' | 'cloud';
  userId: string;
  displayName: string;
  imageUrl?: string;
  getToken: () => Promise<string | null>;
  /** Called when the API answers 401: the token is no longer good. */
  expire: () => void;
  signOut: () => void | Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in tree');
  return session;
}
