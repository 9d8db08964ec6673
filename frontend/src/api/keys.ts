/**
 * The API keys page's calls (POST/GET /api/keys, DELETE /api/keys/{id}), through the app's
 * `Api.request` with the session token: key management takes a session, never a key.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from './hooks.js';

export type ApiKeyScope = 'read' | 'write';

/** A key as GET /api/keys lists it: never the key itself. */
export interface ApiKey {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  /** `sk_shorts_…` and the key's last four characters. */
  hint: string;
  createdAt: string;
  lastUsedAt?: string;
}

/** POST /api/keys's answer: the key, shown this once. */
export interface CreatedApiKey extends ApiKey {
  key: string;
}

export interface ApiKeyList {
  keys: ApiKey[];
  /** Live keys one account may hold. */
  max: number;
}

const apiKeysQuery = ['api-keys'] as const;

export function useApiKeys() {
  const api = useApi();
  return useQuery({ queryKey: apiKeysQuery, queryFn: () => api.request<ApiKeyList>('GET', '/api/keys') });
}

export function useCreateApiKey() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; scopes: ApiKeyScope[] }) => api.request<CreatedApiKey>('POST', '/api/keys', { body: input }),
    onSuccess: () => void client.invalidateQueries({ queryKey: apiKeysQuery }),
  });
}

export function useRevokeApiKey() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.request<{ id: string; revoked: true }>('DELETE', `/api/keys/${encodeURIComponent(id)}`),
    onSuccess: () => void client.invalidateQueries({ queryKey: apiKeysQuery }),
  });
}
