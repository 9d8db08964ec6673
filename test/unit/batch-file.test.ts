/** The prompts file of `shorts batch`: lines or CSV, each checked by the API's schema, errors naming the line. */
import { describe, expect, it } from 'vitest';
import { BatchFileError, parseBatchFile } from '../../lambdas/core/batch-file.js';
import { outputName, summaryTable } from '../../lib/local/batch-run.js';

describe('a text file', () => {
  it('takes one prompt per line, skipping blank lines and # comments, with the defaults given', () => {
    const lines = parseBatchFile('Why the sea is salty\r\n\n# not this one\n  How bees dance  \n', { csv: false, defaults: { seconds: 10 } });
    expect(lines.map((l) => [l.line, l.request.prompt, l.request.seconds])).toEqual([
      [1, 'Why the sea is salty', 10],
      [4, 'How bees dance', 10],
    ]);
  });

  it('names the line of a prompt the API would refuse', () => {
    expect(() => parseBatchFile('Fine prompt\nab\n', { csv: false })).toThrow(/^Line 2: prompt: .*at least 3/);
    expect(() => parseBatchFile('\n# only comments\n', { csv: false })).toThrow(BatchFileError);
    expect(() => parseBatchFile('A prompt\n'.repeat(501), { csv: false })).toThrow(/501 prompts; one run takes at most 500/);
  });
});

describe('a CSV', () => {
  it('reads the columns by name in any spelling, quoted commas and empty cells taking the defaults', () => {
    const csv = '\ufeffPrompt,Seconds,aspect,Caption Style\n"Why, exactly, cats purr",30,9:16,bold\nHow owls see,,1:1,\n';
    const lines = parseBatchFile(csv, { csv: true, defaults: { seconds: 10 } });
    expect(lines.map((l) => ({ line: l.line, ...l.request }))).toEqual([
      expect.objectContaining({ line: 2, prompt: 'Why, exactly, cats purr', seconds: 30, aspect: '9:16', captionStyle: 'bold' }),
      expect.objectContaining({ line: 3, prompt: 'How owls see', seconds: 10, aspect: '1:1' }),
    ]);
  });

  it('reads language, voice speed, music, caption position and size, checked as the API checks them', () => {
    const csv = 'prompt,language,Voice Speed,music,caption_position,caption-size\nPor qué el mar es salado,es-mx,1.15,calm,top,large\nHow owls see,,,,,\n';
    const lines = parseBatchFile(csv, { csv: true, defaults: { language: 'fr', voiceSpeed: 0.9, music: 'lofi' } });
    expect(lines[0]!.request).toMatchObject({ language: 'es-MX', voiceSpeed: 1.15, music: 'calm', captionPosition: 'top', captionSize: 'large' });
    expect(lines[1]!.request).toMatchObject({ language: 'fr', voiceSpeed: 0.9, music: 'lofi' });
    expect(() => parseBatchFile('prompt,voiceSpeed\nA prompt,2\n', { csv: true })).toThrow(/^Row 2: voiceSpeed: /);
    expect(() => parseBatchFile('prompt,language\nA prompt,klingon\n', { csv: true })).toThrow(/^Row 2: language: /);
    expect(() => parseBatchFile('prompt,music\nA prompt,polka\n', { csv: true })).toThrow(/^Row 2: music: /);
  });

  it('names the row and the field of a bad value, an unknown column, a missing prompt column and a broken row', () => {
    expect(() => parseBatchFile('prompt,seconds\nGood one,10\nBad one,ten\n', { csv: true })).toThrow(/^Row 3: seconds: /);
    expect(() => parseBatchFile('prompt,colour\nA,red\n', { csv: true })).toThrow(/Unknown column "colour"/);
    expect(() => parseBatchFile('seconds\n10\n', { csv: true })).toThrow(/no "prompt" column/);
    expect(() => parseBatchFile('prompt,seconds\nA prompt,10,extra\n', { csv: true })).toThrow(/cannot be read/);
  });
});

describe('the output', () => {
  it('names files by number and prompt, safe on any file system', () => {
    expect(outputName(3, 120, 'Why the sea is salty?!')).toBe('003-why-the-sea-is-salty.mp4');
    expect(outputName(1, 2, '../../etc/passwd')).toBe('1-etc-passwd.mp4');
    expect(outputName(1, 2, 'चाँद पर')).toBe('1-video.mp4');
  });

  it('prints a table with a line per video and the counts', () => {
    const table = summaryTable([
      { line: 1, prompt: 'a', status: 'succeeded', file: 'out/1-a.mp4', durationMs: 10_400 },
      { line: 2, prompt: 'b', status: 'refused', reason: 'Not enough credits.' },
    ]);
    expect(table.split('\n')).toEqual([
      '#  status     length  file or reason',
      '1  succeeded  10.4 s  out/1-a.mp4',
      '2  refused    -       Not enough credits.',
      '',
      '1 succeeded, 0 failed, 1 refused, of 2.',
    ]);
  });
});
