import { ExecutionAbortedError } from 'aws-local-stepfunctions';
import type { VideoRequest } from '../../lambdas/core/model.js';
import type { ExecutionStatus, PipelineStarter } from '../../lambdas/core/ports.js';
import type { LocalPipelineRunner } from './state-machine-runner.js';

/**
 * {@link PipelineStarter} over the in-process ASL runner: what Step Functions is in AWS. Its
 * executions live and die with this process, so after a restart every earlier name is
 * NOT_FOUND — which is how the sweeper knows to re-drive interrupted jobs.
 */
export class LocalPipelineStarter implements PipelineStarter {
  private readonly live = new Map<string, { abort: () => void }>();
  private readonly ended = new Map<string, ExecutionStatus>();

  constructor(private readonly runner: LocalPipelineRunner) {}

  async start(name: string, input: { jobId: string; request: VideoRequest }): Promise<'started' | 'already-started'> {
    if (this.live.has(name) || this.ended.has(name)) return 'already-started';
    const execution = this.runner.start(name, input);
    this.live.set(name, { abort: execution.abort });
    execution.result.then(
      () => this.finish(name, 'SUCCEEDED'),
      // The pipeline's own failures end in Fail Job (the job records them); an abort is a stop.
      (error: unknown) => this.finish(name, error instanceof ExecutionAbortedError ? 'ABORTED' : 'FAILED'),
    );
    return 'started';
  }

  async status(name: string): Promise<ExecutionStatus> {
    if (this.live.has(name)) return 'RUNNING';
    return this.ended.get(name) ?? 'NOT_FOUND';
  }

  async stop(name: string): Promise<void> {
    this.live.get(name)?.abort();
  }

  /** Executions still running. */
  get running(): number {
    return this.live.size;
  }

  /** Resolves when no execution runs (or the timeout passes). */
  async idle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.live.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    return this.live.size === 0;
  }

  private finish(name: string, status: ExecutionStatus): void {
    this.live.delete(name);
    this.ended.set(name, status);
  }
}
