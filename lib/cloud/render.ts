import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Annotations, ArnFormat, Aws, Duration, Fn, RemovalPolicy, Size, Stack, Tags, Token } from 'aws-cdk-lib';
import { CachePolicy, Distribution, PriceClass, ViewerProtocolPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, LayerVersion, Runtime, RuntimeManagementMode } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, type ISource } from 'aws-cdk-lib/aws-s3-deployment';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { LambdaInternals } from '@remotion/lambda';
import { speculateFunctionName } from '@remotion/lambda-client';
import { VERSION as REMOTION_VERSION } from 'remotion/version';
import { suppressBucketDeploymentFindings, suppressDefaultCertificateFindings } from './cdn.js';
import { nagArn } from './nag.js';
import type { RenderTarget } from './pipeline-function.js';
import { REMOTION_SITE_PREFIX } from './remotion-site.js';

/** Remotion's defaults for `deployFunction()` (memory, disk, timeout per chunk). */
export const REMOTION_MEMORY_MB = 2048;
export const REMOTION_DISK_MB = 2048;
export const REMOTION_TIMEOUT_SECONDS = 120;

const requireFromHere = createRequire(import.meta.url);

/** The function zip shipped in @remotion/lambda (the one `deployFunction()` uploads). */
export function remotionFunctionZip(): string {
  return join(dirname(requireFromHere.resolve('@remotion/lambda/package.json')), 'remotionlambda-arm64.zip');
}

/**
 * The runtime version `deployFunction()` pins the function to (Remotion locks it so an AWS
 * runtime update cannot break rendering), read from the package rather than copied.
 */
