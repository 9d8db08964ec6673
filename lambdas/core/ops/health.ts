/**
 * Health checks: each dependency (DynamoDB, S3, the queue, the state machine or local runner,
 * the render backend) is probed by an adapter; this runs them side by side with a deadline and
 * reports each with its latency.
 */

/** One dependency's probe. `check` resolves (optionally with a detail) when it is reachable. */
export interface HealthProbe {
  /** `dynamodb`, `s3`, `queue`, `stateMachine`, `render`. */
  name: string;
  /** What is checked, e.g. the table or bucket name. */
  target: string;
  check(): Promise<string | void>;
}

export interface HealthCheck {
  name: string;
  target: string;
  ok: boolean;
  latencyMs: number;
  detail?: string;
  error?: string;
}

export interface HealthReport {
  ok: boolean;
  checkedAt: string;
  checks: HealthCheck[];
  /** Names of the failed checks. */
  failed: string[];
}

export class ProbeTimedOut extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'ProbeTimedOut';
  }
}

/** Runs every probe at once; one that throws or misses the deadline fails (only) itself. */
export async function runHealthChecks(
  probes: readonly HealthProbe[],
  deps: { now: () => Date; elapsed: () => number; timeoutMs: number },
): Promise<HealthReport> {
  const checks = await Promise.all(
    probes.map(async (probe): Promise<HealthCheck> => {
      const started = deps.elapsed();
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        const detail = await Promise.race([
          probe.check(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new ProbeTimedOut(deps.timeoutMs)), deps.timeoutMs);
          }),
        ]);
        return { name: probe.name, target: probe.target, ok: true, latencyMs: Math.round(deps.elapsed() - started), ...(detail ? { detail } : {}) };
      } catch (error) {
        const e = error as Error;
        return { name: probe.name, target: probe.target, ok: false, latencyMs: Math.round(deps.elapsed() - started), error: `${e.name ?? 'Error'}: ${e.message}`.slice(0, 300) };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const failed = checks.filter((c) => !c.ok).map((c) => c.name);
  return { ok: failed.length === 0, checkedAt: deps.now().toISOString(), checks, failed };
}
