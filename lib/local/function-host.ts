/**
 * The local Lambda: runs each function the stack declares, in this process, under what Lambda
 * gives it — its own environment (function-env.ts), its handler module loaded once in that
 * environment (module scope builds the function's dependencies from its own configuration, as
 * on a cold start), and Lambda's rules for a synchronous invoke: the event and the answer travel
 * as JSON (a Date becomes a string, `undefined` disappears), each at most 6 MB, and an
 * invocation that runs past the function's timeout fails with Lambda's `Sandbox.Timedout`.
 *
 * What it cannot do in one process: stop a timed-out handler (it runs on, but its answer is
 * dropped), or give concurrent invocations separate containers (they share the module).
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Dependencies } from '../../lambdas/shared/dependencies.js';
import { readConfig } from '../../lambdas/shared/config.js';
import { withEnvironment, type OutputSink } from './function-env.js';

/** Lambda's limit for a synchronous invocation's request and response payloads. */
export const LAMBDA_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;
/** Lambda's error type for an invocation that ran past the function's timeout. */
export const LAMBDA_TIMEOUT_ERROR_TYPE = 'Sandbox.Timedout';

export interface HostedFunction {
  /** Our id: `StartRender`, `CreateVideo`, `DispatchJobs` … */
  id: string;
  functionName: string;
  arn: string;
  /** Handler module, relative to the repository root; exports `handler`. */
  entry: string;
  /** Its whole environment: the template's variables, the Lambda runtime's own, the local redirections. */
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
  logGroupName: string;
}

/** A function's answer was an error: what Lambda reports as `{errorType, errorMessage, trace}`. */
export class FunctionError extends Error {
  constructor(
    readonly errorType: string,
    readonly errorMessage: string,
    readonly trace: string[] = [],
  ) {
    super(errorMessage);
    this.name = errorType;
  }

  /** The `Cause` Step Functions records for a failed Lambda task: the error as Lambda serialized it. */
  get causeJson(): string {
    return JSON.stringify({ errorType: this.errorType, errorMessage: this.errorMessage, trace: this.trace });
  }
}

/** The Lambda service refused the invocation itself (the function never ran). */
export class InvokeError extends Error {
  constructor(
    name: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = name;
  }
}

/** The Lambda context object a Node handler receives. */
export interface LambdaContext {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

type Handler = (event: unknown, context: LambdaContext) => Promise<unknown>;

/** What a test stand-in gets: the real handler and the function's own dependencies, both in its environment. */
export interface StandInContext {
  handler: Handler;
  context: LambdaContext;
  dependencies(): Dependencies;
}
/** Runs instead of a function's handler, inside the function's environment (tests inject failures so). */
export type StandIn = (event: any, context: StandInContext) => Promise<unknown>;

export interface FunctionHostOptions {
  /** Repository root the entries are relative to. */
  root: string;
  /**
   * Told once per cold start, inside nothing: the runtime checks there what the Lambda service
   * does with the function's role as it starts (writing its logs, sending traces).
   */
  onColdStart?: (fn: HostedFunction) => void;
  /** Where each function's stdout and stderr go (its log); default this process's. */
  output?: (fn: HostedFunction) => OutputSink;
}

interface Loaded {
  handler: Handler;
  dependencies?: Dependencies;
}

let instances = 0;

export class FunctionHost {
  private readonly functions = new Map<string, HostedFunction>();
  private readonly loaded = new Map<string, Promise<Loaded>>();
  /** Distinguishes this host's module instances from another host's in the same process. */
  private readonly instance = `${process.pid}-${++instances}`;

  constructor(private readonly options: FunctionHostOptions) {}

  add(fn: HostedFunction): void {
    this.functions.set(fn.id, fn);
  }

  /**
   * Replaces a function's environment. Its module scope read the old one if it has started, so
   * this is for choices made before the first invocation (the dev server's origin).
   */
  setEnvironment(id: string, environment: Record<string, string>): void {
    const fn = this.get(id);
    this.functions.set(id, { ...fn, environment });
  }

  get(id: string): HostedFunction {
    const fn = this.functions.get(id);
    if (!fn) throw new InvokeError('ResourceNotFoundException', `Function not found: ${id}`, 404);
    return fn;
  }

  byArn(arn: string): HostedFunction | undefined {
    const bare = arn.replace(/:(\$LATEST|\d+)$/, '');
    return [...this.functions.values()].find((fn) => fn.arn === bare || fn.functionName === bare);
  }

  list(): HostedFunction[] {
    return [...this.functions.values()];
  }

