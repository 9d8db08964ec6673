import { RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

/** The JSON keys of the provider secret; the vendor adapters read these. */
export const PROVIDER_SECRET_KEYS = ['GROQ_API_KEY', 'REPLICATE_API_TOKEN', 'ELEVENLABS_API_KEY'] as const;

/** What the secret holds until an operator puts the real keys in (docs/deploy.md says how). */
export const PROVIDER_SECRET_PLACEHOLDER = 'set-me';

export interface ProviderSecretsProps {
  secretName: string;
  retainData: boolean;
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
    const secret = new Secret(this, 'Secret', {
      secretName: props.secretName,
      description: `ai-shorts vendor API keys (JSON: ${PROVIDER_SECRET_KEYS.join(', ')}).`,
      secretObjectValue: Object.fromEntries(
        PROVIDER_SECRET_KEYS.map((key) => [key, SecretValue.unsafePlainText(PROVIDER_SECRET_PLACEHOLDER)]),
      ),
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    NagSuppressions.addResourceSuppressions(secret, [
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'Third-party API keys (Groq, Replicate, ElevenLabs) can only be rotated in the vendors\' dashboards; ' +
          'a rotation Lambda has no API to call. Rotate by putting the new key into this secret.',
      },
    ]);
    this.secret = secret;
  }
}
