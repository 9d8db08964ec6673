import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { IOrigin } from 'aws-cdk-lib/aws-cloudfront';
import type { ISource } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { AccessLogs } from './access-logs.js';
import { Assets, VIDEO_PREFIX } from './assets.js';
import type { AppConfig } from './config.js';
import { Data } from './data.js';
import { Pipeline } from './pipeline.js';
import { Render } from './render.js';
import { remotionSiteSource } from './remotion-site.js';
import { ProviderSecrets } from './secrets.js';
import { Web } from './web.js';

export interface AiShortsStackProps extends StackProps {
  config: AppConfig;
  /** The HTTP API's origin for /api/* (the API comes with a later issue). */
  apiOrigin?: IOrigin;
  /** Override the Remotion site source (default: bundled from frontend/remotion at synth). */
  remotionSite?: ISource;
}

/** ai-shorts in AWS: the stack only composes the constructs; each one owns its resources and grants. */
export class AiShortsStack extends Stack {
  readonly data: Data;
  readonly assets: Assets;
  readonly secrets: ProviderSecrets;
  readonly render: Render;
  readonly pipeline: Pipeline;
  readonly web: Web;

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
    this.secrets = new ProviderSecrets(this, 'Secrets', { secretName: config.providerSecretName, retainData });
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
      providerSecret: this.secrets.secret,
      render: this.render,
      providers: config.providers,
      logRetention,
      retainData,
    });
    this.web = new Web(this, 'Web', { accessLogs: accessLogs.bucket, ...(props.apiOrigin ? { apiOrigin: props.apiOrigin } : {}), retainData });

    new CfnOutput(this, 'StateMachineArn', { value: this.pipeline.stateMachine.stateMachineArn });
    new CfnOutput(this, 'DashboardUrl', { value: `https://${this.web.distribution.distributionDomainName}` });
    new CfnOutput(this, 'ProviderSecretName', { value: config.providerSecretName });
    new CfnOutput(this, 'RemotionFunctionName', { value: this.render.functionName });
    new CfnOutput(this, 'RemotionServeUrl', { value: this.render.serveUrl });
    new CfnOutput(this, 'AssetsBucketName', { value: this.assets.bucket.bucketName });
  }
}
