import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

import { METRICS_NAMESPACE, METRICS_SERVICE as SERVICE } from '../core/ops/metric-names.js';

// Off the Lambda runtime (`shorts dev`, `shorts generate`, tests) metrics would be EMF lines on
// stdout; the local views read the same figures from the job records instead.
if (!process.env.AWS_LAMBDA_FUNCTION_NAME) process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

/** One logger per process (STYLE.md): every line is JSON; steps append the job id. */
export const logger = new Logger({ serviceName: SERVICE });

/** One metrics buffer per process; handlers publish it once per invocation. */
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE, serviceName: SERVICE });

// The tracer is in tracer.ts: only the steps load the X-Ray SDK.
