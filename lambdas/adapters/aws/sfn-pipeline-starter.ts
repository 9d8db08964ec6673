import { DescribeExecutionCommand, StartExecutionCommand, StopExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionInput } from '../../core/pipeline/events.js';
import type { ExecutionStatus, PipelineStarter } from '../../core/ports.js';

/** `arn:aws:states:R:A:stateMachine:M` + name → `arn:aws:states:R:A:execution:M:name`. */
export function executionArn(stateMachineArn: string, name: string): string {
  const marker = ':stateMachine:';
  const at = stateMachineArn.indexOf(marker);
  if (at < 0) throw new Error(`Not a state machine ARN: ${stateMachineArn}`);
  return `${stateMachineArn.slice(0, at)}:execution:${stateMachineArn.slice(at + marker.length)}:${name}`;
}

function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

/** {@link PipelineStarter} over Step Functions: one Standard execution per job attempt, named after it. */
export class SfnPipelineStarter implements PipelineStarter {
  constructor(private readonly options: { client: SFNClient; stateMachineArn: string }) {}

  async start(name: string, input: ExecutionInput): Promise<'started' | 'already-started'> {
    try {
      await this.options.client.send(
        new StartExecutionCommand({ stateMachineArn: this.options.stateMachineArn, name, input: JSON.stringify(input) }),
      );
      return 'started';
    } catch (error) {
      // The name was used: this attempt was started before (a duplicate message). Nothing to do.
      if (isNamed(error, 'ExecutionAlreadyExists')) return 'already-started';
      throw error;
    }
  }

  async status(name: string): Promise<ExecutionStatus> {
    try {
      const answer = await this.options.client.send(
        new DescribeExecutionCommand({ executionArn: executionArn(this.options.stateMachineArn, name) }),
      );
      // PENDING_REDRIVE is a failed execution being redriven from the console: still running.
      return answer.status === 'PENDING_REDRIVE' ? 'RUNNING' : ((answer.status ?? 'RUNNING') as ExecutionStatus);
    } catch (error) {
      if (isNamed(error, 'ExecutionDoesNotExist')) return 'NOT_FOUND';
      throw error;
    }
  }

  async stop(name: string, cause: string): Promise<void> {
    try {
      await this.options.client.send(
        new StopExecutionCommand({ executionArn: executionArn(this.options.stateMachineArn, name), error: 'JobStuck', cause: cause.slice(0, 32768) }),
      );
    } catch (error) {
      if (isNamed(error, 'ExecutionDoesNotExist')) return;
      throw error;
    }
  }
}
