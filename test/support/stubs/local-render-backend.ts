/**
 * A render backend for the Remotion Lambda stub that really makes the video: the offline
 * renderer (@remotion/renderer + Chromium, the same composition) renders the props the stub
 * received and stores the MP4 where `outName` points — so a pipeline run with
 * `SHORTS_RENDER=lambda` against the stub ends with a real MP4 in the assets bucket.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { S3BlobStore } from '../../../lambdas/adapters/aws/s3-blob-store.js';
import { LocalRemotionRenderer } from '../../../lambdas/adapters/offline/remotion-renderer.js';
import type { BlobStore } from '../../../lambdas/core/ports.js';
import { ShortVideoPropsSchema } from '../../../lambdas/core/video-props.js';
import { LOCAL_ACCESS_KEY_ID, LOCAL_REGION, LOCAL_SECRET_ACCESS_KEY } from '../../../lib/local/s3-server.js';
import type { StubRenderRequest } from './remotion-lambda-stub.js';

export interface LocalRenderBackendOptions {
  /** Bundle cache and scratch space of the offline renderer. */
  workDir: string;
  browserExecutable?: string;
  /**
   * The store for the bucket `outName` names. Default: the local S3 server that serves the
   * props' presigned URLs (its origin is read from the audio URL), with the local key pair.
   */
  blobsFor?: (bucketName: string, request: StubRenderRequest) => BlobStore;
  pollMs?: number;
}

function localS3For(bucketName: string, request: StubRenderRequest): BlobStore {
  const props = ShortVideoPropsSchema.parse(request.inputProps);
  const endpoint = new URL(props.audioUrl).origin;
  const client = new S3Client({
    endpoint,
    region: LOCAL_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: LOCAL_SECRET_ACCESS_KEY },
  });
  return new S3BlobStore({ client, bucket: bucketName });
}

/** The `render` option of startRemotionLambdaStub. */
export function localRenderBackend(options: LocalRenderBackendOptions) {
  return async (request: StubRenderRequest, onProgress: (fraction: number) => void): Promise<void> => {
    if (!request.outName) throw new Error('The stub renders only to a custom outName {bucketName, key}.');
    const { bucketName, key } = request.outName;
    const renderer = new LocalRemotionRenderer({
      blobs: (options.blobsFor ?? localS3For)(bucketName, request),
      workDir: options.workDir,
      ...(options.browserExecutable ? { browserExecutable: options.browserExecutable } : {}),
    });
    const { renderId } = await renderer.start({ jobId: request.renderId, props: ShortVideoPropsSchema.parse(request.inputProps), outputKey: key });
    for (;;) {
      const progress = await renderer.progress(renderId);
      if (progress.fatalError) throw new Error(progress.fatalError);
      onProgress(progress.progress);
      if (progress.done) return;
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
    }
  };
}
