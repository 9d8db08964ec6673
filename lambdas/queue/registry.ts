/**
 * The job queue's Lambda functions, for the CDK stack (and docs/api.md): the dispatcher consumes
 * the jobs queue, the sweeper runs on a schedule.
 */
export interface QueueFunctionSpec {
  id: string;
  entry: string;
  timeoutSeconds: number;
  memoryMb: number;
  description: string;
}

export const QUEUE_FUNCTIONS: QueueFunctionSpec[] = [
  {
    id: 'DispatchJobs',
    entry: 'lambdas/queue/dispatch/handler.ts',
    timeoutSeconds: 60,
    memoryMb: 256,
    description: 'Starts pipeline executions for queued jobs while fewer than MAX_RUNNING_PIPELINES run, at most MAX_RUNNING_PER_USER per user.',
  },
  {
    id: 'SweepJobs',
    entry: 'lambdas/queue/sweep/handler.ts',
    timeoutSeconds: 300,
    memoryMb: 256,
    description: 'Re-queues lost jobs, re-drives interrupted runs, fails and refunds stuck ones.',
  },
  {
    id: 'DeliverWebhooks',
    entry: 'lambdas/queue/deliver-webhooks/handler.ts',
    // Each attempt waits at most 10 s for its receiver; a batch's attempts run side by side.
    timeoutSeconds: 60,
    memoryMb: 256,
    description: "Delivers signed video.succeeded / video.failed webhooks to the user's endpoints, retrying by the schedule.",
  },
];
