/**
 * A Remotion Lambda render function behind AWS Lambda's Invoke API on 127.0.0.1:
 * `POST /2015-03-31/functions/{name}/invocations` (RequestResponse), reached by
 * @remotion/lambda-client through `AWS_ENDPOINT_URL_LAMBDA`. It answers Remotion's routines
 * in Remotion's format — `start` → `{type: "success", renderId, bucketName}`, `status` → the
 * render progress (`overallProgress`, `done`, `outputFile`, `outKey`/`outBucket`, `costs`,
 * `fatalErrorEncountered` + `errors`) — and Lambda's own failures: `x-amzn-ErrorType` errors
 * (ResourceNotFoundException, TooManyRequestsException, ServiceException) and
 * `X-Amz-Function-Error: Unhandled` crashes. Renders are scripted (progress advances per
 * poll) unless a `render` function is given that really makes the MP4.
 */
import { randomBytes } from 'node:crypto';
import { sendJson, startStubServer, type Fault, type StubContext, type StubServer, type StubServerOptions } from './stub-server.js';

export const REMOTION_STUB_VERSION = '4.0.527';
export const REMOTION_STUB_FUNCTION = 'remotion-render-4-0-527-mem2048mb-disk2048mb-240sec';
export const REMOTION_STUB_BUCKET = 'remotionlambda-useast1-stub0000';

/** What the stub's function receives for a render, decoded. */
export interface StubRenderRequest {
  renderId: string;
  serveUrl: string;
  composition: string;
  inputProps: unknown;
  outName: { bucketName: string; key: string } | null;
  payload: Record<string, unknown>;
}

export interface RemotionLambdaStubOptions extends StubServerOptions {
  /** Function names that exist; others get ResourceNotFoundException. */
  functions?: string[];
  /** Status polls a scripted render takes to finish. Default 3. */
  pollsUntilDone?: number;
  /** Cost the finished render reports (`costs.accruedSoFar`). */
  costUsd?: number;
  /**
   * Makes the video for real (e.g. with the offline renderer, into `outName`); progress is
   * reported through `onProgress`. Without it, renders are scripted.
   */
  render?: (request: StubRenderRequest, onProgress: (fraction: number) => void) => Promise<void>;
}

export interface RemotionLambdaStub extends StubServer {
  /** Value for `AWS_ENDPOINT_URL_LAMBDA`. */
  endpoint: string;
  /** Decoded render requests, in order. */
  readonly renders: StubRenderRequest[];
  /** The next render fails fatally with this message (as Remotion reports a crashed chunk). */
  failNextRender(message: string): void;
  fail(route: 'invoke' | '*', ...faults: Fault[]): void;
}

interface RenderState {
  request: StubRenderRequest;
  polls: number;
  progress: number;
  done: boolean;
  fatal?: string;
  startedAt: number;
  finishedAt?: number;
  frames: number;
}

