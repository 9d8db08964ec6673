import { ENV } from '../../lambdas/shared/env.js';
import { RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { NagSuppressions } from 'cdk-nag';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { STEP_FUNCTIONS } from '../../lambdas/steps/registry.js';
import { PIPELINE_ASL } from '../local/state-machine-runner.js';
import type { ProviderVariable } from './config.js';
import { PipelineFunction, type RenderTarget } from './pipeline-function.js';
import type { KeySecrets } from './secrets.js';
import { stepAccess } from './step-access.js';
import type { TableLogicalName } from './table-definitions.js';

export interface PipelineProps {
  tables: Record<TableLogicalName, Table>;
  assets: IBucket;
  /** The keys' secrets; each step is given the ones its access names. */
  secrets: KeySecrets;
  render: RenderTarget;
  providers: Record<ProviderVariable, string>;
  /** The webhooks queue: the steps that end a job send their event to it. */
  webhookQueue: IQueue;
  /** Hours a video waits in review before it expires (REVIEW_TTL_HOURS, read by Hold for Review). */
  reviewTtlHours: number;
  logRetention: RetentionDays;
  retainData: boolean;
}

/**
 * The video pipeline: one Lambda per entry of STEP_FUNCTIONS, and a Standard state machine
 * deployed from the very ASL file the local runner executes, with each `${…FunctionArn}`
 * placeholder substituted by CloudFormation.
 */
export class Pipeline extends Construct {
  /** By StepFunctionSpec id. */
  readonly functions: Record<string, PipelineFunction>;
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id);
    this.functions = Object.fromEntries(STEP_FUNCTIONS.map((spec) => [spec.id, this.stepFunction(spec.id, props)]));

    const logGroup = new LogGroup(this, 'ExecutionLogs', {
      retention: props.logRetention,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromFile(PIPELINE_ASL),
      definitionSubstitutions: Object.fromEntries(
        STEP_FUNCTIONS.map((spec) => [spec.substitution, this.functions[spec.id]!.function.functionArn]),
      ),
      tracingEnabled: true,
      // Execution data stays in the execution history; the log carries events, not prompts or presigned URLs.
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
    });
    // The definition comes from a file, so CDK cannot see which functions it calls: grant each exact ARN.
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: Object.values(this.functions).map((fn) => fn.function.functionArn),
      }),
    );
    NagSuppressions.addResourceSuppressions(
      this.stateMachine.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Step Functions log delivery (logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ' +
            'ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups) and X-Ray ' +
            '(xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets) support no resource-level permissions.',
          appliesTo: ['Resource::*'],
        },
      ],
      true,
    );
  }

  private stepFunction(id: string, props: PipelineProps): PipelineFunction {
    const spec = STEP_FUNCTIONS.find((s) => s.id === id)!;
    const access = stepAccess(id);
    const fn = new PipelineFunction(this, spec.id, { spec, logRetention: props.logRetention, retainData: props.retainData });
    fn.bindStore(access.store, props.tables);
    if (access.assets) fn.bindAssets(props.assets, access.assets);
    if (access.provider) fn.addEnvironment(access.provider, props.providers[access.provider]);
    for (const key of access.secrets ?? []) fn.bindSecret(key, props.secrets.of(key));
    if (access.render) fn.bindRenderer(props.render, access.render);
    if (access.webhookEvents) fn.bindWebhookQueueSend(props.webhookQueue);
    if (access.reviewTtl) fn.addEnvironment(ENV.REVIEW_TTL_HOURS, String(props.reviewTtlHours));
    return fn;
  }
}
