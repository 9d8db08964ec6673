/** Builds the CDK app: the one stack, with cdk-nag's AWS Solutions checks over everything. */
import { App, Aspects, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AiShortsStack, type AiShortsStackProps } from './ai-shorts-stack.js';
import { readConfig } from './config.js';

export interface AiShortsApp {
  app: App;
  stack: AiShortsStack;
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
  const stack = new AiShortsStack(app, config.stackName, {
    description: 'ai-shorts: prompt to narrated, captioned short video',
    env: { region, ...(account ? { account } : {}) },
    config,
    ...stackProps,
  });
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: false }));
  return { app, stack };
}
