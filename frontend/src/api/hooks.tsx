/** TanStack Query over the API client: one place for keys, polling and cache updates. */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { useSession } from '../auth/session.js';
import { Api, ApiError } from './client.js';
import type { CreateVideoInput, CreditPack, Video } from './types.js';

const ApiContext = createContext<Api | null>(null);

export function ApiProvider({ base, children }: { base: string; children: ReactNode }) {
  const session = useSession();
  const api = useMemo(() => new Api(session.getToken, base, session.expire), [session, base]);
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}

export const keys = {
  me: ['me'] as const,
  credits: ['credits'] as const,
  videos: ['videos'] as const,
  video: (id: string) => ['video', id] as const,
  ops: (what: string) => ['ops', what] as const,
  voices: ['voices'] as const,
};

/**
 * Nothing is being made for the video (no polling): done, failed, waiting for the user's review,
 * or expired in review. An edit or a render puts it back in the queue (the page polls again).
 */
export const isFinished = (video: Pick<Video, 'status'>) =>
  video.status === 'SUCCEEDED' || video.status === 'FAILED' || video.status === 'REVIEW' || video.status === 'EXPIRED';

/** While a video is being made, its page asks this often (ms). */
export const POLL_MS = 1500;

export function useMe() {
  const api = useApi();
  return useQuery({ queryKey: keys.me, queryFn: () => api.me(), staleTime: 5 * 60_000, retry: false });
}

/** The voices the server accepts (they change only with a deploy). */
export function useVoices() {
  const api = useApi();
  return useQuery({ queryKey: keys.voices, queryFn: () => api.voices(), staleTime: 60 * 60_000, retry: false });
}

export function useCredits() {
  const api = useApi();
  return useQuery({ queryKey: keys.credits, queryFn: () => api.credits() });
}

export function useVideos() {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: keys.videos,
    queryFn: ({ pageParam }) => api.listVideos(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor,
    // Keep the grid's statuses moving while something is being made.
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.items.some((v) => !isFinished(v))) ? 4000 : false,
  });
}

export function useVideo(id: string) {
  const api = useApi();
  const client = useQueryClient();
  return useQuery({
    queryKey: keys.video(id),
    queryFn: async () => {
      const video = await api.getVideo(id);
      const before = client.getQueryData<Video>(keys.video(id));
      // A finish changes the balance (a failure refunds) and the library's card.
      if (before && !isFinished(before) && isFinished(video)) {
        void client.invalidateQueries({ queryKey: keys.credits });
        void client.invalidateQueries({ queryKey: keys.videos });
      }
      return video;
    },
    refetchInterval: (query) => {
      const data = query.state.data;
      if (query.state.error instanceof ApiError && query.state.error.status === 404) return false;
      return !data || !isFinished(data) ? POLL_MS : false;
    },
    refetchIntervalInBackground: false,
  });
}

export function useCreateVideo() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ input, idempotencyKey }: { input: CreateVideoInput; idempotencyKey: string }) => api.createVideo(input, idempotencyKey),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: keys.credits });
      void client.invalidateQueries({ queryKey: keys.videos });
    },
  });
}

export function useRetryVideo(id: string) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api.retryVideo(id),
    onSettled: async () => {
      void client.invalidateQueries({ queryKey: keys.credits });
      void client.invalidateQueries({ queryKey: keys.videos });
      await client.invalidateQueries({ queryKey: keys.video(id) });
    },
  });
}

export function useDeleteVideo(id: string) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api.deleteVideo(id),
    onSuccess: () => {
      client.removeQueries({ queryKey: keys.video(id) });
      void client.invalidateQueries({ queryKey: keys.videos });
      void client.invalidateQueries({ queryKey: keys.credits });
    },
  });
}

export function useBuyCredits(mode: 'local' | 'cloud') {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (pack: CreditPack) => {
      if (mode === 'cloud') {
        window.location.assign(await api.checkout(pack));
        return 'redirected' as const;
      }
      await api.simulatePurchase(pack);
      return 'credited' as const;
    },
    onSuccess: (result) => {
      if (result === 'credited') void client.invalidateQueries({ queryKey: keys.credits });
    },
  });
}
