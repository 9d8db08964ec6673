/**
 * Reads a process tree from /proc: proportional memory (PSS) and CPU time of a process and all
 * its descendants (Chromium's helpers, the compositor's ffmpeg, DynamoDB Local's JVM, …).
 */
import { readdir, readFile } from 'node:fs/promises';

const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
}

async function readStat(pid: number): Promise<ProcStat | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses; fields after the last ')' are fixed.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined; // exited meanwhile
  }
}

/** `root` and every live descendant. */
export async function descendants(root: number): Promise<ProcStat[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const stats = (await Promise.all(pids.map(readStat))).filter((s): s is ProcStat => s !== undefined);
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  const self = stats.find((s) => s.pid === root);
  const tree: ProcStat[] = self ? [self] : [];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!.pid) ?? []));
  return tree;
}

/** What a process is, for a breakdown: node, chromium (by --type), ffmpeg, java, … */
export async function processKind(pid: number): Promise<string> {
  try {
    // Chromium rewrites its title, so arguments may be separated by spaces rather than NULs.
    const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split(/[\0 ]/).filter(Boolean);
    const exe = args[0] ?? '';
    const type = args.find((a) => a.startsWith('--type='))?.slice('--type='.length);
    if (type || /chrom/.test(exe)) return type ? `chromium ${type}` : 'chromium';
    if (/ffmpeg/.test(exe)) return 'ffmpeg';
    if (/ffprobe/.test(exe)) return 'ffprobe';
    if (/compositor|remotion$/.test(exe)) return 'remotion compositor';
    if (/java/.test(exe)) return 'java (DynamoDB Local)';
    if (/node/.test(exe)) return 'node';
    return exe.split('/').pop() || '?';
  } catch {
    return '?';
  }
}

async function pssKb(pid: number): Promise<number> {
  try {
    const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
    return Number(/^Pss:\s+(\d+) kB/m.exec(text)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

export interface PssSample {
  atMs: number;
  totalKb: number;
  byKind: Record<string, number>;
  processes: number;
}

/**
 * Samples the PSS of `root`'s whole tree (or only its descendants) every `intervalMs` until
 * stopped; keeps the peak.
 * PSS splits shared pages between the processes sharing them, so summing it over a tree counts
 * Chromium's shared libraries once instead of once per helper process.
 */
export function samplePss(
  root: number,
  intervalMs = 200,
  { includeRoot = true }: { includeRoot?: boolean } = {},
): { stop: () => Promise<{ peak: PssSample; samples: number }> } {
  let peak: PssSample = { atMs: 0, totalKb: 0, byKind: {}, processes: 0 };
  let samples = 0;
  let running = true;
  const started = performance.now();
  const kinds = new Map<number, string>();
  const loop = (async () => {
    while (running) {
      const tick = performance.now();
      const tree = (await descendants(root)).filter((p) => includeRoot || p.pid !== root);
      const byKind: Record<string, number> = {};
      let totalKb = 0;
      await Promise.all(
        tree.map(async ({ pid }) => {
          const kb = await pssKb(pid);
          // Read again each time: a wrapper script becomes Chromium when it execs.
          const read = await processKind(pid);
          const kind = read === '?' ? (kinds.get(pid) ?? read) : read;
          kinds.set(pid, kind);
          byKind[kind] = (byKind[kind] ?? 0) + kb;
          totalKb += kb;
        }),
      );
      samples++;
      if (totalKb > peak.totalKb) peak = { atMs: tick - started, totalKb, byKind, processes: tree.length };
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, intervalMs - (performance.now() - tick))));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { peak, samples };
    },
  };
}

/** Kinds a process may still change from by exec'ing another program. */
const UNSETTLED_KINDS = new Set(['?', 'sh', 'node']);

/**
 * CPU seconds used by `root` and all its descendants while sampling (in all, and per kind of process): every `intervalMs` each
 * live process's utime + stime is read, and each process counts from when it was first seen (or
 * from zero if it started after sampling began) to its last reading. Kernel child-time fields
 * are no use here: Chromium's helpers are often not reaped by the process that is.
 */
export function sampleCpu(
  root: number,
  intervalMs = 100,
): { stop: () => Promise<number>; byKind: () => Record<string, number> } {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const kinds = new Map<number, string>();
  let initial = true;
  let running = true;
  const read = async () => {
    const tree = await descendants(root);
    for (const { pid, cpuTicks } of tree) {
      if (!first.has(pid)) first.set(pid, initial ? cpuTicks : 0);
      last.set(pid, cpuTicks);
    }
    // A wrapper script (sh) becomes Chromium when it execs, and a process caught between fork
    // and exec still shows its parent (node): those are read again until they settle; a process is
    // counted as what it was last seen as. Reading every process every time cost the bench's own
    // node several CPU-s a render.
    await Promise.all(
      tree.map(async ({ pid }) => {
        const known = kinds.get(pid);
        if (known !== undefined && !UNSETTLED_KINDS.has(known)) return;
        const kind = await processKind(pid);
        if (kind !== '?') kinds.set(pid, kind);
      }),
    );
    initial = false;
  };
  const breakdown: Record<string, number> = {};
  const loop = (async () => {
    while (running) {
      await read();
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await read();
      let ticks = 0;
      for (const [pid, end] of last) {
        const used = end - (first.get(pid) ?? 0);
        ticks += used;
        const kind = kinds.get(pid) ?? '?';
        breakdown[kind] = (breakdown[kind] ?? 0) + used / TICKS_PER_SECOND;
      }
      return ticks / TICKS_PER_SECOND;
    },
    /** CPU seconds per kind of process (see {@link processKind}), once stopped. */
    byKind: () => breakdown,
  };
}

/** The 1-minute load average and the number of cores: how busy the shared machine was. */
export async function loadAverage(): Promise<number> {
  return Number((await readFile('/proc/loadavg', 'utf8')).split(' ')[0]);
}
