import { describe, expect, it, vi } from 'vitest';
import { newJob, type Job } from '../../lambdas/core/job.js';
import { VideoRequestSchema, type Script } from '../../lambdas/core/model.js';
import { generateScript, parseScript } from '../../lambdas/core/pipeline/script-steps.js';
import type { JobStore, ScriptWriter } from '../../lambdas/core/ports.js';

const request = VideoRequestSchema.parse({ prompt: 'Why leaves turn red', seconds: 10 });
const script: Script = {
  title: 'Red leaves',
  hook: 'Leaves do not turn red by accident.',
  style: 'watercolour',
  scenes: [1, 2, 3].map((i) => ({ narration: `Part ${i}.`, imagePrompt: `A maple leaf, view ${i}` })),
};

function fakeJobs(job: Job) {
  const updates: unknown[] = [];
  const jobs = {
    get: async () => job,
    update: async (_id: string, patch: Partial<Job>) => void updates.push(patch),
    updateStep: async () => ({ status: 'running' }),
    addSpend: async () => {},
  } as unknown as JobStore;
  return { jobs, updates };
}

function writer(): ScriptWriter & { write: ReturnType<typeof vi.fn> } {
  return { name: 'fake', write: vi.fn(async () => ({ raw: JSON.stringify(script), spend: { units: { tokens: 900 }, usd: 0.001 } })) };
}

describe('script steps on a retried job', () => {
  it('keeps the checked script on the job', async () => {
    const { jobs, updates } = fakeJobs(newJob({ jobId: 'j1', userId: 'u', request, now: new Date() }));
    await parseScript({ jobId: 'j1', request, draft: { raw: JSON.stringify(script) } }, { jobs });
    expect(updates).toContainEqual(expect.objectContaining({ title: 'Red leaves', script }));
  });

  it('reuses the kept script instead of asking (and paying) the writer again', async () => {
    const { jobs } = fakeJobs({ ...newJob({ jobId: 'j1', userId: 'u', request, now: new Date() }), script, attempt: 1 });
    const w = writer();
    const draft = await generateScript({ jobId: 'j1', request }, { writer: w, jobs });
    expect(w.write).not.toHaveBeenCalled();
    expect(JSON.parse(draft.raw)).toEqual(script);
  });

  it('asks the writer when there is no kept script', async () => {
    const { jobs } = fakeJobs(newJob({ jobId: 'j2', userId: 'u', request, now: new Date() }));
    const w = writer();
    await generateScript({ jobId: 'j2', request }, { writer: w, jobs });
    expect(w.write).toHaveBeenCalledOnce();
  });
});

describe('edit fields of a scene (seed, uploaded picture, duration hint)', () => {
  const edited: Script = {
    ...script,
    scenes: script.scenes.map((scene, i) => (i === 0 ? { ...scene, seed: 77, imageKey: 'videos/j1/uploads/u1.png', durationHint: 6 } : scene)),
  };

  it('keeps them in the script the job kept (the storyboard edited in review)', async () => {
    const { jobs } = fakeJobs({ ...newJob({ jobId: 'j1', userId: 'u', request, now: new Date() }), script: edited });
    const draft = await generateScript({ jobId: 'j1', request }, { writer: writer(), jobs });
    expect(draft.kept).toBe(true);
    const parsed = await parseScript({ jobId: 'j1', request, draft }, { jobs });
    expect(parsed.scenes[0]).toMatchObject({ seed: 77, imageKey: 'videos/j1/uploads/u1.png', durationHint: 6 });
  });

  it("drops them from a model's draft: a model must never point a scene at a file", async () => {
    const { jobs, updates } = fakeJobs(newJob({ jobId: 'j3', userId: 'u', request, now: new Date() }));
    const parsed = await parseScript({ jobId: 'j3', request, draft: { raw: JSON.stringify(edited) } }, { jobs });
    expect(parsed.scenes[0]).toEqual({ narration: 'Part 1.', imagePrompt: 'A maple leaf, view 1' });
    expect(JSON.stringify(updates)).not.toContain('uploads');
  });
});
