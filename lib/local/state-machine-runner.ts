import { fileURLToPath } from 'node:url';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ExecutionAbortedError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { FunctionError, InvokeError, type FunctionHost, type StandIn } from './function-host.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PIPELINE_ASL = `${ROOT}state-machines/video-pipeline.asl.json`;

type JsonValue = Parameters<StateMachine['run']>[0];

/** Step Functions' limit on a state's input and output and a task's result: 256 KiB of UTF-8. */
export const STATE_PAYLOAD_LIMIT_BYTES = 256 * 1024;

/** Replaces `${Name}` placeholders exactly as CloudFormation's definitionSubstitutions does. */
export function substitute(text: string, substitutions: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (match, name: string) => {
    const value = substitutions[name];
    if (value === undefined) throw new Error(`The state machine definition uses \${${name}} but no substitution was given for it.`);
    return value;
  });
}

/**
 * Waits the local runner shortens. In AWS the render runs in Remotion Lambda and a poll every
 * 5 s costs a Lambda call; locally the render runs in this process, a poll costs a progress
 * check and one job-record write, and a 5 s wait only makes the job finish up to 5 s after its
 * MP4 is stored. The ASL file (the cloud's definition) keeps its 5 s.
 */
export const LOCAL_WAIT_TIME_OVERRIDES: Readonly<Record<string, number>> = { 'Wait for Render': 1000 };

export interface RunnerOptions {
  /** Stand-ins for some states' functions, run in the function's environment (tests inject failures this way). */
  handlers?: Record<string, StandIn>;
  /** Milliseconds, by Wait state name; merged over {@link LOCAL_WAIT_TIME_OVERRIDES}. */
  waitTimeOverrides?: Record<string, number>;
  /** Milliseconds, by Task state name. */
  retryIntervalOverrides?: Record<string, number | number[]>;
}

export interface RunnerSetup extends RunnerOptions {
  /** The definition as deployed: the ASL with the template's substitutions resolved (function ARNs). */
  definition: string;
  host: FunctionHost;
  /**
   * Whether the state machine's role may invoke the function (lambda:InvokeFunction); a refusal
   * fails the task as Step Functions does, with the service's message.
   */
  authorizeInvoke(functionArn: string): Promise<{ allowed: true } | { allowed: false; message: string }>;
}

/** A terminal error Step Functions raises itself: neither Retry nor a `States.ALL` Catch matches it. */
class TerminalStatesError extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** A task error as Step Functions records it: `Error` the error type, `Cause` Lambda's JSON of it. */
class TaskFailed extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

function bytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value ?? null));
}

export interface Execution {
  abort: () => void;
  /** The execution's output; rejects with the failure (`name` its Error, `message` its Cause). */
  result: Promise<unknown>;
  status(): ExecutionStatus;
  startedAt: Date;
  stoppedAt?: Date;
  error?: { name: string; cause: string };
}
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/**
 * Runs the pipeline ASL in-process with aws-local-stepfunctions, as Step Functions does in AWS:
 * each Task state invokes the function its Resource ARN names through the local Lambda (its own
 * environment, identity, timeout and payload limits), after checking that the state machine's
 * role may invoke it; a state's input or output over 256 KiB fails the execution with the
 * terminal `States.DataLimitExceeded`, which no Catch handles.
 */
export class LocalPipelineRunner {
  private readonly machine: StateMachine;
  private readonly taskFunctions: Map<string, string>;
  private readonly executions = new Map<string, Execution>();

  constructor(private readonly setup: RunnerSetup) {
    const definition = JSON.parse(setup.definition) as StateMachineDefinition;
    this.machine = new StateMachine(definition, { validationOptions: { checkArn: true } });
    this.taskFunctions = taskResources(definition);
  }

