import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { STEP_FUNCTIONS } from '../../lambdas/steps/registry.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PIPELINE_ASL = `${ROOT}state-machines/video-pipeline.asl.json`;

type JsonValue = Parameters<StateMachine['run']>[0];
export type LocalHandler = (input: any) => Promise<unknown>;

/** The ARN a step's function gets locally; it is never called, the handler runs in-process. */
export function localFunctionArn(id: string): string {
  return `arn:aws:lambda:us-east-1:000000000000:function:ai-shorts-local-${id}`;
}

/** Replaces `${Name}` placeholders exactly as CloudFormation's definitionSubstitutions does. */
export function substitute(text: string, substitutions: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (match, name: string) => {
    const value = substitutions[name];
    if (value === undefined) throw new Error(`The state machine definition uses \${${name}} but no substitution was given for it.`);
    return value;
  });
}

/** The pipeline definition as the local runner executes it: the same file the CDK stack deploys. */
export function loadPipelineDefinition(): StateMachineDefinition {
  const substitutions = Object.fromEntries(STEP_FUNCTIONS.map((fn) => [fn.substitution, localFunctionArn(fn.id)]));
  return JSON.parse(substitute(readFileSync(PIPELINE_ASL, 'utf8'), substitutions)) as StateMachineDefinition;
}

/** Imports each step's real handler module, keyed by the Task state names that invoke it. */
export async function loadStepHandlers(): Promise<Record<string, LocalHandler>> {
  const handlers: Record<string, LocalHandler> = {};
  for (const fn of STEP_FUNCTIONS) {
    const module = (await import(`${ROOT}${fn.entry}`)) as { handler: LocalHandler };
    for (const state of fn.states) handlers[state] = module.handler;
  }
  return handlers;
}

/**
 * Waits the local runner shortens. In AWS the render runs in Remotion Lambda and a poll every
 * 5 s costs a Lambda call; locally the render runs in this process, a poll costs a progress
 * check and one job-record write, and a 5 s wait only makes the job finish up to 5 s after its
 * MP4 is stored. The ASL file (the cloud's definition) keeps its 5 s.
 */
export const LOCAL_WAIT_TIME_OVERRIDES: Readonly<Record<string, number>> = { 'Wait for Render': 1000 };

export interface RunnerOptions {
  /** Replace some states' handlers (tests inject failures this way). */
  handlers?: Record<string, LocalHandler>;
  /** Milliseconds, by Wait state name; merged over {@link LOCAL_WAIT_TIME_OVERRIDES}. */
  waitTimeOverrides?: Record<string, number>;
  /** Milliseconds, by Task state name. */
  retryIntervalOverrides?: Record<string, number | number[]>;
}

/** Runs the pipeline ASL in-process with aws-local-stepfunctions, as Step Functions would in AWS. */
export class LocalPipelineRunner {
  private readonly machine = new StateMachine(loadPipelineDefinition(), { validationOptions: { checkArn: true } });
  private readonly running = new Map<string, { abort: () => void; result: Promise<unknown> }>();

  private constructor(
    private readonly handlers: Record<string, LocalHandler>,
    private readonly options: RunnerOptions,
  ) {}

  static async create(options: RunnerOptions = {}): Promise<LocalPipelineRunner> {
    return new LocalPipelineRunner({ ...(await loadStepHandlers()), ...options.handlers }, options);
  }

  /**
   * Starts an execution named `name` (the job id). Like Step Functions, a second start with
   * the name of a running execution does not start another.
   */
  start(name: string, input: { jobId: string; [key: string]: unknown }) {
    const existing = this.running.get(name);
    if (existing) return existing;
    const taskResourceLocalHandlers = Object.fromEntries(
      Object.entries(this.handlers).map(([state, handler]) => [state, async (event: unknown) => (await handler(event)) as JsonValue]),
    );
    const execution = this.machine.run(input as JsonValue, {
      overrides: {
        taskResourceLocalHandlers,
        waitTimeOverrides: { ...LOCAL_WAIT_TIME_OVERRIDES, ...this.options.waitTimeOverrides },
        ...(this.options.retryIntervalOverrides ? { retryIntervalOverrides: this.options.retryIntervalOverrides } : {}),
      },
      context: { Execution: { Id: `local:${name}`, Name: name, Input: input, StartTime: new Date().toISOString() } } as never,
    });
    const entry = { abort: execution.abort, result: execution.result, eventLogs: execution.eventLogs };
    this.running.set(name, entry);
    const forget = () => this.running.delete(name);
    execution.result.then(forget, forget);
    return entry;
  }

  /** Names of executions still running. */
  get runningCount(): number {
    return this.running.size;
  }

  abortAll(): void {
    for (const { abort } of this.running.values()) abort();
  }
}
