import type { AwsRegion, RenderProgress as RemotionProgress, RequestHandler } from '@remotion/lambda-client';
import { InvalidInput, ProviderTimeout, ProviderUnavailable, RenderFailed } from '../../core/errors.js';
import type { RenderProgress, VideoRenderer } from '../../core/ports.js';
import { errorForHttpStatus, errorForNetworkFailure, isNetworkFailure, isTimeout, parseRetryAfterMs, shortDetail } from '../../core/provider-errors.js';
import { COMPOSITION_ID, ShortVideoPropsSchema, type ShortVideoProps } from '../../core/video-props.js';

type LambdaClientModule = typeof import('@remotion/lambda-client');
let sdk: Promise<LambdaClientModule> | undefined;
/** Loaded on first use: only the render steps need Remotion. */
function loadSdk(): Promise<LambdaClientModule> {
  sdk ??= import('@remotion/lambda-client');
  return sdk;
}

export interface RemotionLambdaRendererOptions {
  /** The deployed render function, e.g. `remotion-render-4-0-527-mem2048mb-disk2048mb-240sec`. */
  functionName: string;
  /** Where the bundled composition is served (a Remotion site in S3). */
  serveUrl: string;
  region: string;
  /**
   * Our assets bucket: the MP4 is written there under the job's output key (`outName`
   * `{bucketName, key}`), so the BlobStore and Finalize read it like any other asset. The
   * render function's role needs s3:PutObject on it.
   */
  outputBucket: string;
  /**
   * Remotion's working bucket (`forceBucketName`): without it the function looks its bucket up
   * by listing buckets, which the stack's render role is not allowed to do.
   */
  remotionBucket?: string;
  composition?: string;
  /** Per Lambda invocation (start and each progress check). Default 60 s. */
  requestTimeoutMs?: number;
  /** Frames each render Lambda draws; Remotion's default when unset. */
  framesPerLambda?: number;
}

const SEPARATOR = '@';

/** The render id the pipeline carries: Remotion's id and the bucket its progress lives in. */
export function encodeRenderId(renderId: string, bucketName: string): string {
  return `${renderId}${SEPARATOR}${bucketName}`;
}

export function decodeRenderId(id: string): { renderId: string; bucketName: string } {
  const at = id.lastIndexOf(SEPARATOR);
  if (at <= 0 || at === id.length - 1) throw new InvalidInput(`"${id}" is not a Remotion Lambda render id (renderId@bucket).`);
  return { renderId: id.slice(0, at), bucketName: id.slice(at + 1) };
}

/**
 * Renders on Remotion Lambda through @remotion/lambda-client: `renderMediaOnLambda` starts the
 * render, `getRenderProgress` polls it; a fatal error surfaces with Remotion's own message.
 * Remotion's Lambda client is built with `maxAttempts: 1` (no SDK retries); Remotion still
 * retries a failed chunk once inside the render (`maxRetries: 1`), which is part of rendering.
 */
export class RemotionLambdaRenderer implements VideoRenderer {
  readonly name = 'remotion-lambda';
  private readonly region: AwsRegion;
  /** One object for every call: Remotion caches its Lambda client per request handler. */
  private readonly requestHandler: RequestHandler;

  constructor(private readonly options: RemotionLambdaRendererOptions) {
    this.region = options.region as AwsRegion;
    // Smithy only logs a warning when requestTimeout passes unless told to throw.
    this.requestHandler = {
      requestTimeout: options.requestTimeoutMs ?? 60_000,
      connectionTimeout: 5_000,
      throwOnRequestTimeout: true,
    } as RequestHandler;
  }

  async start(input: { jobId: string; props: ShortVideoProps; outputKey: string }): Promise<{ renderId: string }> {
    const parsed = ShortVideoPropsSchema.safeParse(input.props);
    if (!parsed.success) throw new InvalidInput(`video props are invalid: ${parsed.error.message}`);
    const { renderMediaOnLambda } = await loadSdk();
    try {
      const { renderId, bucketName } = await renderMediaOnLambda({
        region: this.region,
        functionName: this.options.functionName,
        serveUrl: this.options.serveUrl,
        composition: this.options.composition ?? COMPOSITION_ID,
        inputProps: parsed.data,
        codec: 'h264',
        // As the local renderer: JPEG frames, and bt709 so they stay in limited range.
        imageFormat: 'jpeg',
        jpegQuality: 80,
        colorSpace: 'bt709',
        outName: { bucketName: this.options.outputBucket, key: input.outputKey },
        // Our bucket enforces bucket-owner object ownership: object ACLs are refused there.
        privacy: 'no-acl',
        // A retried Start Render writes the same key again.
        overwrite: true,
        maxRetries: 1,
        ...(this.options.remotionBucket ? { forceBucketName: this.options.remotionBucket } : {}),
        ...(this.options.framesPerLambda ? { framesPerLambda: this.options.framesPerLambda } : {}),
        logLevel: 'warn',
        requestHandler: this.requestHandler,
      });
      return { renderId: encodeRenderId(renderId, bucketName) };
    } catch (error) {
      throw toNamedError(error, 'start the render');
    }
  }