export function remotionRuntimeVersionHash(): string | undefined {
  const source = readFileSync(join(dirname(requireFromHere.resolve('@remotion/lambda/package.json')), 'dist/api/create-function.js'), 'utf8');
  return /::runtime:([0-9a-f]{64})`/.exec(source)?.[1];
}

/** Remotion's hosted layers (Chromium, fonts, emoji, CJK) for a region, exactly as `deployFunction()` picks them. */
export function remotionLayerArns(region: string): string[] {
  // getLayers() itself throws, naming the region, where Remotion hosts no layers.
  type RemotionRegion = Parameters<typeof LambdaInternals.getLayers>[0]['region'];
  return LambdaInternals.getLayers({ option: 'default', region: region as RemotionRegion }).map(({ layerArn, version }) => `${layerArn}:${version}`);
}

/**
 * Remotion's working bucket name. Remotion finds its buckets by `remotionlambda-<region>-<hash>`;
 * the hash is the tail of the stack's id, so two stacks (or accounts) never collide.
 */
function remotionBucketName(region: string): string {
  const stackUuidTail = Fn.select(4, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))));
  return `remotionlambda-${region.replace(/-/g, '')}-${stackUuidTail}`;
}

export interface RenderProps {
  /** The bundled composition (see remotion-site.ts). */
  site: ISource;
  /** Where finished videos go (`outName: { bucketName, key }`), and the key prefix the renderer may write. */
  output: { bucket: IBucket; prefix: string };
  accessLogs: IBucket;
  logRetention: RetentionDays;
  retainData: boolean;
}

/**
 * Remotion Lambda, declared instead of run through `npx remotion lambda functions deploy` /
 * `sites create`: the render function from the zip in @remotion/lambda with Remotion's public
 * layers, its role (Remotion's documented permissions, narrowed to this app's buckets), its
 * working bucket, and the composition's site served to the renderer's Chromium over HTTPS by
 * CloudFront (origin access control, only `sites/` readable) instead of a public bucket.
 */
export class Render extends Construct implements RenderTarget {
  readonly function: LambdaFunction;
  readonly functionName: string;
  readonly functionArn: string;
  readonly bucket: Bucket;
  readonly serveUrl: string;
  readonly region: string;
  readonly siteDistribution: Distribution;

  constructor(scope: Construct, id: string, props: RenderProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.region)) {
      throw new Error('The render construct needs a concrete region (Remotion hosts its layers per region): set CDK_DEFAULT_REGION or -c region=…');
    }
    this.region = stack.region;

    // Remotion's working bucket: render progress and chunks (renders/), large props, and the site.
    this.bucket = new Bucket(this, 'Bucket', {
      bucketName: remotionBucketName(this.region),
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // ACLs disabled: the render adapter must pass `privacy: 'no-acl'`.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 's3/remotion/',
      lifecycleRules: [
        { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // Remotion's `deleteAfter` option writes under renders/<n-days>-<id>; these are the rules its CLI installs.
        ...(['1-day', '3-days', '7-days', '30-days'] as const).map((deleteAfter) => ({
          id: `RemotionDeleteAfter${deleteAfter.replace(/-.*/, '')}`,
          prefix: `renders/${deleteAfter}`,
          expiration: Duration.days(Number.parseInt(deleteAfter, 10)),
        })),
        // Finished videos are written to the assets bucket; what stays here is scratch.
        { id: 'ExpireRenderScratch', prefix: 'renders/', expiration: Duration.days(30) },
        { id: 'ExpireInputProps', prefix: 'input-props/', expiration: Duration.days(7) },
        { id: 'ExpireResolvedProps', prefix: 'resolved-props/', expiration: Duration.days(7) },
      ],
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.siteDistribution = this.siteCdn(props);
    this.serveUrl = `https://${this.siteDistribution.distributionDomainName}/${REMOTION_SITE_PREFIX}index.html`;
    const deployment = new BucketDeployment(this, 'Site', {
      sources: [props.site],
      destinationBucket: this.bucket,
      destinationKeyPrefix: REMOTION_SITE_PREFIX,
      // bundle.js keeps its name across builds: revalidate instead of invalidating CloudFront
      // (which would need cloudfront:CreateInvalidation on *).
      cacheControl: [CacheControl.noCache()],
      memoryLimit: 512,
    });
    suppressBucketDeploymentFindings(deployment, this.bucket);

    this.functionName = speculateFunctionName({
      memorySizeInMb: REMOTION_MEMORY_MB,
      diskSizeInMb: REMOTION_DISK_MB,
      timeoutInSeconds: REMOTION_TIMEOUT_SECONDS,
    });
    // Built from the name, not the resource: the function invokes itself, and a GetAtt would be a cycle.
    this.functionArn = stack.formatArn({ service: 'lambda', resource: 'function', resourceName: this.functionName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.function = this.renderFunction(props);
  }

  private siteCdn(props: RenderProps): Distribution {
    // The origin is given a reference to the bucket so CDK does not open the whole bucket to
    // CloudFront; the statement below allows only the site's objects.
    const originBucket = Bucket.fromBucketAttributes(this, 'SiteOriginBucket', {
      bucketArn: this.bucket.bucketArn,
      bucketName: this.bucket.bucketName,
      region: this.region,
    });
    const distribution = new Distribution(this, 'SiteCdn', {
      comment: 'ai-shorts: Remotion composition for the render Lambda',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(originBucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
      },
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: props.accessLogs,
      logFilePrefix: 'cloudfront/remotion-site/',
    });
    Annotations.of(distribution).acknowledgeWarning(
      '@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac',
      'The render construct adds the origin-access-control statement itself, limited to sites/*.',
    );
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudfront.amazonaws.com')],
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects(`${REMOTION_SITE_PREFIX}*`)],
        conditions: { StringEquals: { 'AWS:SourceArn': Stack.of(this).formatArn({ service: 'cloudfront', region: '', resource: 'distribution', resourceName: distribution.distributionId }) } },
      }),
    );
    suppressDefaultCertificateFindings(distribution);
    return distribution;
  }

  private renderFunction(props: RenderProps): LambdaFunction {
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Remotion Lambda renderer for ai-shorts',
    });
    const logGroup = new LogGroup(this, 'Logs', {
      // Remotion's log links point at /aws/lambda/<function name>.
      logGroupName: `/aws/lambda/${this.functionName}`,
      retention: props.logRetention,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    logGroup.grantWrite(role);

    // Remotion's role policy (`getRolePolicy()` in @remotion/lambda/policies), narrowed: its own
    // bucket instead of remotionlambda-*, its own function instead of remotion-render-*. Left out:
    // s3:ListAllMyBuckets, s3:CreateBucket, s3:PutBucketAcl (the bucket exists and is passed as
    // `forceBucketName`), s3:PutObjectAcl (ACLs are disabled), Lambda Insights logs (not enabled).
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: [this.bucket.bucketArn] }));
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: [this.bucket.arnForObjects('*')] }),
    );
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.functionArn] }));
    // The finished MP4 goes straight to the app's bucket (`outName`); Remotion heads it to report the output.
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.output.bucket.bucketArn] }));
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: [props.output.bucket.arnForObjects(`${props.output.prefix}*`)] }),
    );
    NagSuppressions.addResourceSuppressions(
      role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Remotion Lambda reads and writes any key of its own working bucket (renders/<id>/ chunks and progress, props, the site), ' +
            `and writes finished videos under ${props.output.prefix} of the assets bucket; S3 object ARNs name keys with a wildcard.`,
          appliesTo: [`Resource::${nagArn(this.bucket)}/*`, `Resource::${nagArn(props.output.bucket)}/${props.output.prefix}*`],
        },
      ],
      true,
    );

    const runtimeHash = remotionRuntimeVersionHash();
    const fn = new LambdaFunction(this, 'Function', {
      functionName: this.functionName,
      description: 'Renders a Remotion video.',
      code: Code.fromAsset(remotionFunctionZip()),
      handler: 'index.handler',
      // What deployFunction() creates: Node 24 on arm64, with Remotion's layers and runtime lock.
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: REMOTION_MEMORY_MB,
      ephemeralStorageSize: Size.mebibytes(REMOTION_DISK_MB),
      timeout: Duration.seconds(REMOTION_TIMEOUT_SECONDS),
      layers: remotionLayerArns(this.region).map((arn, i) => LayerVersion.fromLayerVersionArn(this, `RemotionLayer${i}`, arn)),
      role,
      logGroup,
      // Remotion retries chunks itself.
      retryAttempts: 0,
      runtimeManagementMode: runtimeHash
        ? RuntimeManagementMode.manual(`arn:${Aws.PARTITION}:lambda:${this.region}::runtime:${runtimeHash}`)
        : RuntimeManagementMode.AUTO,
    });
    if (!runtimeHash) {
      Annotations.of(fn).addWarningV2('ai-shorts:remotionRuntimeLock', '@remotion/lambda no longer names a runtime version to lock to; the render function follows AWS runtime updates.');
    }
    for (const [key, value] of Object.entries({
      'remotion-lambda': 'true',
      'remotion-version': REMOTION_VERSION,
      'remotion-memory-in-mb': String(REMOTION_MEMORY_MB),
      'remotion-timeout-in-seconds': String(REMOTION_TIMEOUT_SECONDS),
      'remotion-ephemereal-storage-in-mb': String(REMOTION_DISK_MB),
    })) {
      Tags.of(fn).add(key, value);
    }
    return fn;
  }
}