/** Lambda's error answer: the type in `x-amzn-ErrorType`, a JSON body with the message. */
export function lambdaError(status: number, type: string, message: string): Fault {
  return { status, headers: { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazonaws.awslambda/`, 'x-amzn-requestid': 'stub-request' }, body: { Type: 'User', message } };
}

/** A crash of the invoked function (Lambda answers 200 with X-Amz-Function-Error). */
export function functionCrash(message: string): Fault {
  return {
    status: 200,
    headers: { 'x-amz-function-error': 'Unhandled', 'x-amz-executed-version': '$LATEST' },
    body: { errorType: 'Error', errorMessage: message, trace: [`Error: ${message}`] },
  };
}

function decodeInputProps(inputProps: unknown): unknown {
  const wrapped = inputProps as { type?: string; payload?: string } | undefined;
  if (wrapped?.type === 'payload' && typeof wrapped.payload === 'string') return JSON.parse(wrapped.payload);
  return inputProps;
}

function frameCount(props: unknown): number {
  const frames = (props as { durationInFrames?: unknown } | undefined)?.durationInFrames;
  return typeof frames === 'number' && frames > 0 ? frames : 300;
}

export async function startRemotionLambdaStub(options: RemotionLambdaStubOptions = {}): Promise<RemotionLambdaStub> {
  const functions = options.functions ?? [REMOTION_STUB_FUNCTION];
  const pollsUntilDone = options.pollsUntilDone ?? 3;
  const renders = new Map<string, RenderState>();
  const requests: StubRenderRequest[] = [];
  const fatalQueue: string[] = [];

  const answer = (ctx: StubContext, body: unknown) => sendJson(ctx.res, 200, body, { 'x-amz-executed-version': '$LATEST', 'x-amzn-requestid': 'stub-request' });

  const start = (ctx: StubContext, payload: Record<string, unknown>) => {
    if (payload.version !== REMOTION_STUB_VERSION) {
      answer(ctx, { type: 'error', message: `Incompatible site: the function is version ${REMOTION_STUB_VERSION} but the client sent ${String(payload.version)}.`, stack: '' });
      return;
    }
    for (const field of ['serveUrl', 'composition', 'codec']) {
      if (typeof payload[field] !== 'string' || payload[field] === '') {
        answer(ctx, { type: 'error', message: `The "${field}" option is missing.`, stack: '' });
        return;
      }
    }
    const renderId = randomBytes(5).toString('hex');
    const outName = payload.outName as StubRenderRequest['outName'];
    const request: StubRenderRequest = {
      renderId,
      serveUrl: String(payload.serveUrl),
      composition: String(payload.composition),
      inputProps: decodeInputProps(payload.inputProps),
      outName: outName && typeof outName === 'object' ? outName : null,
      payload,
    };
    requests.push(request);
    const state: RenderState = { request, polls: 0, progress: 0, done: false, startedAt: Date.now(), frames: frameCount(request.inputProps) };
    const fatal = fatalQueue.shift();
    if (fatal !== undefined) state.fatal = fatal;
    else if (options.render) {
      options
        .render(request, (fraction) => (state.progress = Math.min(0.99, Math.max(state.progress, fraction))))
        .then(() => {
          state.done = true;
          state.progress = 1;
          state.finishedAt = Date.now();
        })
        .catch((error: unknown) => (state.fatal = (error as Error).message ?? String(error)));
    }
    renders.set(renderId, state);
    answer(ctx, { type: 'success', renderId, bucketName: REMOTION_STUB_BUCKET });
  };

  const status = (ctx: StubContext, payload: Record<string, unknown>) => {
    const state = renders.get(String(payload.renderId));
    if (!state || payload.bucketName !== REMOTION_STUB_BUCKET) {
      answer(ctx, { type: 'error', message: `No render with ID ${String(payload.renderId)} found in bucket ${String(payload.bucketName)}.`, stack: '' });
      return;
    }
    state.polls += 1;
    if (!options.render && !state.fatal && !state.done) {
      state.progress = Math.min(1, state.polls / pollsUntilDone);
      if (state.polls >= pollsUntilDone) {
        state.done = true;
        state.finishedAt = state.startedAt + 4000;
      }
    }
    const out = state.request.outName ?? { bucketName: REMOTION_STUB_BUCKET, key: `renders/${state.request.renderId}/out.mp4` };
    const fatalError = state.fatal
      ? [{ type: 'renderer', message: state.fatal, name: 'Error', stack: `Error: ${state.fatal}`, frame: 0, chunk: 0, isFatal: true, attempt: 2, willRetry: false, totalAttempts: 2, tmpDir: null, s3Location: '', explanation: null }]
      : [];
    answer(ctx, {
      type: 'success',
      renderId: state.request.renderId,
      bucket: REMOTION_STUB_BUCKET,
      done: state.done,
      overallProgress: state.done ? 1 : state.progress,
      fatalErrorEncountered: fatalError.length > 0,
      errors: fatalError,
      framesRendered: state.done ? state.frames : Math.floor(state.frames * state.progress),
      chunks: state.done ? 8 : 0,
      lambdasInvoked: state.done ? 8 : 0,
      outputFile: state.done ? `https://s3.us-east-1.amazonaws.com/${out.bucketName}/${out.key}` : null,
      outKey: state.done ? out.key : null,
      outBucket: state.done ? out.bucketName : null,
      outputSizeInBytes: null,
      timeToFinish: state.finishedAt ? state.finishedAt - state.startedAt : null,
      costs: {
        accruedSoFar: state.done ? (options.costUsd ?? 0.0123) : 0,
        displayCost: `$${(state.done ? (options.costUsd ?? 0.0123) : 0).toFixed(3)}`,
        currency: 'USD',
        disclaimer: 'Estimated cost only. Does not include charges for other AWS services.',
      },
      currentTime: Date.now(),
      renderSize: 0,
      cleanup: { doneIn: null, minFilesToDelete: 0, filesDeleted: 0 },
      retriesInfo: [],
      mostExpensiveFrameRanges: null,
      encodingStatus: null,
      renderMetadata: null,
      timeToFinishChunks: null,
      timeToRenderFrames: null,
      timeToEncode: null,
      timeToCombine: null,
      combinedFrames: 0,
      estimatedBillingDurationInMilliseconds: null,
      timeoutTimestamp: state.startedAt + 900_000,
      compositionValidated: state.startedAt,
      functionLaunched: state.startedAt,
      serveUrlOpened: state.startedAt,
      artifacts: [],
    });
  };

  const invoke = (ctx: StubContext, functionName: string) => {
    if (!String(ctx.req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
      sendJson(ctx.res, 403, { message: 'Missing Authentication Token' }, { 'x-amzn-errortype': 'MissingAuthenticationTokenException' });
      return;
    }
    if (!functions.includes(functionName)) {
      const fault = lambdaError(404, 'ResourceNotFoundException', `Function not found: arn:aws:lambda:us-east-1:123456789012:function:${functionName}`);
      if (typeof fault === 'object') sendJson(ctx.res, fault.status, fault.body, fault.headers);
      return;
    }
    // The Lambda client sends the payload as a binary body, without a JSON content type.
    let payload: Record<string, unknown> | undefined;
    try {
      payload = JSON.parse(ctx.body) as Record<string, unknown>;
    } catch {
      payload = undefined;
    }
    if (!payload) {
      sendJson(ctx.res, 400, { Type: 'User', message: 'Could not parse request body into json' }, { 'x-amzn-errortype': 'InvalidRequestContentException' });
      return;
    }
    if (payload.type === 'start') start(ctx, payload);
    else if (payload.type === 'status') status(ctx, payload);
    else answer(ctx, { type: 'error', message: `The stub does not run the "${String(payload.type)}" routine.`, stack: '' });
  };

  const server = await startStubServer(
    'Remotion Lambda',
    (method, path) => {
      const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(path);
      if (m && method === 'POST') return { route: 'invoke', handle: (ctx) => invoke(ctx, decodeURIComponent(m[1]!)) };
      return undefined;
    },
    { ...(options.port === undefined ? {} : { port: options.port }), ...(options.onRequest ? { onRequest: options.onRequest } : {}) },
  );
  return Object.assign(server, {
    endpoint: server.url,
    renders: requests,
    failNextRender(message: string) {
      fatalQueue.push(message);
    },
  }) as RemotionLambdaStub;
}
