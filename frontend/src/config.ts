/**
 * Runtime configuration: `GET /config.json` (written next to the SPA by the CDK web construct,
 * served by `npx shorts dev`), else the build-time `VITE_*` variables. With no Clerk key the
 * dashboard runs in local mode: sign-in by user name through the dev session route.
 */
export interface VoiceOption {
  id: string;
  label: string;
}

export interface RuntimeConfig {
  /** `misconfigured`: the deployment says cloud but names no Clerk key — nobody could sign in. */
  mode: 'local' | 'cloud' | 'misconfigured';
  clerkPublishableKey?: string;
  /** Origin of the HTTP API when it is not the SPA's own (API Gateway); '' for same origin. */
  apiBaseUrl: string;
  /** Voices the configured speech provider accepts; absent when the server does not say. */
  voices?: VoiceOption[];
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

export async function loadConfig(): Promise<RuntimeConfig> {
  let file: Record<string, unknown> = {};
  try {
    const response = await fetch('/config.json', { cache: 'no-store', headers: { Accept: 'application/json' } });
    // A static host may answer an unknown path with index.html; only JSON counts.
    if (response.ok && (response.headers.get('content-type') ?? '').includes('json')) {
      const body: unknown = await response.json();
      if (typeof body === 'object' && body !== null) file = body as Record<string, unknown>;
    }
  } catch {
    // No runtime config: fall back to build-time variables.
  }
  const env = import.meta.env;
  const clerkPublishableKey = text(file.clerkPublishableKey) ?? text(env.VITE_CLERK_PUBLISHABLE_KEY);
  const apiBaseUrl = (text(file.apiBaseUrl) ?? text(env.VITE_API_BASE_URL) ?? '').replace(/\/+$/, '');
  const voices = Array.isArray(file.voices)
    ? file.voices
        .map((v): VoiceOption | undefined => {
          if (typeof v === 'string') return { id: v, label: v };
          if (typeof v === 'object' && v !== null) {
            const id = text((v as Record<string, unknown>).id);
            return id ? { id, label: text((v as Record<string, unknown>).label) ?? id } : undefined;
          }
          return undefined;
        })
        .filter((v): v is VoiceOption => v !== undefined)
    : undefined;
  const mode = file.mode === 'local' || file.mode === 'cloud' ? file.mode : clerkPublishableKey ? 'cloud' : 'local';
  if (mode === 'cloud' && !clerkPublishableKey) return { mode: 'misconfigured', apiBaseUrl, voices };
  return { mode, clerkPublishableKey, apiBaseUrl, voices };
}
