/**
 * The keys the stack keeps in Secrets Manager. One secret per key: IAM cannot restrict a field of
 * a JSON secret, so a shared secret would let the public webhook read Stripe's and Clerk's secret
 * keys. Each function gets `<KEY>_SECRET_ARN` and GetSecretValue for exactly the keys it uses
 * (lib/cloud/secrets.ts builds them, lib/cloud/api.ts and pipeline.ts bind them).
 */
import { ENV } from './env.js';

/** Every key, by the name handlers ask for it with (and, locally, the environment variable that holds it). */
export const SECRET_KEYS = [
  ENV.GROQ_API_KEY,
  ENV.REPLICATE_API_TOKEN,
  ENV.ELEVENLABS_API_KEY,
  ENV.STRIPE_SECRET_KEY,
  ENV.STRIPE_WEBHOOK_SECRET,
  ENV.CLERK_SECRET_KEY,
  'ORIGIN_VERIFY',
] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

/** The variable that names a key's secret: `GROQ_API_KEY` → `GROQ_API_KEY_SECRET_ARN`. */
export const SECRET_ARN_VARIABLES = {
  GROQ_API_KEY: ENV.GROQ_API_KEY_SECRET_ARN,
  REPLICATE_API_TOKEN: ENV.REPLICATE_API_TOKEN_SECRET_ARN,
  ELEVENLABS_API_KEY: ENV.ELEVENLABS_API_KEY_SECRET_ARN,
  STRIPE_SECRET_KEY: ENV.STRIPE_SECRET_KEY_SECRET_ARN,
  STRIPE_WEBHOOK_SECRET: ENV.STRIPE_WEBHOOK_SECRET_SECRET_ARN,
  CLERK_SECRET_KEY: ENV.CLERK_SECRET_KEY_SECRET_ARN,
  ORIGIN_VERIFY: ENV.ORIGIN_VERIFY_SECRET_ARN,
} as const satisfies Record<SecretKey, string>;

/** Keys the stack generates itself (the operator never sets them); the others an operator puts in. */
export const GENERATED_SECRET_KEYS: readonly SecretKey[] = ['ORIGIN_VERIFY'];

/** Who issues each key the operator puts in. */
export const SECRET_ISSUERS: Record<Exclude<SecretKey, 'ORIGIN_VERIFY'>, string> = {
  GROQ_API_KEY: 'Groq',
  REPLICATE_API_TOKEN: 'Replicate',
  ELEVENLABS_API_KEY: 'ElevenLabs',
  STRIPE_SECRET_KEY: 'Stripe',
  STRIPE_WEBHOOK_SECRET: 'Stripe',
  CLERK_SECRET_KEY: 'Clerk',
};
