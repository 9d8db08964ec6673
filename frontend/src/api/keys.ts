/**
 * The API keys page's calls (POST/GET /api/keys, DELETE /api/keys/{id}), through the typed client
 * with the session token: key management takes a session, never a key.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { unwrap, type Schemas } from '../../../lambdas/api/client/shorts-client.js';
import { useApi } from './hooks.js';

/** A key as GET /api/keys lists it: never the key itself. */
export type ApiKey = Schemas['ApiKey'];
export type ApiKeyScope = ApiKey['scopes'][number];
/** POST /api/keys's answer: the key, shown this once. */
export type CreatedApiKey = Schemas['CreatedApiKey'];
export type ApiKeyList = Schemas['ApiKeyList'];

const apiKeysQuery = ['api-keys'] as const;

export function useApiKeys() {
  const api = useApi();
  return useQuery({ queryKey: apiKeysQuery, queryFn: () => unwrap(api.client.GET('/api/keys')) });
}

export function useCreateApiKey() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; scopes: ApiKeyScope[] }) => unwrap(api.client.POST('/api/keys', { body: input })),
    onSuccess: () => void client.invalidateQueries({ queryKey: apiKeysQuery }),
  });
}

export function useRevokeApiKey() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.client.DELETE('/api/keys/{id}', { params: { path: { id } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: apiKeysQuery }),
  });
}
