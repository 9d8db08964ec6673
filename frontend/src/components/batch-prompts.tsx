/**
 * "Many videos" on the create page: one prompt per line, or a CSV dropped or chosen (columns
 * prompt, seconds, aspect, voice, captionStyle), checked line by line as the API checks them
 * (the same parser as `shorts batch`); and what a sent batch made.
 */
import { useState, type DragEvent } from 'react';
import { BatchFileError, parseBatchFile, type BatchLine } from '../../../lambdas/core/batch-file.js';
import type { VideoRequest } from '../../../lambdas/core/model.js';
import type { BatchResult } from '../api/batches.js';
import { Icon } from './icons.js';
import { plural } from '../lib/format.js';
import { Link } from '../lib/router.js';

/** One request of the API takes at most this many videos. */
export const BATCH_MAX = 50;

export interface ParsedPrompts {
  lines: BatchLine[];
  problem?: string;
}

/** The prompts of the text (or the CSV), with the form's choices for what a line leaves out. */
export function parsePrompts(text: string, csv: boolean, defaults: Partial<VideoRequest>): ParsedPrompts {
  if (text.trim() === '') return { lines: [] };
  try {
    const lines = parseBatchFile(text, { csv, defaults });
    return lines.length > BATCH_MAX ? { lines, problem: `That is ${lines.length} videos; send at most ${BATCH_MAX} at once.` } : { lines };
  } catch (error) {
    return { lines: [], problem: error instanceof BatchFileError ? error.message : String(error) };
  }
}

export function BatchPrompts({
  text,
  csvName,
  problem,
  count,
  onText,
  onCsv,
}: {
  text: string;
  csvName?: string;
  problem?: string;
  count: number;
  onText: (text: string) => void;
  onCsv: (name: string, text: string) => void;
}) {
  const [dragging, setDragging] = useState(false);
  const read = async (file: File | undefined) => {
    if (!file) return;
    const content = await file.text();
    if (file.name.toLowerCase().endsWith('.csv')) onCsv(file.name, content);
    else onText(content);
  };
  const drop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    void read(event.dataTransfer.files[0]);
  };
  return (
    <div className="field">
      <label className="field-label" htmlFor="prompts">
        Prompts, one per line
      </label>
      <div
        className={`prompt-box ${problem ? 'is-invalid' : ''} ${dragging ? 'is-dragging' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
      >
        {csvName ? (
          <div className="csv-chip" data-testid="csv-chip">
            <Icon name="sparkles" size={14} /> {csvName} · {plural(count, 'video')}
            <button type="button" className="link" onClick={() => onText('')}>
              Remove
            </button>
          </div>
        ) : (
          <textarea
            id="prompts"
            name="prompts"
            className="prompt-input"
            rows={6}
            placeholder={'Why octopuses have three hearts\nHow bees dance\nWhy the sea is salty'}
            value={text}
            onChange={(e) => onText(e.target.value)}
            aria-invalid={problem ? true : undefined}
            aria-describedby="prompts-help"
          />
        )}
        <div className="prompt-foot">
          <span className="small muted" data-testid="batch-count">
            {plural(count, 'video')}
          </span>
          <label className="link small">
            <input type="file" accept=".csv,.txt,text/csv,text/plain" hidden onChange={(e) => void read(e.target.files?.[0])} />
            Choose a CSV…
          </label>
        </div>
      </div>
      <p id="prompts-help" className={problem ? 'field-error' : 'field-hint'} role={problem ? 'alert' : undefined}>
        {problem ?? 'Or drop a CSV with a prompt column (and seconds, aspect, voice, captionStyle). The choices below apply where a line does not say.'}
      </p>
    </div>
  );
}

/** What a sent batch made: the videos started (links) and each refused line with the reason. */
export function BatchOutcome({ result }: { result: BatchResult }) {
  const refused = result.items.filter((i) => i.status === 'refused');
  return (
    <div className="batch-outcome" role="status" data-testid="batch-outcome">
      <p>
        <strong>{plural(result.summary.accepted, 'video')} started</strong>
        {refused.length ? `, ${refused.length} refused` : ''}.
      </p>
      <ul className="batch-items">
        {result.items.map((item) => (
          <li key={item.index} className={item.status === 'refused' ? 'tone-danger-text' : undefined}>
            {item.videoId ? (
              <Link href={`/videos/${encodeURIComponent(item.videoId)}`} className="link">
                {item.prompt}
              </Link>
            ) : (
              <span>
                {item.prompt}: {item.error?.message ?? 'refused'}
              </span>
            )}
          </li>
        ))}
      </ul>
      {refused.length ? <p className="small muted">Send again to retry the refused ones: the started videos are not paid twice.</p> : null}
    </div>
  );
}