  /** Ids of the functions that have started (been invoked at least once). */
  started(): string[] {
    return [...this.loaded.keys()];
  }

  /** Runs `body` in the function's environment (its AWS identity included). */
  within<T>(id: string, body: () => T): T {
    const fn = this.get(id);
    return withEnvironment(fn.environment, body, this.options.output?.(fn));
  }

  /** Starts a function now (its module scope runs: a check that it initializes) rather than on first use. */
  async start(id: string): Promise<void> {
    await this.load(this.get(id));
  }

  /**
   * A synchronous invocation, as Lambda does it: the event as JSON (≤ 6 MB), the handler (or a
   * stand-in) in the function's environment, the answer as JSON (≤ 6 MB), the timeout enforced.
   * A function error rejects with {@link FunctionError}; a refused invocation with {@link InvokeError}.
   */
  async invoke(id: string, event: unknown, options: { standIn?: StandIn } = {}): Promise<unknown> {
    const fn = this.get(id);
    const payload = JSON.stringify(event ?? null);
    if (Buffer.byteLength(payload) > LAMBDA_PAYLOAD_LIMIT_BYTES) {
      throw new InvokeError(
        'RequestEntityTooLargeException',
        `Request must be smaller than ${LAMBDA_PAYLOAD_LIMIT_BYTES} bytes for the InvokeFunction operation`,
        413,
      );
    }
    const context = this.context(fn);
    const timeoutMs = fn.timeoutSeconds * 1000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new FunctionError(LAMBDA_TIMEOUT_ERROR_TYPE, `RequestId: ${context.awsRequestId} Error: Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`),
          ),
        timeoutMs,
      );
      timer.unref();
    });
    try {
      const run = withEnvironment(fn.environment, async () => {
        const loaded = await this.load(fn);
        const input = JSON.parse(payload) as unknown;
        if (options.standIn) {
          return options.standIn(input, {
            handler: loaded.handler,
            context,
            dependencies: () => (loaded.dependencies ??= new Dependencies(readConfig(process.env))),
          });
        }
        return loaded.handler(input, context);
      }, this.options.output?.(fn));
      const result = await Promise.race([run.catch((error: unknown) => Promise.reject(asFunctionError(error))), timedOut]);
      const answer = result === undefined ? 'null' : JSON.stringify(result);
      if (Buffer.byteLength(answer) > LAMBDA_PAYLOAD_LIMIT_BYTES) {
        throw new FunctionError(
          'Function.ResponseSizeTooLarge',
          `Response payload size (${Buffer.byteLength(answer)} bytes) exceeded maximum allowed payload size (${LAMBDA_PAYLOAD_LIMIT_BYTES} bytes).`,
        );
      }
      return JSON.parse(answer) as unknown;
    } finally {
      clearTimeout(timer);
    }
  }

  private context(fn: HostedFunction): LambdaContext {
    const deadline = Date.now() + fn.timeoutSeconds * 1000;
    const requestId = randomUUID();
    return {
      functionName: fn.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: fn.arn,
      memoryLimitInMB: String(fn.memoryMb),
      awsRequestId: requestId,
      logGroupName: fn.logGroupName,
      logStreamName: `local/[$LATEST]${this.instance}`,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
  }

  /** A cold start: the handler module imported in the function's environment (its own module instance). */
  private load(fn: HostedFunction): Promise<Loaded> {
    let loading = this.loaded.get(fn.id);
    if (!loading) {
      this.options.onColdStart?.(fn);
      const url = `${pathToFileURL(path.join(this.options.root, fn.entry)).href}?function=${encodeURIComponent(fn.id)}&host=${this.instance}`;
      loading = withEnvironment(
        fn.environment,
        async () => {
          const module = (await import(url)) as { handler?: Handler };
          if (typeof module.handler !== 'function') throw new Error(`${fn.entry} exports no handler function.`);
          return { handler: module.handler };
        },
        this.options.output?.(fn),
      );
      // A failed start is not remembered: the next invocation starts the function again, as Lambda does.
      loading.catch(() => this.loaded.delete(fn.id));
      this.loaded.set(fn.id, loading);
    }
    return loading;
  }
}

/** Whatever a handler threw, as Lambda serializes it. */
function asFunctionError(error: unknown): FunctionError {
  if (error instanceof FunctionError) return error;
  if (error instanceof Error) {
    return new FunctionError(error.name || 'Error', error.message, (error.stack ?? '').split('\n').slice(1).map((line) => line.trim()));
  }
  return new FunctionError('Error', String(error));
}
