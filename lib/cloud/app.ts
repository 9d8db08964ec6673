/**
 * Builds the CDK app: the stack, and — when it is not in us-east-1 — the edge stack holding
 * CloudFront's web ACL there (lib/cloud/edge.ts), with cdk-nag's AWS Solutions checks over everything.
 */
import { App, Aspects, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AiShortsStack, type AiShortsStackProps } from './ai-shorts-stack.js';
import { EDGE_REGION, EdgeStack } from './edge.js';
import { readConfig } from './config.js';

export interface AiShortsApp {
  app: App;
  stack: AiShortsStack;
  /** The web ACL's own stack in us-east-1; undefined when the stack is there itself and holds it. */
  edge?: EdgeStack;
}

/**
 * Account and region: `-c account=… -c region=…`, else what the CDK CLI found in the AWS
 * profile. The region must be concrete (Remotion's layers are per region); without one, synth
 * uses us-east-1 so it also works offline.
 */
export function createApp(props: AppProps = {}, stackProps: Partial<AiShortsStackProps> = {}): AiShortsApp {
  const app = new App(props);
  const config = readConfig(app.node);
  const account = (app.node.tryGetContext('account') as string | undefined) ?? process.env.CDK_DEFAULT_ACCOUNT;
  const region = (app.node.tryGetContext('region') as string | undefined) ?? process.env.CDK_DEFAULT_REGION ?? 'us-east-1';
  const env = { region, ...(account ? { account } : {}) };
  const edge =
    region === EDGE_REGION
      ? undefined
      : new EdgeStack(app, `${config.stackName}Edge`, {
          description: "ai-shorts: the WAF web ACL of the dashboard's CloudFront distribution (us-east-1 only)",
          env: { ...env, region: EDGE_REGION },
          waf: config.waf,
          logRetention: config.logRetention,
          retainData: config.retainData,
        });
  const stack = new AiShortsStack(app, config.stackName, {
    description: 'ai-shorts: prompt to narrated, captioned short video',
    env,
    config,
    ...(edge ? { edge: edge.protection, crossRegionReferences: true } : {}),
    ...stackProps,
  });
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: false }));
  return { app, stack, ...(edge ? { edge } : {}) };
}
