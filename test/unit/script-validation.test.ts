import { describe, expect, it } from 'vitest';
import { validateScript } from '../../lambdas/core/pipeline/script-steps.js';
import { ScriptInvalid } from '../../lambdas/core/errors.js';
import { readableCause } from '../../lambdas/core/pipeline/job-steps.js';
import { videoFileName } from '../../lambdas/core/pipeline/render-steps.js';

const good = {
  title: 'Three hearts',
  hook: 'Did you know an octopus has three hearts?',
  style: 'soft watercolor',
  scenes: [1, 2, 3].map((i) => ({ narration: `Narration ${i}.`, imagePrompt: `Picture ${i}` })),
};

describe('validateScript', () => {
  it('accepts a complete script', () => {
    expect(validateScript(JSON.stringify(good)).scenes).toHaveLength(3);
  });

  it('names the field that is wrong', () => {
    const bad = { ...good, scenes: [{ narration: '', imagePrompt: 'x' }, ...good.scenes] };
    expect(() => validateScript(JSON.stringify(bad))).toThrow(/scenes\.0\.narration: scene narration is empty/);
  });

  it('rejects prose with a named permanent error', () => {
    const attempt = () => validateScript('Sure! Here is a story about octopuses.');
    expect(attempt).toThrow(ScriptInvalid);
    expect(attempt).toThrow(/not valid JSON/);
  });
});

describe('readableCause', () => {
  it('unwraps the Lambda runtime JSON cause', () => {
    const cause = JSON.stringify({ errorType: 'ProviderRejected', errorMessage: 'The API key was refused.', trace: [] });
    expect(readableCause({ Error: 'ProviderRejected', Cause: cause })).toBe('The API key was refused.');
  });
  it('keeps a plain cause and explains a timeout', () => {
    expect(readableCause({ Error: 'X', Cause: 'plain words' })).toBe('plain words');
    expect(readableCause({ Error: 'States.Timeout' })).toMatch(/took too long/);
  });
});

describe('videoFileName', () => {
  it('makes a safe, readable file name', () => {
    expect(videoFileName('Why Octopuses Have 3 Hearts?!')).toBe('why-octopuses-have-3-hearts.mp4');
    expect(videoFileName('💥💥')).toBe('short.mp4');
  });
});
