/**
 * Loopback http for webhooks is a deployment choice of the local runtime: it gives it to the
 * functions (so a receiver on 127.0.0.1 can be tested) unless the settings say `false`; the stack
 * never sets it (test/cloud/stack.test.ts), so in AWS the functions read the default, false.
 */
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../lambdas/shared/config.js';
import { ENV } from '../../lambdas/shared/env.js';
import type { FunctionContract } from '../../lib/local/contract/types.js';
import { functionEnvironment } from '../../lib/local/runtime.js';

const fn: FunctionContract = {
  id: 'CreateWebhook',
  kind: 'route',
  entry: 'lambdas/api/create-webhook/handler.ts',
  functionName: 'ai-shorts-CreateWebhook',
  arn: 'arn:aws:lambda:us-east-1:000000000000:function:ai-shorts-CreateWebhook',
  roleArn: 'arn:aws:iam::000000000000:role/r',
  roleName: 'r',
  environment: { [ENV.WEBHOOKS_TABLE]: 'ai-shorts-webhooks', [ENV.WEBHOOK_RETRY_SECONDS]: '5,300' },
  timeoutSeconds: 25,
  memoryMb: 512,
  logGroupName: '/aws/lambda/x',
  tracing: true,
};
const inputs = (settings: Record<string, string | undefined>) => ({
  settings,
  choices: {},
  quiet: true,
  endpoints: { dynamodb: 'http://127.0.0.1:1', s3: 'http://127.0.0.1:2', stepFunctions: 'http://127.0.0.1:3', secretsManager: 'http://127.0.0.1:4', cloudWatch: 'http://127.0.0.1:5', lambda: 'http://127.0.0.1:6' },
  credentials: { accessKeyId: 'a', secretAccessKey: 'b', sessionToken: 'c' },
  region: 'us-east-1',
  dataDir: '/tmp/x',
});

describe('the loopback setting for webhooks', () => {
  it('is given by the local runtime (true unless the settings say false), and defaults to false where nobody gives it (AWS)', () => {
    expect(readConfig(functionEnvironment(fn, inputs({})))[ENV.WEBHOOK_ALLOW_LOOPBACK_HTTP]).toBe(true);
    expect(readConfig(functionEnvironment(fn, inputs({ [ENV.WEBHOOK_ALLOW_LOOPBACK_HTTP]: 'false' })))[ENV.WEBHOOK_ALLOW_LOOPBACK_HTTP]).toBe(false);
    expect(readConfig(fn.environment)[ENV.WEBHOOK_ALLOW_LOOPBACK_HTTP]).toBe(false);
  });

  it('lets the settings shorten the retry schedule where the template sets it (a deployment choice)', () => {
    expect(functionEnvironment(fn, inputs({ [ENV.WEBHOOK_RETRY_SECONDS]: '1,1' }))[ENV.WEBHOOK_RETRY_SECONDS]).toBe('1,1');
    expect(readConfig({ [ENV.WEBHOOK_RETRY_SECONDS]: '1,1' })[ENV.WEBHOOK_RETRY_SECONDS]).toEqual([1, 1]);
    expect(readConfig({})[ENV.WEBHOOK_RETRY_SECONDS]).toEqual([5, 300, 1800, 7200, 18000, 36000, 36000]);
    expect(() => readConfig({ [ENV.WEBHOOK_RETRY_SECONDS]: '5,soon' })).toThrow(/WEBHOOK_RETRY_SECONDS/);
  });
});
