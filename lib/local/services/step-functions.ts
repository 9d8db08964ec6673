/**
 * The local Step Functions endpoint: the API the dispatcher, the sweeper and the health check
 * call in AWS (StartExecution, DescribeExecution, StopExecution, DescribeStateMachine), over the
 * in-process ASL runner, behind the same IAM check as every local endpoint. Executions live in
 * this process: after a restart every earlier one is ExecutionDoesNotExist, which is how the
 * sweeper knows to re-drive interrupted jobs.
 */
import type { Authorizer } from '../iam/authorizer.js';
import { ServiceError, startJsonService, type JsonService } from '../iam/json-service.js';
import type { Principals } from '../iam/principals.js';
import type { LocalPipelineRunner } from '../state-machine-runner.js';

export interface StepFunctionsServiceOptions {
  runner: LocalPipelineRunner;
  stateMachine: { arn: string; name: string; roleArn: string; definition: string };
  principals: Principals;
  authorizer: Authorizer;
  context: { accountId: string; region: string };
  createdAt?: Date;
}

const seconds = (date: Date) => date.getTime() / 1000;

/** `arn:aws:states:R:A:stateMachine:M` + name → `arn:aws:states:R:A:execution:M:name`. */
function executionArnOf(machineArn: string, name: string): string {
  return `${machineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

export async function startStepFunctionsService(options: StepFunctionsServiceOptions): Promise<JsonService> {
  const { runner, stateMachine } = options;
  const createdAt = options.createdAt ?? new Date();
  const inputs = new Map<string, string>();

  const machine = (arn: unknown) => {
    if (arn !== stateMachine.arn) throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(arn)}'`);
  };
  const execution = (arn: unknown) => {
    const prefix = `${stateMachine.arn.replace(':stateMachine:', ':execution:')}:`;
    const name = typeof arn === 'string' && arn.startsWith(prefix) ? arn.slice(prefix.length) : undefined;
    const found = name ? runner.execution(name) : undefined;
    if (!name || !found) throw new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(arn)}'`);
    return { name, found };
  };

  return startJsonService({
    service: 'stepfunctions',
    targetPrefix: 'AWSStepFunctions',
    principals: options.principals,
    authorizer: options.authorizer,
    context: options.context,
    operations: {
      async StartExecution(input: { stateMachineArn?: string; name?: string; input?: string }) {
        machine(input.stateMachineArn);
        const name = input.name ?? crypto.randomUUID();
        const text = input.input ?? '{}';
        const existing = runner.execution(name);
        if (existing) {
          // Standard workflows: the same name and input while it runs is the same execution; anything else is refused.
          if (existing.status() === 'RUNNING' && inputs.get(name) === text) {
            return { executionArn: executionArnOf(stateMachine.arn, name), startDate: seconds(existing.startedAt) };
          }
          throw new ServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArnOf(stateMachine.arn, name)}'`);
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          throw new ServiceError('InvalidExecutionInput', 'Invalid State Machine Execution Input: the input is not JSON');
        }
        inputs.set(name, text);
        const started = runner.start(name, parsed as { jobId: string });
        return { executionArn: executionArnOf(stateMachine.arn, name), startDate: seconds(started.startedAt) };
      },

      async DescribeExecution(input: { executionArn?: string }) {
        const { name, found } = execution(input.executionArn);
        return {
          executionArn: input.executionArn,
          stateMachineArn: stateMachine.arn,
          name,
          status: found.status(),
          startDate: seconds(found.startedAt),
          ...(found.stoppedAt ? { stopDate: seconds(found.stoppedAt) } : {}),
          input: inputs.get(name) ?? '{}',
          ...(found.error ? { error: found.error.name, cause: found.error.cause } : {}),
        };
      },

      async StopExecution(input: { executionArn?: string; error?: string; cause?: string }) {
        const { found } = execution(input.executionArn);
        if (found.status() === 'RUNNING') found.abort();
        return { stopDate: seconds(found.stoppedAt ?? new Date()) };
      },

      async DescribeStateMachine(input: { stateMachineArn?: string }) {
        machine(input.stateMachineArn);
        return {
          stateMachineArn: stateMachine.arn,
          name: stateMachine.name,
          status: 'ACTIVE',
          definition: stateMachine.definition,
          roleArn: stateMachine.roleArn,
          type: 'STANDARD',
          creationDate: seconds(createdAt),
        };
      },
    },
  });
}