  /**
   * Starts an execution named `name` (the job id). Like Step Functions, a second start with the
   * name of a running execution does not start another.
   */
  start(name: string, input: { jobId: string; [key: string]: unknown }): Execution {
    const existing = this.executions.get(name);
    if (existing && existing.status() === 'RUNNING') return existing;
    let terminal: TerminalStatesError | undefined;
    const fail = (error: TerminalStatesError) => {
      terminal ??= error;
      run.abort();
    };
    const taskResourceLocalHandlers = Object.fromEntries(
      [...this.taskFunctions].map(([state, arn]) => [state, (parameters: JsonValue) => this.task(state, arn, parameters, () => terminal, fail) as Promise<JsonValue>]),
    );
    const run = this.machine.run(input as JsonValue, {
      overrides: {
        taskResourceLocalHandlers,
        waitTimeOverrides: { ...LOCAL_WAIT_TIME_OVERRIDES, ...this.setup.waitTimeOverrides },
        ...(this.setup.retryIntervalOverrides ? { retryIntervalOverrides: this.setup.retryIntervalOverrides } : {}),
      },
      context: { Execution: { Id: `local:${name}`, Name: name, Input: input, StartTime: new Date().toISOString() } } as never,
    });
    void this.watch(run.eventLogs, fail);
    let status: ExecutionStatus = 'RUNNING';
    const execution: Execution = {
      abort: () => run.abort(),
      startedAt: new Date(),
      status: () => status,
      result: run.result.then(
        (output) => {
          status = 'SUCCEEDED';
          execution.stoppedAt = new Date();
          return output;
        },
        (error: unknown) => {
          execution.stoppedAt = new Date();
          if (terminal) {
            status = 'FAILED';
            execution.error = { name: terminal.name, cause: terminal.message };
            throw terminal;
          }
          if (error instanceof ExecutionAbortedError) {
            status = 'ABORTED';
            throw error;
          }
          status = (error as Error).name === 'States.Timeout' ? 'TIMED_OUT' : 'FAILED';
          const cause = (error as { cause?: unknown }).cause;
          execution.error = { name: (error as Error).name, cause: cause instanceof Error ? cause.message : (error as Error).message };
          throw error;
        },
      ),
    };
    execution.result.catch(() => undefined);
    this.executions.set(name, execution);
    return execution;
  }

  /** The execution of that name, running or ended, if this runner started one. */
  execution(name: string): Execution | undefined {
    return this.executions.get(name);
  }

  /** Names of executions still running. */
  get runningCount(): number {
    return [...this.executions.values()].filter((e) => e.status() === 'RUNNING').length;
  }

  abortAll(): void {
    for (const execution of this.executions.values()) if (execution.status() === 'RUNNING') execution.abort();
  }

  /** Each state's output (nested Map and Parallel states' too) against the payload limit. */
  private async watch(events: AsyncGenerator<{ type: string; state?: { name: string; output?: unknown } }>, fail: (error: TerminalStatesError) => void) {
    for await (const event of events) {
      if (event.type === 'StateExited' && event.state && bytes(event.state.output) > STATE_PAYLOAD_LIMIT_BYTES) {
        fail(
          new TerminalStatesError(
            'States.DataLimitExceeded',
            `The state/task '${event.state.name}' returned a result with a size exceeding the maximum number of bytes service limit.`,
          ),
        );
      }
    }
  }

  /** One Task state: Step Functions invoking the function its Resource names, synchronously. */
  private async task(
    state: string,
    functionArn: string,
    parameters: JsonValue,
    terminal: () => TerminalStatesError | undefined,
    fail: (error: TerminalStatesError) => void,
  ): Promise<unknown> {
    // Let the event watcher see the previous state's output first: an oversized one ends the execution here.
    await nextTurn();
    const ended = terminal();
    if (ended) throw ended;
    if (bytes(parameters) > STATE_PAYLOAD_LIMIT_BYTES) {
      const error = new TerminalStatesError(
        'States.DataLimitExceeded',
        `The state/task '${state}' has an input with a size exceeding the maximum number of bytes service limit.`,
      );
      fail(error);
      throw error;
    }
    const fn = this.setup.host.byArn(functionArn);
    if (!fn) throw new TaskFailed('Lambda.ResourceNotFoundException', `Function not found: ${functionArn}`);
    const permission = await this.setup.authorizeInvoke(fn.arn);
    if (!permission.allowed) throw new TaskFailed('Lambda.AWSLambdaException', permission.message);
    let result: unknown;
    try {
      const standIn = this.setup.handlers?.[state];
      result = await this.setup.host.invoke(fn.id, parameters, standIn ? { standIn } : {});
    } catch (error) {
      if (error instanceof FunctionError) throw new TaskFailed(error.errorType, error.causeJson);
      if (error instanceof InvokeError) throw new TaskFailed(`Lambda.${error.name}`, error.message);
      throw error;
    }
    if (bytes(result) > STATE_PAYLOAD_LIMIT_BYTES) {
      const error = new TerminalStatesError(
        'States.DataLimitExceeded',
        `The state/task '${state}' returned a result with a size exceeding the maximum number of bytes service limit.`,
      );
      fail(error);
      throw error;
    }
    return result;
  }
}

/** Task state name → the function ARN its Resource names, through Map and Parallel states. */
function taskResources(definition: StateMachineDefinition): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (states: Record<string, any>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task') found.set(name, state.Resource as string);
      if (state.Type === 'Parallel') for (const branch of state.Branches) visit(branch.States);
      if (state.Type === 'Map') visit((state.ItemProcessor ?? state.Iterator).States);
    }
  };
  visit(definition.States as Record<string, any>);
  return found;
}
