/**
 * The prompts of `shorts batch`: a text file with one prompt per line (blank lines and lines
 * starting with `#` skipped), or a CSV (`.csv`) with a header row naming a `prompt` column and
 * any of `seconds`, `aspect`, `voice`, `captionStyle`, `language`, `voiceSpeed`, `music` (a mood:
 * an uploaded track is not offered to batches), `captionPosition`, `captionSize` (any case, with or
 * without `_`, `-` or spaces: `caption_style`, `Voice Speed`), each row checked by the API's own
 * schema before anything is ordered.
 */
// The browser build: the same parser in Node and in the dashboard (it carries its own Buffer).
import { parse } from 'csv-parse/browser/esm/sync';
import { VideoRequestSchema, type VideoRequest } from './model.js';

/** A problem with the file, naming the line; nothing has been ordered. */
export class BatchFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BatchFileError';
  }
}

/** The most videos one `shorts batch` run takes (it orders them 50 to a batch). */
export const MAX_FILE_ITEMS = 500;

const COLUMNS: Record<string, keyof VideoRequest> = {
  prompt: 'prompt',
  seconds: 'seconds',
  aspect: 'aspect',
  voice: 'voice',
  captionstyle: 'captionStyle',
  language: 'language',
  voicespeed: 'voiceSpeed',
  music: 'music',
  captionposition: 'captionPosition',
  captionsize: 'captionSize',
};

/** Columns whose cells are numbers in the request. */
const NUMERIC: ReadonlySet<keyof VideoRequest> = new Set(['seconds', 'voiceSpeed']);

export interface BatchLine {
  /** 1-based line (text) or row (CSV, the header being row 1) it came from. */
  line: number;
  request: VideoRequest;
}

/** The requests of a file's text, each checked; `defaults` fill what a line or row leaves out. */
export function parseBatchFile(text: string, options: { csv: boolean; defaults?: Partial<VideoRequest> }): BatchLine[] {
  const raw = options.csv ? csvRows(text) : textRows(text);
  if (raw.length === 0) throw new BatchFileError('The file holds no prompts.');
  if (raw.length > MAX_FILE_ITEMS) throw new BatchFileError(`The file holds ${raw.length} prompts; one run takes at most ${MAX_FILE_ITEMS}.`);
  return raw.map(({ line, fields }) => {
    const parsed = VideoRequestSchema.safeParse({ ...options.defaults, ...fields });
    if (!parsed.success) {
      const problems = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || 'row'}: ${issue.message}`);
      throw new BatchFileError(`${options.csv ? 'Row' : 'Line'} ${line}: ${problems.join('; ')}.`);
    }
    return { line, request: parsed.data };
  });
}

function textRows(text: string): { line: number; fields: Record<string, unknown> }[] {
  return text
    .split(/\r?\n/)
    .map((content, i) => ({ line: i + 1, content: content.trim() }))
    .filter(({ content }) => content !== '' && !content.startsWith('#'))
    .map(({ line, content }) => ({ line, fields: { prompt: content } }));
}

function csvRows(text: string): { line: number; fields: Record<string, unknown> }[] {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: false }) as string[][];
  } catch (error) {
    throw new BatchFileError(`The CSV cannot be read: ${(error as Error).message}`);
  }
  const [header, ...rows] = records;
  if (!header) return [];
  const names = header.map((name) => {
    const column = COLUMNS[name.toLowerCase().replace(/[\s_-]/g, '')];
    if (!column) throw new BatchFileError(`Unknown column "${name.slice(0, 40)}"; the columns are ${[...new Set(Object.values(COLUMNS))].join(', ')}.`);
    return column;
  });
  if (!names.includes('prompt')) throw new BatchFileError('The CSV has no "prompt" column.');
  return rows.map((cells, i) => {
    const fields: Record<string, unknown> = {};
    cells.forEach((cell, c) => {
      if (cell === '') return; // an empty cell takes the default
      const name = names[c]!;
      fields[name] = NUMERIC.has(name) && /^\d+(\.\d+)?$/.test(cell) ? Number(cell) : cell;
    });
    return { line: i + 2, fields };
  });
}