  async progress(id: string): Promise<RenderProgress> {
    const { renderId, bucketName } = decodeRenderId(id);
    const { getRenderProgress } = await loadSdk();
    let progress: RemotionProgress;
    try {
      progress = await getRenderProgress({
        renderId,
        bucketName,
        functionName: this.options.functionName,
        region: this.region,
        logLevel: 'warn',
        requestHandler: this.requestHandler,
      });
    } catch (error) {
      throw toNamedError(error, 'report the render progress');
    }
    return toRenderProgress(progress, this.options.outputBucket);
  }
}

/** Remotion's progress in the pipeline's terms. */
export function toRenderProgress(progress: RemotionProgress, outputBucket: string): RenderProgress {
  if (progress.fatalErrorEncountered) {
    const errors = (progress.errors ?? []) as { message?: string; isFatal?: boolean; willRetry?: boolean }[];
    const fatal = errors.find((e) => e.isFatal && !e.willRetry) ?? errors[0];
    return { done: false, progress: progress.overallProgress ?? 0, fatalError: fatal?.message ?? 'Remotion Lambda reported a fatal error.' };
  }
  if (!progress.done) return { done: false, progress: progress.overallProgress ?? 0 };
  const outBucket = (progress as { outBucket?: string | null }).outBucket;
  const outKey = (progress as { outKey?: string | null }).outKey;
  const seconds = typeof progress.timeToFinish === 'number' ? progress.timeToFinish / 1000 : undefined;
  const frames = progress.framesRendered;
  return {
    done: true,
    progress: 1,
    // Only a key in our bucket is one the BlobStore can read; otherwise Finalize uses the ticket's key.
    ...(outKey && outBucket === outputBucket ? { outputKey: outKey } : {}),
    spend: { units: { renders: 1, lambdas: progress.lambdasInvoked ?? 0 }, usd: progress.costs?.accruedSoFar ?? 0 },
    ...(seconds && frames ? { framesPerSecond: Math.round((frames / seconds) * 10) / 10 } : {}),
  };
}

/** Lambda service errors (from the AWS SDK inside Remotion) carry an HTTP status. */
function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function toNamedError(error: unknown, action: string): Error {
  const err = error instanceof Error ? error : new Error(String(error));
  const status = httpStatus(error);
  if (status !== undefined && status >= 400) {
    const headers = (error as { $response?: { headers?: Record<string, string> } }).$response?.headers;
    const retryAfterMs = parseRetryAfterMs(headers?.['retry-after']);
    return errorForHttpStatus({
      provider: 'Remotion Lambda',
      status,
      detail: `${err.name}: ${err.message}`,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      cause: error,
    });
  }
  if (isTimeout(error) || isNetworkFailure(error)) return errorForNetworkFailure('Remotion Lambda', error, `the request to ${action}`);
  if (/^(Invalid JSON|Lambda function returned no payload)/.test(err.message)) {
    return new ProviderUnavailable(`Remotion Lambda sent an unreadable answer when asked to ${action}: ${shortDetail(err.message)}`, { cause: error });
  }
  // The invoked function crashed or timed out (Lambda's FunctionError) rather than answering.
  if (/^Lambda function returned error: /.test(err.message)) {
    const said = shortDetail(err.message);
    return /timed out/i.test(err.message)
      ? new ProviderTimeout(`Remotion Lambda timed out trying to ${action}: ${said}`, { cause: error })
      : new ProviderUnavailable(`Remotion Lambda crashed trying to ${action}: ${said}`, { cause: error });
  }
  // Remotion's own answer (`{type: "error"}`) or its input validation: retrying cannot help.
  return new RenderFailed(`Remotion Lambda could not ${action}: ${err.message}`, { cause: error });
}
