import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiError } from './api/client.js';
import { ApiProvider } from './api/hooks.js';
import { useSession } from './auth/session.js';
import { Shell } from './components/shell.js';
import { ToastProvider } from './components/toasts.js';
import { EmptyState } from './components/ui.js';
import { Link, matchRoute, navigate, useLocation } from './lib/router.js';
import { ApiKeysPage } from './pages/api-keys-page.js';
import { BrandPage } from './pages/brand-page.js';
import { CreatePage } from './pages/create-page.js';
import { CreditsPage } from './pages/credits-page.js';
import { LibraryPage } from './pages/library-page.js';
import { OpsPage } from './pages/ops-page.js';
import { VideoPage } from './pages/video-page.js';
import { WebhooksPage } from './pages/webhooks-page.js';

function newQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        // A 4xx will not change by asking again; network blips and 5xx may.
        retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      },
    },
  });
}

/** The signed-in app. Its cache belongs to one user: a new sign-in gets a new one. */
export function App({ apiBaseUrl }: { apiBaseUrl: string }) {
  const session = useSession();
  const [client, setClient] = useState(newQueryClient);
  const [owner, setOwner] = useState(session.userId);
  if (owner !== session.userId) {
    setOwner(session.userId);
    setClient(newQueryClient());
  }
  return (
    <QueryClientProvider client={client}>
      <ApiProvider base={apiBaseUrl}>
        <ToastProvider>
          <Routes />
        </ToastProvider>
      </ApiProvider>
    </QueryClientProvider>
  );
}

const TITLES: Record<string, string> = {
  create: 'Create',
  library: 'Library',
  video: 'Video',
  credits: 'Credits',
  ops: 'Ops',
  keys: 'API keys',
  webhooks: 'Webhooks',
  brand: 'Brand',
  'not-found': 'Not found',
};

function Routes() {
  const { path, search } = useLocation();
  const route = matchRoute(path);
  // Stripe Checkout comes back to `/?checkout=success|cancelled`: show it where the balance is.
  const checkout = search.get('checkout');
  useEffect(() => {
    if (checkout && route.name === 'create') navigate(`/credits?checkout=${encodeURIComponent(checkout)}`, { replace: true });
  }, [checkout, route.name]);
  useEffect(() => {
    if (route.name !== 'video') document.title = `${TITLES[route.name] ?? ''} · ai-shorts`;
  }, [route.name]);
  return (
    <Shell route={route.name}>
      {route.name === 'create' ? (
        <CreatePage />
      ) : route.name === 'library' ? (
        <LibraryPage />
      ) : route.name === 'video' ? (
        <VideoPage key={route.id} id={route.id} />
      ) : route.name === 'credits' ? (
        <CreditsPage />
      ) : route.name === 'ops' ? (
        <OpsPage />
      ) : route.name === 'keys' ? (
        <ApiKeysPage />
      ) : route.name === 'webhooks' ? (
        <WebhooksPage />
      ) : route.name === 'brand' ? (
        <BrandPage />
      ) : (
        <EmptyState icon="info" title="There is nothing here" action={<Link href="/" className="btn btn-primary">Go to Create</Link>}>
          The page {path} does not exist.
        </EmptyState>
      )}
    </Shell>
  );
}
