import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Integrated loudness (LUFS) of a file, or of `from`..`from + seconds` of it, by ffmpeg's ebur128 filter. */
export async function ffmpegLoudness(file: string, from?: number, seconds?: number): Promise<number> {
  const range = from === undefined ? [] : ['-ss', String(from), ...(seconds === undefined ? [] : ['-t', String(seconds)])];
  const { stderr } = await run('ffmpeg', ['-hide_banner', '-nostats', ...range, '-i', file, '-af', 'ebur128', '-f', 'null', '-']);
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const match = /I:\s+(-?[\d.]+|-inf) LUFS/.exec(summary);
  if (!match) throw new Error(`no loudness in ffmpeg's output: ${stderr.slice(-500)}`);
  return match[1] === '-inf' ? -Infinity : Number(match[1]);
}

/** Silent stretches ffmpeg's silencedetect finds (`noiseDb` dBFS, at least `seconds` long). */
export async function silentStretches(file: string, noiseDb = -45, seconds = 0.4): Promise<Array<{ start: number; end?: number }>> {
  const { stderr } = await run('ffmpeg', ['-hide_banner', '-nostats', '-i', file, '-af', `silencedetect=noise=${noiseDb}dB:d=${seconds}`, '-f', 'null', '-']);
  const stretches: Array<{ start: number; end?: number }> = [];
  for (const line of stderr.split('\n')) {
    const start = /silence_start: (-?[\d.]+)/.exec(line);
    if (start) stretches.push({ start: Number(start[1]) });
    const end = /silence_end: (-?[\d.]+)/.exec(line);
    if (end && stretches.length > 0) stretches[stretches.length - 1]!.end = Number(end[1]);
  }
  return stretches;
}
