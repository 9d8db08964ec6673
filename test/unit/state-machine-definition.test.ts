import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import aslValidator from 'asl-validator';
import { PIPELINE_ASL, substitute } from '../../lib/local/state-machine-runner.js';
import { STEP_FUNCTIONS } from '../../lambdas/steps/registry.js';
import { TRANSIENT_ERROR_NAMES } from '../../lambdas/core/errors.js';

type State = Record<string, any>;

function allStates(states: Record<string, State>): [string, State][] {
  return Object.entries(states).flatMap(([name, state]) => [
    [name, state] as [string, State],
    ...(state.Branches ?? []).flatMap((b: { States: Record<string, State> }) => allStates(b.States)),
    ...(state.ItemProcessor ? allStates(state.ItemProcessor.States) : []),
  ]);
}

/** The definition with each step's function ARN substituted in, as CloudFormation deploys it. */
function loadPipelineDefinition(): unknown {
  const arn = (id: string) => `arn:aws:lambda:us-east-1:000000000000:function:ai-shorts-${id}`;
  return JSON.parse(substitute(readFileSync(PIPELINE_ASL, 'utf8'), Object.fromEntries(STEP_FUNCTIONS.map((fn) => [fn.substitution, arn(fn.id)]))));
}

describe('video-pipeline.asl.json', () => {
  const definition = loadPipelineDefinition() as { States: Record<string, State> };
  const states = allStates(definition.States);

  it('is valid ASL', () => {
    const { isValid, errorsText } = aslValidator(definition as never);
    expect(isValid, errorsText('\n')).toBe(true);
  });

  it('has a substitution for every step function and no other placeholders', () => {
    const raw = readFileSync(PIPELINE_ASL, 'utf8');
    const used = new Set([...raw.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]));
    expect(used).toEqual(new Set(STEP_FUNCTIONS.map((fn) => fn.substitution)));
    const taskNames = states.filter(([, s]) => s.Type === 'Task').map(([n]) => n).sort();
    expect(taskNames).toEqual(STEP_FUNCTIONS.flatMap((fn) => fn.states).sort());
  });

  it('retries every task on the named transient errors with capped, jittered exponential backoff', () => {
    for (const [name, state] of states.filter(([, s]) => s.Type === 'Task')) {
      const retry = state.Retry?.[0];
      expect(retry, name).toBeDefined();
      expect(retry.ErrorEquals).toEqual(expect.arrayContaining([...TRANSIENT_ERROR_NAMES, 'Lambda.TooManyRequestsException']));
      expect(retry.ErrorEquals).not.toContain('States.ALL');
      expect(retry.BackoffRate, name).toBeGreaterThan(1);
      expect(retry.MaxDelaySeconds, name).toBeGreaterThan(0);
      expect(retry.JitterStrategy, name).toBe('FULL');
    }
  });

  it('sends every failure of the top level to Fail Job', () => {
    for (const [name, state] of Object.entries(definition.States)) {
      if (!['Task', 'Parallel'].includes(state.Type) || name === 'Fail Job') continue;
      expect(state.Catch, name).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Fail Job' }]);
    }
    expect(definition.States['Fail Job']!.Next).toBe('Job Failed');
    expect(definition.States['Job Failed']!.Type).toBe('Fail');
  });

  it('polls the render in a Wait/Check/Choice loop that gives up on a timeout', () => {
    const choice = definition.States['Render Finished?']!;
    expect(choice.Default).toBe('Wait for Render');
    expect(choice.Choices.map((c: State) => c.Next)).toEqual(['Finalize Job', 'Render Timed Out']);
    expect(definition.States['Render Timed Out']!.Next).toBe('Fail Job');
  });

  it('stops a review attempt after Compute Duration: Hold for Review, then the In Review success', () => {
    expect(definition.States['Compute Duration']!.Next).toBe('Review First?');
    const choice = definition.States['Review First?']!;
    expect(choice.Type).toBe('Choice');
    expect(choice.Default).toBe('Start Render');
    expect(choice.Choices).toEqual([
      { And: [{ Variable: '$.phase', IsPresent: true }, { Variable: '$.phase', StringEquals: 'review' }], Next: 'Hold for Review' },
    ]);
    const hold = definition.States['Hold for Review']!;
    expect(hold.Type).toBe('Task');
    expect(hold.Parameters).toMatchObject({ 'jobId.$': '$.jobId', 'execution.$': '$$.Execution.Name', 'images.$': '$.assets.images', 'timeline.$': '$.timeline' });
    expect(hold.Next).toBe('In Review');
    expect(definition.States['In Review']!.Type).toBe('Succeed');
    // Executions started with only jobId and request (the CLI, older ones) still render: nothing else is required.
    expect(JSON.stringify(definition.States['Start Render']!.Parameters)).not.toContain('$.version');
  });
});
