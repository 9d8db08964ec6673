/**
 * Synthesizes the app the way `npx cdk synth` does (cdk.json's feature flags), but without
 * bundling: `aws:cdk:bundling-stacks: []` makes NodejsFunction and the Remotion site placeholder
 * assets, so a synth takes seconds. Each test file synthesizes once, in beforeAll.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp, type AiShortsApp } from '../../lib/cloud/app.js';
import { REPO_ROOT } from '../../lib/cloud/paths.js';

export const TEST_ACCOUNT = '123456789012';
export const TEST_REGION = 'eu-west-1';

export function cdkJsonContext(): Record<string, unknown> {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
}

export interface Synthesized extends AiShortsApp {
  template: Template;
  /** The edge stack's template (the web ACL in us-east-1), when the app is in another region. */
  edgeTemplate?: Template;
  /** The cloud assembly's directory (staged assets live here). */
  outdir: string;
}

export function synthesize(context: Record<string, unknown> = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'ai-shorts-cdk-'));
  const built = createApp({
    outdir,
    context: {
      ...cdkJsonContext(),
      'aws:cdk:bundling-stacks': [],
      account: TEST_ACCOUNT,
      region: TEST_REGION,
      ...context,
    },
  });
  const template = Template.fromStack(built.stack);
  return { ...built, template, ...(built.edge ? { edgeTemplate: Template.fromStack(built.edge) } : {}), outdir };
}
