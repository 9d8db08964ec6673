/**
 * The pieces around the stack that need no full synth: configuration from context, the
 * step-access table against the registry, and the web construct with an API origin.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../lambdas/shared/config.js';
import { STEP_FUNCTIONS } from '../../lambdas/steps/registry.js';
import { CLOUD_PROVIDERS, InvalidContext, PROVIDER_VARIABLES, readConfig } from '../../lib/cloud/config.js';
import { keySecretName } from '../../lib/cloud/secrets.js';
import { stepAccess, unusedStepAccess } from '../../lib/cloud/step-access.js';
import { PLACEHOLDER_PAGE, spaRuntimeConfig, spaSource, Web } from '../../lib/cloud/web.js';

function configWith(context: Record<string, unknown>) {
  return readConfig(new App({ context }).node);
}

describe('configuration from CDK context', () => {
  it('defaults to the cloud vendors and keeps data and videos', () => {
    const config = configWith({});
    expect(config.providers).toEqual({ SHORTS_LLM: 'groq', SHORTS_IMAGES: 'replicate', SHORTS_VOICE: 'elevenlabs', SHORTS_MUSIC: 'elevenlabs', SHORTS_RENDER: 'lambda' });
    expect(config).toMatchObject({ secretNamePrefix: 'ai-shorts/', assetsExpireAfterDays: 30, videosExpireAfterDays: undefined, retainData: true });
    expect(config).toMatchObject({ originVerifyGeneration: 1, waf: { rateLimit: 2000, orderRateLimit: 100 } });
  });

  it('names each key its own secret, and a new origin-verify secret for each generation', () => {
    expect(keySecretName('ai-shorts/', 'STRIPE_WEBHOOK_SECRET')).toBe('ai-shorts/stripe-webhook-secret');
    expect(keySecretName('ai-shorts/', 'STRIPE_WEBHOOK_SECRET', 3)).toBe('ai-shorts/stripe-webhook-secret');
    expect(keySecretName('ai-shorts/', 'ORIGIN_VERIFY')).toBe('ai-shorts/origin-verify');
    expect(keySecretName('ai-shorts/', 'ORIGIN_VERIFY', 2)).toBe('ai-shorts/origin-verify-2');
  });

  it('refuses a WAF rate limit AWS WAF would refuse (under 10 per 5 minutes)', () => {
    expect(configWith({ wafRateLimit: '500', wafOrderRateLimit: 20 }).waf).toEqual({ rateLimit: 500, orderRateLimit: 20 });
    expect(() => configWith({ wafOrderRateLimit: '5' })).toThrow(/wafOrderRateLimit must be an integer >= 10/);
  });

  it('reads -c values (strings) as numbers and booleans', () => {
    expect(configWith({ videosExpireAfterDays: '365', retainData: 'false', logRetentionDays: '90' })).toMatchObject({
      videosExpireAfterDays: 365,
      retainData: false,
      logRetention: 90,
    });
  });

  it('refuses a provider that cannot run in Lambda, naming the key and the choices', () => {
    expect(() => configWith({ SHORTS_VOICE: 'offline' })).toThrow(InvalidContext);
    expect(() => configWith({ SHORTS_VOICE: 'offline' })).toThrow(/SHORTS_VOICE=offline .*elevenlabs/);
    expect(() => configWith({ logRetentionDays: '31' })).toThrow(/logRetentionDays/);
  });

  it('offers only providers the handlers know (lambdas/shared/config.ts)', () => {
    for (const variable of PROVIDER_VARIABLES) {
      for (const choice of CLOUD_PROVIDERS[variable]) expect(PROVIDERS[variable] as readonly string[], variable).toContain(choice);
    }
  });
});

describe('step access', () => {
  it('names every step function, and only those', () => {
    for (const spec of STEP_FUNCTIONS) expect(() => stepAccess(spec.id)).not.toThrow();
    expect(unusedStepAccess()).toEqual([]);
  });
});

describe('the web construct', () => {
  let template: Template;

  beforeAll(() => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'WebOnly', { env: { account: '123456789012', region: 'eu-west-1' } });
    new Web(stack, 'Web', {
      accessLogs: new Bucket(stack, 'Logs'),
      apiOrigin: new HttpOrigin('abc123.execute-api.eu-west-1.amazonaws.com'),
      retainData: false,
      clerkPublishableKey: 'pk_test_abc',
    });
    template = Template.fromStack(stack);
  });

  it('routes /api/* to the API origin, uncached, all methods', () => {
    const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
    const config = (distribution as { Properties: { DistributionConfig: { CacheBehaviors: Record<string, unknown>[]; Origins: { DomainName: unknown }[] } } }).Properties
      .DistributionConfig;
    expect(config.CacheBehaviors).toHaveLength(1);
    expect(config.CacheBehaviors[0]).toMatchObject({
      PathPattern: '/api/*',
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
      ViewerProtocolPolicy: 'https-only',
    });
    expect(config.Origins.map((o) => o.DomainName)).toContain('abc123.execute-api.eu-west-1.amazonaws.com');
  });

  it('writes the SPA a fresh config.json in cloud mode with the Clerk key, never the build placeholder', () => {
    const deployments = Object.values(template.findResources('Custom::CDKBucketDeployment')) as { Properties: Record<string, unknown> }[];
    const immutable = deployments.filter((d) => JSON.stringify(d.Properties.SystemMetadata ?? {}).includes('immutable'));
    expect(immutable.length).toBeGreaterThan(0);
    for (const d of immutable) expect(d.Properties.Exclude).toEqual(expect.arrayContaining(['config.json', 'index.html']));
    const config = deployments.filter((d) => d.Properties.Prune === false && JSON.stringify(d.Properties.SystemMetadata).includes('no-cache'));
    expect(config, 'one uncached deployment of config.json').toHaveLength(1);
    expect(spaRuntimeConfig('pk_test_abc')).toEqual({ mode: 'cloud', clerkPublishableKey: 'pk_test_abc' });
    // Without a key the SPA shows "sign-in is not configured" instead of falling back to local sign-in.
    expect(spaRuntimeConfig(undefined)).toEqual({ mode: 'cloud' });
  });

  it('deploys frontend/dist when it exists, otherwise a page that says the dashboard is not built', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spa-'));
    expect(spaSource(dir).built).toBe(false);
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
    expect(spaSource(dir).built).toBe(true);
    expect(PLACEHOLDER_PAGE).toMatch(/not built yet/);
    expect(PLACEHOLDER_PAGE).not.toMatch(/<script/);
  });
});
