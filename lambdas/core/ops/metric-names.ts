/**
 * The custom CloudWatch metrics the Lambdas write (Powertools, EMF) and the CDK dashboard and
 * alarms read: one list, so the two cannot drift.
 */
export const METRICS_NAMESPACE = 'AiShorts';
/** Powertools' `service` dimension, on every custom metric. */
export const METRICS_SERVICE = 'ai-shorts';

export const METRIC = {
  /** Per step (dimension `step`): ms from the step's start to its success. */
  stepDuration: 'StepDuration',
  /** Per step: invocations that threw. */
  stepFailures: 'StepFailures',
  /** Per step: invocations after the first (the state machine's retries, Map iterations excluded only by attempts). */
  stepRetries: 'StepRetries',
  /** Per provider step (script, images, voice): ms the provider took (the step's duration). */
  providerLatency: 'ProviderLatency',
  jobsSucceeded: 'JobsSucceeded',
  jobsFailed: 'JobsFailed',
  /** Jobs the sweeper failed: stuck, lost or timed out. */
  jobsFailedBySweeper: 'JobsFailedBySweeper',
  /** ms from the pipeline's start to the job's end (successful jobs). */
  jobDuration: 'JobDuration',
  jobCostUsd: 'JobCostUsd',
  renderFps: 'RenderFps',
} as const;

/** Completion webhooks' metrics (not yet on the operations dashboard). */
export const WEBHOOK_METRIC = {
  /** Webhook events a job's end could not send to the webhooks queue (the job is not failed for it). */
  eventsNotSent: 'WebhookEventsNotSent',
  /** Webhook deliveries marked failed after their last attempt. */
  deliveriesFailed: 'WebhookDeliveriesFailed',
} as const;
