/**
 * Child-process script: synthesizes the CDK app without bundling and writes the stack's contract
 * source — template, index of our ids to logical ids, the staged state machine definition — as ONE
 * JSON file. Run by synthesize.ts (`node --import tsx synth-main.ts <out.json> <hash>`), never
 * imported: aws-cdk-lib costs seconds and ~150 MB to load, which the CLI must not carry.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { QUEUE_FUNCTIONS } from '../../../lambdas/queue/registry.js';
import { SECRET_KEYS } from '../../../lambdas/shared/secret-keys.js';
import { STEP_FUNCTIONS } from '../../../lambdas/steps/registry.js';
import { cloudRoutes } from '../../cloud/api.js';
import { createApp } from '../../cloud/app.js';
import type { AccessLogs } from '../../cloud/access-logs.js';
import type { PipelineFunction } from '../../cloud/pipeline-function.js';
import { REPO_ROOT } from '../../cloud/paths.js';
import {
  CONTRACT_FILE_VERSION,
  LOCAL_ACCOUNT_ID,
  LOCAL_ADMIN_USER_ID,
  LOCAL_REGION,
  PLACEHOLDER_CLERK_JWT_KEY,
  type ContractFunctionIndex,
  type ContractIndex,
  type SynthesizedStack,
} from './types.js';

function cdkJsonContext(): Record<string, unknown> {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
}

function logicalId(construct: IConstruct): string {
  const cfn = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(cfn).getLogicalId(cfn);
}

/** `{ "Fn::GetAtt": [id, attr] }` or `{ Ref: id }` → id. */
function referencedId(value: unknown, what: string): string {
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return v.Ref;
    const getAtt = v['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  }
  throw new Error(`${what} is not a Ref or Fn::GetAtt: ${JSON.stringify(value)}`);
}

function main(): void {
  const [outFile, hash] = process.argv.slice(2);
  if (!outFile || !hash) throw new Error('usage: synth-main.ts <out.json> <hash>');
  const outdir = mkdtempSync(join(tmpdir(), 'ai-shorts-contract-'));
  try {
    const { app, stack } = createApp({
      outdir,
      context: {
        ...cdkJsonContext(),
        'aws:cdk:bundling-stacks': [],
        account: LOCAL_ACCOUNT_ID,
        region: LOCAL_REGION,
        CLERK_JWT_KEY: PLACEHOLDER_CLERK_JWT_KEY,
        ADMIN_USER_IDS: LOCAL_ADMIN_USER_ID,
      },
    });
    const assembly = app.synth();
    const artifact = assembly.getStackArtifact(stack.artifactId);
    const template = artifact.template as SynthesizedStack['template'];

    const functions: Record<string, ContractFunctionIndex> = {};
    const add = (id: string, fn: PipelineFunction, rest: Pick<ContractFunctionIndex, 'kind' | 'entry'> & Partial<ContractFunctionIndex>) => {
      if (functions[id]) throw new Error(`Two functions have the id ${id} (step, route and queue ids must be distinct).`);
      functions[id] = { ...rest, logicalId: logicalId(fn.function), roleLogicalId: logicalId(fn.role), logGroupLogicalId: logicalId(fn.logGroup) };
    };
    for (const spec of STEP_FUNCTIONS) add(spec.id, stack.pipeline.functions[spec.id]!, { kind: 'step', entry: spec.entry, states: [...spec.states] });
    for (const route of cloudRoutes()) {
      add(route.id, stack.api.functions[route.id]!, { kind: 'route', entry: route.entry, route: { method: route.method, path: route.path } });
    }
    const queueFunctions: Record<string, PipelineFunction> = {
      DispatchJobs: stack.jobQueue.dispatcher,
      SweepJobs: stack.jobQueue.sweeper,
      DeliverWebhooks: stack.webhooks.deliverer,
    };
    for (const spec of QUEUE_FUNCTIONS) {
      const fn = queueFunctions[spec.id];
      if (!fn) throw new Error(`lambdas/queue/registry.ts lists ${spec.id}, which lib/cloud/queue.ts does not build.`);
      add(spec.id, fn, { kind: 'queue', entry: spec.entry });
    }

    const accessLogs = stack.node.findChild('AccessLogs') as AccessLogs;
    const machine = stack.pipeline.stateMachine;
    const index: ContractIndex = {
      stackName: stack.stackName,
      functions,
      tables: Object.fromEntries(Object.entries(stack.data.tables).map(([name, table]) => [name, logicalId(table)])),
      buckets: {
        assets: logicalId(stack.assets.bucket),
        render: logicalId(stack.render.bucket),
        web: logicalId(stack.web.bucket),
        accessLogs: logicalId(accessLogs.bucket),
      },
      queues: {
        jobs: logicalId(stack.jobQueue.queue),
        deadLetters: logicalId(stack.jobQueue.deadLetterQueue),
        webhooks: logicalId(stack.webhooks.queue),
        webhookDeadLetters: logicalId(stack.webhooks.deadLetterQueue),
      },
      stateMachine: { logicalId: logicalId(machine), roleLogicalId: logicalId(machine.role) },
      secrets: Object.fromEntries(SECRET_KEYS.map((key) => [key, logicalId(stack.secrets.of(key))])),
      api: { stageLogicalId: logicalId(stack.api.stage) },
      web: { distributionLogicalId: logicalId(stack.web.distribution) },
      render: { functionLogicalId: logicalId(stack.render.function), roleLogicalId: logicalId(stack.render.function.role!) },
      alarms: Object.entries(template.Resources)
        .filter(([, resource]) => resource.Type === 'AWS::CloudWatch::Alarm')
        .map(([id]) => id),
    };

    // The definition as CloudFormation deploys it: the staged file asset DefinitionS3Location points at.
    const machineResource = template.Resources[index.stateMachine.logicalId];
    const location = machineResource?.Properties?.DefinitionS3Location as { Key?: unknown } | undefined;
    if (typeof location?.Key !== 'string') {
      throw new Error(`The state machine ${index.stateMachine.logicalId} has no DefinitionS3Location with a literal Key; the contract reads its definition from the staged asset.`);
    }
    const manifest = JSON.parse(readFileSync(join(outdir, `${stack.artifactId}.assets.json`), 'utf8')) as { files: Record<string, { source: { path: string } }> };
    const assetHash = location.Key.replace(/\.json$/, '');
    const staged = manifest.files[assetHash];
    if (!staged) throw new Error(`The state machine's definition asset ${assetHash} is not in ${stack.artifactId}.assets.json.`);
    const stateMachineDefinition = readFileSync(join(outdir, staged.source.path), 'utf8');

    // Sanity: every role the index names is a role of the template (a refactor that wraps a construct differently fails here, not at run time).
    for (const [id, fn] of Object.entries(functions)) {
      const resource = template.Resources[fn.logicalId];
      if (resource?.Type !== 'AWS::Lambda::Function') throw new Error(`Function ${id}: ${fn.logicalId} is not an AWS::Lambda::Function in the template.`);
      if (referencedId(resource.Properties?.Role, `Function ${id}'s Role`) !== fn.roleLogicalId) {
        throw new Error(`Function ${id}: its Role is not ${fn.roleLogicalId}.`);
      }
    }

    const result: SynthesizedStack = { version: CONTRACT_FILE_VERSION, hash, template, index, stateMachineDefinition };
    writeFileSync(outFile, JSON.stringify(result));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

main();
