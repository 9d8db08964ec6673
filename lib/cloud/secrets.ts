import { RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

/** The JSON keys of the provider secret; the vendor adapters read these. */
export const PROVIDER_SECRET_KEYS = ['GROQ_API_KEY', 'REPLICATE_API_TOKEN', 'ELEVENLABS_API_KEY'] as const;

/**
 * The JSON keys of the API secret (`ai-shorts/api`): Stripe's and Clerk's. Kept apart from the
 * vendor keys so the public webhook and the billing routes cannot read Groq/Replicate/ElevenLabs
 * keys, and the pipeline steps cannot read Stripe's. The API handlers read it through the same
 * `PROVIDER_SECRET_ARN` variable (lambdas/shared/dependencies.ts `providerKeys`).
 */
export const API_SECRET_KEYS = ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'CLERK_SECRET_KEY'] as const;

/** What the secret holds until an operator puts the real keys in (docs/deploy.md says how). */
export const PROVIDER_SECRET_PLACEHOLDER = 'set-me';

export interface ProviderSecretsProps {
  secretName: string;
  retainData: boolean;
  /** The JSON keys; default {@link PROVIDER_SECRET_KEYS}. */
  keys?: readonly string[];
  /** Who issues the keys, for the description and the rotation finding; default the three vendors. */
  issuers?: string;
}

/**
 * The vendors' API keys in one Secrets Manager secret (JSON object). CloudFormation creates it
 * with placeholders; the operator sets the values once (`aws secretsmanager put-secret-value`),
 * and later deploys leave them alone because the template's value does not change.
 */
export class ProviderSecrets extends Construct {
  readonly secret: ISecret;

  constructor(scope: Construct, id: string, props: ProviderSecretsProps) {
    super(scope, id);
    const keys = props.keys ?? PROVIDER_SECRET_KEYS;
    const issuers = props.issuers ?? 'Groq, Replicate, ElevenLabs';
    const secret = new Secret(this, 'Secret', {
      secretName: props.secretName,
      description: `ai-shorts ${props.keys ? 'API' : 'vendor API'} keys (JSON: ${keys.join(', ')}).`,
      secretObjectValue: Object.fromEntries(
        keys.map((key) => [key, SecretValue.unsafePlainText(PROVIDER_SECRET_PLACEHOLDER)]),
      ),
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    NagSuppressions.addResourceSuppressions(secret, [
      {
        id: 'AwsSolutions-SMG4',
        reason:
          `Third-party API keys (${issuers}) can only be rotated in the vendors' dashboards; ` +
          'a rotation Lambda has no API to call. Rotate by putting the new key into this secret.',
      },
    ]);
    this.secret = secret;
  }
}
