/**
 * A grant missing from the template fails the local run as it would fail in AWS: the function's
 * own AWS SDK call is refused with the SDK's AccessDenied, naming the action and the resource;
 * the job shows only "an internal error in step X (reference R)", and the detail is in the
 * function's log under R. The template here is the synthesized one with one statement removed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newJob, type Job } from '../../lambdas/core/job.js';
import { VideoRequestSchema } from '../../lambdas/core/model.js';
import type { CfnTemplate } from '../../lib/local/contract/index.js';
import { startLocalRuntime, type LocalRuntime } from '../../lib/local/runtime.js';

let runtime: LocalRuntime | undefined;
let dataDir: string | undefined;

afterEach(async () => {
  await runtime?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  runtime = undefined;
});

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

/** The template with the statements of `roleLogicalIdPrefix`'s policies edited; something must change. */
function edited(template: CfnTemplate, roleLogicalIdPrefix: string, edit: (statements: Statement[]) => Statement[]): CfnTemplate {
  const before = JSON.stringify(template);
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    // A function's role keeps its statements inline (lib/cloud/pipeline-function.ts); other roles may use AWS::IAM::Policy.
    if (resource.Type === 'AWS::IAM::Role' && logicalId.startsWith(roleLogicalIdPrefix)) {
      for (const policy of (resource.Properties?.Policies ?? []) as unknown as { PolicyDocument: { Statement: Statement[] } }[]) {
        policy.PolicyDocument.Statement = edit(policy.PolicyDocument.Statement);
      }
    }
    if (resource.Type !== 'AWS::IAM::Policy' || !JSON.stringify(resource.Properties?.Roles ?? []).includes(roleLogicalIdPrefix)) continue;
    const document = resource.Properties!.PolicyDocument as unknown as { Statement: Statement[] };
    document.Statement = edit(document.Statement);
  }
  if (JSON.stringify(template) === before) throw new Error(`nothing of ${roleLogicalIdPrefix}'s policies changed`);
  return template;
}

/** The template without the statements of `roleLogicalIdPrefix`'s policies that `drop` matches. */
const without = (template: CfnTemplate, roleLogicalIdPrefix: string, drop: (statement: Statement) => boolean) =>
  edited(template, roleLogicalIdPrefix, (statements) => statements.filter((statement) => !drop(statement)));

const actions = (statement: Statement) => ([] as string[]).concat(statement.Action);

async function start(alterTemplate: (template: CfnTemplate) => CfnTemplate): Promise<LocalRuntime> {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ai-shorts-denied-'));
  runtime = await startLocalRuntime({ dataDir, inMemory: true, quiet: true, alterTemplate, runner: { retryIntervalOverrides: { 'Parse Script': 10, 'Fail Job': 10 } } });
  return runtime;
}

async function runJob(local: LocalRuntime): Promise<Job> {
  const jobId = `job-${Math.random().toString(36).slice(2, 10)}`;
  const request = VideoRequestSchema.parse({ prompt: 'Why the sea is salty', seconds: 10, aspect: '1:1' });
  await local.jobs.create(newJob({ jobId, userId: 'tester', request, now: new Date() }));
  await local.runner.start(jobId, { jobId, request }).result.catch(() => undefined);
  return (await local.jobs.get(jobId))!;
}

/** The logged detail behind a job's "(reference R)". */
function loggedError(local: LocalRuntime, job: Job): { name: string; message: string } {
  const reference = /\(reference ([0-9a-f]+)\)/.exec(job.error?.message ?? '')?.[1];
  expect(reference, job.error?.message).toBeDefined();
  const line = local.logs.find(reference!).map((l) => JSON.parse(l.line) as { reference?: string; error?: { name: string; message: string } }).find((l) => l.reference === reference && l.error);
  expect(line, `a log line with reference ${reference}`).toBeDefined();
  return line!.error!;
}

