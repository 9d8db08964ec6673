/**
 * The functions' logs, as CloudWatch Logs keeps them in AWS: what each function writes goes to
 * its own file under the data directory (`logs/<function name>.log`), and, unless the runtime is
 * quiet, to this terminal too. Recent lines are kept in memory, so the CLI can show the detail
 * behind an "internal error … (reference R)" it reports.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { writeToTerminal, type OutputSink } from './function-env.js';

/** Lines kept in memory per function. */
const RECENT_LINES = 500;

export class FunctionLogs {
  private readonly files = new Map<string, WriteStream>();
  private readonly recent = new Map<string, string[]>();

  constructor(private readonly options: { directory: string; echo: boolean; echoTo?: (text: string) => void }) {
    mkdirSync(options.directory, { recursive: true });
  }

  /** Where the named function's output goes. */
  sink(functionName: string): OutputSink {
    return (text) => {
      let file = this.files.get(functionName);
      if (!file) {
        file = createWriteStream(path.join(this.options.directory, `${functionName}.log`), { flags: 'a' });
        this.files.set(functionName, file);
      }
      file.write(text);
      const lines = this.recent.get(functionName) ?? [];
      lines.push(...text.split('\n').filter(Boolean));
      if (lines.length > RECENT_LINES) lines.splice(0, lines.length - RECENT_LINES);
      this.recent.set(functionName, lines);
      if (this.options.echo) (this.options.echoTo ?? ((t: string) => writeToTerminal(t)))(text);
    };
  }

  /** Recent lines (of every function) that contain `text`, e.g. an error's reference. */
  find(text: string): { functionName: string; line: string }[] {
    return [...this.recent].flatMap(([functionName, lines]) => lines.filter((line) => line.includes(text)).map((line) => ({ functionName, line })));
  }

  async close(): Promise<void> {
    await Promise.all([...this.files.values()].map((file) => new Promise<void>((resolve) => file.end(resolve))));
    this.files.clear();
  }
}
