/**
 * The ElevenLabs SDK and client both the voice and the music adapters use: the SDK imported on
 * first use (it takes seconds, and only the voice and music steps need it), the client made once
 * per adapter with the SDK's retries off (`maxRetries: 0`: the state machine owns retry policy).
 */
import type { ElevenLabsClient } from '@elevenlabs/elevenlabs-js';

/** The SDK module's type (its error classes are read from it). */
export type ElevenLabsSdk = typeof import('@elevenlabs/elevenlabs-js');
let sdk: Promise<ElevenLabsSdk> | undefined;

/** The SDK module, imported once per process. */
export function loadElevenLabsSdk(): Promise<ElevenLabsSdk> {
  sdk ??= import('@elevenlabs/elevenlabs-js');
  return sdk;
}

/**
 * A client made on first call and kept; a failure (the key could not be read) is not kept, so the
 * next call tries again.
 */
export function lazyElevenLabsClient(options: { apiKey: () => Promise<string>; baseUrl?: string; timeoutMs: number }): () => Promise<ElevenLabsClient> {
  let client: Promise<ElevenLabsClient> | undefined;
  return () => {
    if (!client) {
      const pending = Promise.all([options.apiKey(), loadElevenLabsSdk()]).then(
        ([apiKey, { ElevenLabsClient }]) =>
          new ElevenLabsClient({
            apiKey,
            ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
            maxRetries: 0,
            timeoutInSeconds: options.timeoutMs / 1000,
          }),
      );
      pending.catch(() => {
        if (client === pending) client = undefined;
      });
      client = pending;
    }
    return client;
  };
}
