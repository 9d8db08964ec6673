import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { QUEUE_FUNCTIONS, type QueueFunctionSpec } from '../../lambdas/queue/registry.js';
import { ENV } from '../../lambdas/shared/env.js';
import { PipelineFunction } from './pipeline-function.js';
import type { TableLogicalName } from './table-definitions.js';

/** Receives before a message that keeps failing to dispatch moves to the dead-letter queue (docs/api.md). */
export const MAX_RECEIVE_COUNT = 5;
/** Messages per dispatcher invocation. */
export const DISPATCH_BATCH_SIZE = 10;
/** One dispatcher at a time, so the RUNNING count it checks before a start is exact. */
export const DISPATCH_RESERVED_CONCURRENCY = 1;
/** How often the sweeper looks for lost, interrupted and stuck jobs. */
export const SWEEP_EVERY = Duration.minutes(5);

export interface JobQueueProps {
  tables: Record<TableLogicalName, Table>;
  stateMachine: StateMachine;
  /** MAX_RUNNING_PIPELINES: pipelines at once; 0 pauses dispatching. */
  maxRunningPipelines: number;
  /** DISPATCH_RETRY_SECONDS: how long a job that found every pipeline busy waits before it is looked at again. */
  dispatchRetrySeconds: number;
  /** MAX_RUNNING_PER_USER: pipelines one user's jobs may hold at once. */
  maxRunningPerUser: number;
  /** The webhooks queue: the sweeper sends video.failed for the jobs it fails. */
  webhookQueue: IQueue;
  logRetention: RetentionDays;
  retainData: boolean;
}

function spec(id: string): QueueFunctionSpec {
  const found = QUEUE_FUNCTIONS.find((fn) => fn.id === id);
  if (!found) throw new Error(`lambdas/queue/registry.ts has no function ${id}`);
  return found;
}

/**
 * The admission queue: job ids wait in SQS (with a dead-letter queue) until the dispatcher
 * starts their pipeline; the sweeper, on a schedule, re-queues lost jobs and fails + refunds stuck ones.
 */
export class JobQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly dispatcher: PipelineFunction;
  readonly sweeper: PipelineFunction;
  readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: JobQueueProps) {
    super(scope, id);
    const dispatchSpec = spec('DispatchJobs');
    const sweepSpec = spec('SweepJobs');

    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    NagSuppressions.addResourceSuppressions(this.deadLetterQueue, [
      { id: 'AwsSolutions-SQS3', reason: 'This is the dead-letter queue of the jobs queue; a DLQ of its own would only move the problem.' },
    ]);
    this.queue = new Queue(this, 'Jobs', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's rule for SQS event sources: at least 6 × the consumer's timeout.
      visibilityTimeout: Duration.seconds(6 * dispatchSpec.timeoutSeconds),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    const fn = (s: QueueFunctionSpec, reservedConcurrency?: number) =>
      new PipelineFunction(this, s.id, {
        spec: { id: s.id, entry: s.entry, timeoutSeconds: s.timeoutSeconds, memoryMb: s.memoryMb, description: s.description },
        logRetention: props.logRetention,
        retainData: props.retainData,
        ...(reservedConcurrency === undefined ? {} : { reservedConcurrency }),
      });

    // Dispatcher: Jobs (claim, list RUNNING with their users on byStatus), the queue (send back on a full house), StartExecution.
    this.dispatcher = fn(dispatchSpec, DISPATCH_RESERVED_CONCURRENCY)
      .bindStore(['jobs.get', 'jobs.update', 'jobs.listByStatus'], props.tables)
      .bindQueueSend(this.queue)
      .addEnvironment(ENV.STATE_MACHINE_ARN, props.stateMachine.stateMachineArn)
      .addEnvironment(ENV.MAX_RUNNING_PIPELINES, String(props.maxRunningPipelines))
      .addEnvironment(ENV.MAX_RUNNING_PER_USER, String(props.maxRunningPerUser))
      .addEnvironment(ENV.DISPATCH_RETRY_SECONDS, String(props.dispatchRetrySeconds));
    this.dispatcher.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['states:StartExecution'], resources: [props.stateMachine.stateMachineArn] }),
    );
    this.dispatcher.function.addEventSource(
      new SqsEventSource(this.queue, { batchSize: DISPATCH_BATCH_SIZE, reportBatchItemFailures: true }),
    );

    // Sweeper: Jobs + the credit tables (fail and refund), the queue (re-queue), Describe/Stop on this machine's executions.
    this.sweeper = fn(sweepSpec)
      .bindStore(['jobs.get', 'jobs.update', 'jobs.listByStatus', 'credits.refund'], props.tables)
      .bindQueueSend(this.queue)
      .bindWebhookQueueSend(props.webhookQueue)
      .addEnvironment(ENV.STATE_MACHINE_ARN, props.stateMachine.stateMachineArn);
    const executions = executionArnPattern(this, props.stateMachine);
    this.sweeper.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['states:DescribeExecution', 'states:StopExecution'], resources: [executions] }),
    );
    NagSuppressions.addResourceSuppressions(
      this.sweeper.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: "Execution ARNs end in the execution's name (the job id, or {jobId}-r{n}); the wildcard covers only this state machine's executions.",
          appliesTo: [{ regex: '/^Resource::arn:.*:states:.*:execution:[^:]+:\\*$/g' }],
        },
      ],
      true,
    );

    this.schedule = new Rule(this, 'SweepSchedule', {
      description: 'ai-shorts: sweep lost, interrupted and stuck jobs',
      schedule: Schedule.rate(SWEEP_EVERY),
      targets: [new LambdaFunction(this.sweeper.function, { retryAttempts: 0 })],
    });
  }
}

/** `arn:…:states:{region}:{account}:execution:{machine name}:*` — every execution of this machine, no other. */
function executionArnPattern(scope: Construct, machine: StateMachine): string {
  return Stack.of(scope).formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${machine.stateMachineName}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}
