/**
 * The composition root of the API, credits and queue handlers: the stores and ports they use,
 * built once per process from the environment, beside the pipeline's (container.ts).
 */
import { randomUUID } from 'node:crypto';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import Stripe from 'stripe';
import { DynamoCreditStore } from '../adapters/aws/dynamo-credit-store.js';
import { DynamoJobStore } from '../adapters/aws/dynamo-job-store.js';
import { SfnPipelineStarter } from '../adapters/aws/sfn-pipeline-starter.js';
import { SqsJobQueue } from '../adapters/aws/sqs-job-queue.js';
import type { CreditStore, JobIndex, JobQueue, PipelineStarter } from '../core/ports.js';
import { stripeHostOptions } from './api-config.js';
import { documentClient, providerKeys } from './container.js';
import { ENV, requireEnv } from './env.js';

function once<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
}

export const jobIndex = once<JobIndex>(() => new DynamoJobStore({ doc: documentClient(), tableName: requireEnv(ENV.JOBS_TABLE) }));

export const creditStore = once<CreditStore>(
  () =>
    new DynamoCreditStore({
      doc: documentClient(),
      tables: {
        jobs: requireEnv(ENV.JOBS_TABLE),
        accounts: requireEnv(ENV.ACCOUNTS_TABLE),
        ledger: requireEnv(ENV.LEDGER_TABLE),
        idempotency: requireEnv(ENV.IDEMPOTENCY_TABLE),
      },
    }),
);

const sqs = once(() => new SQSClient({}));
export const jobQueue = once<JobQueue>(() => new SqsJobQueue({ client: sqs(), queueUrl: requireEnv(ENV.JOBS_QUEUE_URL) }));

let starterOverride: PipelineStarter | undefined;
const sfnStarter = once<PipelineStarter>(
  () => new SfnPipelineStarter({ client: new SFNClient({}), stateMachineArn: requireEnv(ENV.STATE_MACHINE_ARN) }),
);

/** Step Functions in AWS; the local runtime hands in its in-process runner instead ({@link providePipelineStarter}). */
export const pipelineStarter = (): PipelineStarter => starterOverride ?? sfnStarter();

/** The local runtime's pipeline runner (lib/local/local-pipeline-starter.ts): the one adapter not picked from the env. */
export function providePipelineStarter(starter: PipelineStarter | undefined): void {
  starterOverride = starter;
}

export const newJobId = (): string => randomUUID();

/** Stripe's SDK with its key (env, else the provider secret) and, for tests, a base URL override. */
let stripe: Stripe | undefined;
export async function stripeClient(): Promise<Stripe> {
  if (!stripe) {
    // Not cached until it works: a missing key is reported on every call, not remembered.
    const key = await providerKeys().get(ENV.STRIPE_SECRET_KEY, 'Payments (Checkout)');
    stripe = new Stripe(key, { ...stripeHostOptions(), maxNetworkRetries: 2, timeout: 20_000 });
  }
  return stripe;
}

/** The webhook signing secret (env, else the provider secret). */
export const stripeWebhookSecret = (): Promise<string> => providerKeys().get(ENV.STRIPE_WEBHOOK_SECRET, 'The Stripe webhook');

/** Clerk's secret key, when tokens are verified against the instance's JWKS rather than a PEM key. */
export async function clerkSecretKey(): Promise<string | undefined> {
  if (process.env[ENV.CLERK_SECRET_KEY]) return process.env[ENV.CLERK_SECRET_KEY];
  if (!process.env[ENV.PROVIDER_SECRET_ARN]) return undefined;
  return providerKeys().get(ENV.CLERK_SECRET_KEY, 'Sign-in (Clerk)');
}
