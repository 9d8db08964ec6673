import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ISource } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { ENV } from '../../lambdas/shared/env.js';
import { AccessLogs } from './access-logs.js';
import { Api } from './api.js';
import { Assets, VIDEO_PREFIX } from './assets.js';
import type { AppConfig } from './config.js';
import { Data } from './data.js';
import { Pipeline } from './pipeline.js';
import { Observability } from './observability.js';
import { JobQueue } from './queue.js';
import { Render } from './render.js';
import { remotionSiteSource } from './remotion-site.js';
import { EdgeProtection } from './edge.js';
import { KeySecrets } from './secrets.js';
import { Web } from './web.js';
import { Webhooks } from './webhooks.js';

export interface AiShortsStackProps extends StackProps {
  config: AppConfig;
  /** Override the Remotion site source (default: bundled from frontend/remotion at synth). */
  remotionSite?: ISource;
  /** The WAF, when it lives in a stack of its own in us-east-1 (lib/cloud/app.ts); else this stack holds it. */
  edge?: EdgeProtection;
}

/** ai-shorts in AWS: the stack only composes the constructs; each one owns its resources and grants. */
export class AiShortsStack extends Stack {
  readonly data: Data;
  readonly assets: Assets;
  /** One secret per key (vendors', Stripe's, Clerk's, the origin-verify value): each function reads only its own. */
  readonly secrets: KeySecrets;
  /** The WAF on the dashboard's distribution (in this stack, or the edge stack's). */
  readonly edge: EdgeProtection;
  readonly render: Render;
  readonly pipeline: Pipeline;
  readonly web: Web;
  /** The admission queue, its DLQ, the dispatcher and the sweeper. */
  readonly jobQueue: JobQueue;
  /** The HTTP API (one Lambda per route of lambdas/api/routes.ts). */
  readonly api: Api;
  /** Completion webhooks: the events queue, its DLQ and the deliverer. */
  readonly webhooks: Webhooks;
  /** The operations dashboard and the alarms paging its SNS topic (docs/ops.md). */
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: AiShortsStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { retainData, logRetention } = config;

    const accessLogs = new AccessLogs(this, 'AccessLogs', { retainData });
    this.data = new Data(this, 'Data', { retainData });
    this.assets = new Assets(this, 'Assets', {
      accessLogs: accessLogs.bucket,
      assetsExpireAfterDays: config.assetsExpireAfterDays,
      videosExpireAfterDays: config.videosExpireAfterDays,
      retainData,
    });
    this.secrets = new KeySecrets(this, 'Secrets', { namePrefix: config.secretNamePrefix, retainData, originVerifyGeneration: config.originVerifyGeneration });
    this.webhooks = new Webhooks(this, 'Webhooks', { tables: this.data.tables, assets: this.assets.bucket, logRetention, retainData });
    this.render = new Render(this, 'Render', {
      site: props.remotionSite ?? remotionSiteSource(),
      output: { bucket: this.assets.bucket, prefix: VIDEO_PREFIX },
      accessLogs: accessLogs.bucket,
      logRetention,
      retainData,
    });
    this.pipeline = new Pipeline(this, 'Pipeline', {
      tables: this.data.tables,
      assets: this.assets.bucket,
      secrets: this.secrets,
      render: this.render,
      providers: config.providers,
      webhookQueue: this.webhooks.queue,
      reviewTtlHours: config.api.reviewTtlHours,
      logRetention,
      retainData,
    });
    this.web = new Web(this, 'Web', {
      accessLogs: accessLogs.bucket,
      retainData,
      ...(config.api.clerkPublishableKey ? { clerkPublishableKey: config.api.clerkPublishableKey } : {}),
    });
    this.jobQueue = new JobQueue(this, 'Queue', {
      tables: this.data.tables,
      stateMachine: this.pipeline.stateMachine,
      maxRunningPipelines: config.api.maxRunningPipelines,
      dispatchRetrySeconds: config.api.dispatchRetrySeconds,
      maxRunningPerUser: config.api.maxRunningPerUser,
      webhookQueue: this.webhooks.queue,
      logRetention,
      retainData,
    });
    this.api = new Api(this, 'Api', {
      tables: this.data.tables,
      assets: this.assets.bucket,
      queue: this.jobQueue.queue,
      deadLetterQueue: this.jobQueue.deadLetterQueue,
      webhookQueue: this.webhooks.queue,
      stateMachine: this.pipeline.stateMachine,
      render: this.render,
      renderProvider: config.providers[ENV.RENDER],
      voiceProvider: config.providers[ENV.VOICE],
      secrets: this.secrets,
      config: config.api,
      dashboardUrl: this.web.url,
      logRetention,
      retainData,
    });
    this.web.routeApi(this.api.origin);
    this.edge = props.edge ?? new EdgeProtection(this, 'Edge', { waf: config.waf, name: this.stackName, logRetention, retainData });
    this.web.distribution.attachWebAclId(this.edge.webAcl.attrArn);
    const lambdas = (fns: Record<string, { function: IFunction }>) => Object.fromEntries(Object.entries(fns).map(([k, f]) => [k, f.function]));
    this.observability = new Observability(this, 'Observability', {
      stateMachine: this.pipeline.stateMachine,
      functions: { ...lambdas(this.pipeline.functions), DispatchJobs: this.jobQueue.dispatcher.function, SweepJobs: this.jobQueue.sweeper.function, DeliverWebhooks: this.webhooks.deliverer.function },
      queue: this.jobQueue.queue,
      deadLetterQueue: this.jobQueue.deadLetterQueue,
      api: { httpApi: this.api.httpApi, functions: lambdas(this.api.functions) },
      renderFunctionName: this.render.functionName,
      retainData,
    });

    new CfnOutput(this, 'StateMachineArn', { value: this.pipeline.stateMachine.stateMachineArn });
    new CfnOutput(this, 'DashboardUrl', { value: `https://${this.web.distribution.distributionDomainName}` });
    // The API's own address refuses every request (no origin-verify header): call it through DashboardUrl/api.
    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'SecretNamePrefix', { value: config.secretNamePrefix });
    new CfnOutput(this, 'JobsQueueUrl', { value: this.jobQueue.queue.queueUrl });
    new CfnOutput(this, 'RemotionFunctionName', { value: this.render.functionName });
    new CfnOutput(this, 'RemotionServeUrl', { value: this.render.serveUrl });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.observability.topic.topicArn });
    new CfnOutput(this, 'AssetsBucketName', { value: this.assets.bucket.bucketName });
  }
}