describe('a grant missing from the template', () => {
  it("fails Start Render with S3's AccessDenied on the preview it writes, naming s3:PutObject and the object", async () => {
    // Prepare: Start Render's role without its s3:PutObject on the assets bucket's videos/ prefix.
    const local = await start((template) =>
      without(template, 'PipelineStartRenderRole', (st) => actions(st).includes('s3:PutObject') && JSON.stringify(st.Resource).includes('/videos/*')),
    );

    // Act
    const job = await runJob(local);

    // Assess: the job says only where and the reference
    expect(job.status).toBe('FAILED');
    expect(job.error).toMatchObject({ step: 'render', name: 'InternalError' });
    expect(job.error!.message).toMatch(/^An internal error in step "Render video" \(reference [0-9a-f]+\)\.$/);
    expect(JSON.stringify(job)).not.toMatch(/arn:aws|AccessDenied|ai-shorts-local/);
    // The log has the SDK's own error, naming the action and the resource
    const logged = loggedError(local, job);
    const object = `arn:aws:s3:::${local.contract.buckets.assets.name}/videos/${job.jobId}/preview.json`;
    expect(logged.name).toBe('AccessDenied');
    expect(logged.message).toBe(
      `User: arn:aws:sts::000000000000:assumed-role/ai-shorts-StartRender-role/ai-shorts-StartRender is not authorized to perform: s3:PutObject on resource: "${object}" because no identity-based policy allows the s3:PutObject action`,
    );
    // The access report counts the refusal
    const startRender = local.accessReport().functions.find((fn) => fn.name === 'StartRender')!;
    expect(startRender.denied).toBe(1);
    expect(startRender.calls).toContainEqual({ action: 's3:PutObject', resource: object, allowed: false, count: 1 });
  });

  it("fails Parse Script with DynamoDB's AccessDeniedException when its role may not update the job", async () => {
    // Prepare: Parse Script may read its job but not update it.
    const local = await start((template) =>
      edited(template, 'PipelineParseScriptRole', (statements) =>
        statements.map((st) => (actions(st).includes('dynamodb:UpdateItem') ? { ...st, Action: actions(st).filter((a) => a !== 'dynamodb:UpdateItem') } : st)),
      ),
    );

    const job = await runJob(local);

    // Parse Script cannot even mark itself running: the step failed before its own logic ran.
    expect(job.status).toBe('FAILED');
    expect(job.error).toMatchObject({ step: 'parse', name: 'InternalError' });
    expect(job.error!.message).toMatch(/^An internal error in step "Check script" \(reference [0-9a-f]+\)\.$/);
    expect(loggedError(local, job).name).toBe('AccessDeniedException');
    const report = local.accessReport().functions.find((fn) => fn.name === 'ParseScript')!;
    expect(report.calls.filter((call) => !call.allowed)).toContainEqual(
      expect.objectContaining({ action: 'dynamodb:UpdateItem', resource: `arn:aws:dynamodb:us-east-1:000000000000:table/${local.contract.tables.JobsTable!.name}` }),
    );
  });

  it("fails the task as Step Functions does when the state machine's role may not invoke a step's function", async () => {
    const parseScript = 'PipelineParseScriptFunction';
    // Prepare: the state machine may invoke every step's function but Parse Script's.
    const local = await start((template) =>
      edited(template, 'PipelineStateMachineRole', (statements) =>
        statements.map((st) =>
          actions(st).includes('lambda:InvokeFunction') ? { ...st, Resource: (st.Resource as unknown[]).filter((r) => !JSON.stringify(r).includes(parseScript)) } : st,
        ),
      ),
    );

    const job = await runJob(local);

    expect(job.status).toBe('FAILED');
    expect(job.error).toMatchObject({ name: 'InternalError' });
    expect(job.error!.message).not.toMatch(/arn:aws|lambda:InvokeFunction/);
    const machine = local.accessReport().functions.find((fn) => fn.name === 'StateMachine')!;
    expect(machine.calls).toContainEqual(
      expect.objectContaining({ action: 'lambda:InvokeFunction', resource: local.contract.functions.ParseScript!.arn, allowed: false }),
    );
  });
});
