/**
 * X-Ray for the pipeline's steps, apart from the logger and metrics (powertools.ts) that every
 * handler imports. Importing the X-Ray SDK installs a process-wide async hook (cls-hooked) that
 * makes every promise several times dearer, so only code that traces loads it: the API routes
 * never do, and off the Lambda runtime, where Powertools switches tracing off anyway
 * (no AWS_EXECUTION_ENV), the steps get a stand-in that does nothing, as the disabled Tracer would.
 */
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { METRICS_SERVICE as SERVICE } from '../core/ops/metric-names.js';

/** What the steps use of the Tracer. */
export type StepTracer = Pick<Tracer, 'putAnnotation'>;

/** The same test Powertools makes before it turns tracing on. */
const onLambda = Boolean(process.env.AWS_EXECUTION_ENV);

/** One tracer per process (STYLE.md). */
export const tracer: StepTracer = onLambda
  ? new (await import('@aws-lambda-powertools/tracer')).Tracer({ serviceName: SERVICE })
  : { putAnnotation: () => undefined };
