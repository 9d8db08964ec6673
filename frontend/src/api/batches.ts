/**
 * POST /api/batches from the dashboard: many videos in one request, each ordered in its own
 * transaction; the answer says which were started and which were refused and why (docs/api.md).
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { unwrap, type Schemas } from '../../../lambdas/api/client/shorts-client.js';
import type { VideoRequest } from '../../../lambdas/core/model.js';
import { keys, useApi } from './hooks.js';

export type BatchResult = Schemas['Batch'];

export function useCreateBatch() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ items, idempotencyKey }: { items: VideoRequest[]; idempotencyKey: string }) =>
      unwrap(api.client.POST('/api/batches', { body: { items }, headers: { 'Idempotency-Key': idempotencyKey } })),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: keys.credits });
      void client.invalidateQueries({ queryKey: keys.videos });
    },
  });
}
