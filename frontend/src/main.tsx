import '@fontsource-variable/inter';
import './styles.css';
import { StrictMode, Suspense, lazy, useEffect, useState, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { LocalAuth } from './auth/local-auth.js';
import { loadConfig, type RuntimeConfig } from './config.js';
import { ConfigContext } from './lib/config-context.js';
import { LogoMark } from './components/logo.js';

const ClerkAuth = lazy(() => import('./auth/clerk-auth.js'));

function Splash() {
  return (
    <div className="splash" role="status" aria-label="Loading">
      <LogoMark size={44} />
    </div>
  );
}

function Root() {
  const [config, setConfig] = useState<RuntimeConfig>();
  useEffect(() => {
    void loadConfig().then(setConfig);
  }, []);
  if (!config) return <Splash />;
  if (config.mode === 'misconfigured') {
    return (
      <div className="splash" role="alert">
        <LogoMark size={44} />
        <p>Sign-in is not configured: this deployment has no Clerk publishable key.</p>
        <p className="muted small">Operators: deploy with <code>-c CLERK_PUBLISHABLE_KEY=pk_…</code> (see docs/deploy.md).</p>
      </div>
    );
  }
  const app: ReactNode = <App apiBaseUrl={config.apiBaseUrl} />;
  return (
    <ConfigContext.Provider value={config}>
      {config.mode === 'cloud' && config.clerkPublishableKey ? (
        <Suspense fallback={<Splash />}>
          <ClerkAuth publishableKey={config.clerkPublishableKey}>{app}</ClerkAuth>
        </Suspense>
      ) : (
        <LocalAuth apiBaseUrl={config.apiBaseUrl}>{app}</LocalAuth>
      )}
    </ConfigContext.Provider>
  );
}

const container = document.getElementById('root');
if (!container) throw new Error('#root is missing from index.html');
createRoot(container).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
