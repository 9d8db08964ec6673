import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AllowedMethods,
  type BehaviorOptions,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
  type IOrigin,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source, type ISource } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { suppressBucketDeploymentFindings, suppressDefaultCertificateFindings } from './cdn.js';
import { REPO_ROOT } from './paths.js';

/** Where the SPA's build lands (`vite build`). */
export const SPA_BUILD_DIR = join(REPO_ROOT, 'frontend/dist');

/** What the site shows when the stack was synthesized without a dashboard build. */
export const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>ai-shorts</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5">
<h1>ai-shorts</h1>
<p>The dashboard is not built yet. This stack was deployed without <code>frontend/dist</code>.</p>
<p>Build the dashboard into <code>frontend/dist</code> and run <code>npx cdk deploy</code> again.</p>
</body>
</html>
`;

/** The SPA's files: the build if it exists at synth, otherwise the honest placeholder page. */
export function spaSource(buildDir: string = SPA_BUILD_DIR): { source: ISource; built: boolean } {
  return existsSync(join(buildDir, 'index.html'))
    ? { source: Source.asset(buildDir), built: true }
    : { source: Source.data('index.html', PLACEHOLDER_PAGE), built: false };
}

/**
 * Client-side routes (`/videos/123`) get the SPA's index.html; files (`/assets/x.js`) pass.
 * Done at the edge for the SPA behaviour only, so /api/* errors reach the client unchanged
 * (distribution-wide error responses would turn an API 404 into index.html).
 */
const SPA_ROUTING = `function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

/**
 * /api/* to the HTTP API: never cached, every method. The managed AllViewerExceptHostHeader
 * policy forwards every viewer header but Host (API Gateway routes on its own host name) —
 * Authorization, Stripe-Signature, Idempotency-Key, the `__session` cookie — and the query
 * string. (A custom origin request policy may not list Authorization; the managed one forwards it.)
 */
export const API_BEHAVIOR: Omit<BehaviorOptions, 'origin'> = {
  viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
  allowedMethods: AllowedMethods.ALLOW_ALL,
  cachePolicy: CachePolicy.CACHING_DISABLED,
  originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
};

export interface WebProps {
  accessLogs: IBucket;
  /** The HTTP API, if known up front (else {@link Web.routeApi}). Without one, /api/* falls through to the SPA. */
  apiOrigin?: IOrigin;
  /** Defaults to {@link spaSource}. */
  site?: ISource;
  retainData: boolean;
  /** Written to the SPA's config.json; without it the dashboard refuses cloud sign-in with a clear message. */
  clerkPublishableKey?: string;
}

/** The SPA's `config.json` in AWS: cloud sign-in with Clerk (frontend/src/config.ts reads it). */
export function spaRuntimeConfig(clerkPublishableKey: string | undefined): Record<string, string> {
  return { mode: 'cloud', ...(clerkPublishableKey ? { clerkPublishableKey } : {}) };
}

/** The dashboard: a private bucket behind CloudFront (origin access control), /api/* to the API when given. */
export class Web extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** Whether frontend/dist was deployed (false: the placeholder page). */
  readonly built: boolean;

  private apiRouted = false;

  /** Routes /api/* to the HTTP API ({@link API_BEHAVIOR}). */
  routeApi(origin: IOrigin): void {
    if (this.apiRouted) throw new Error('/api/* is already routed');
    this.distribution.addBehavior('/api/*', origin, API_BEHAVIOR);
    this.apiRouted = true;
  }

  /** The dashboard's origin, `https://{id}.cloudfront.net`. */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }

  constructor(scope: Construct, id: string, props: WebProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 's3/web/',
      // The bucket only holds build output; the next deploy recreates it.
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.distribution = new Distribution(this, 'Cdn', {
      comment: 'ai-shorts dashboard',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
        functionAssociations: [
          {
            eventType: FunctionEventType.VIEWER_REQUEST,
            function: new CloudFrontFunction(this, 'SpaRouting', { code: FunctionCode.fromInline(SPA_ROUTING), comment: 'SPA routes to index.html' }),
          },
        ],
      },
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: props.accessLogs,
      logFilePrefix: 'cloudfront/web/',
    });
    suppressDefaultCertificateFindings(this.distribution);
    if (props.apiOrigin) this.routeApi(props.apiOrigin);

    const { source, built } = props.site ? { source: props.site, built: true } : spaSource();
    this.built = built;
    // Cache headers instead of CloudFront invalidations (which would need cloudfront:CreateInvalidation
    // on *): hashed build files are immutable; index.html is revalidated, so a deploy shows at once.
    const files = new BucketDeployment(this, 'DeployFiles', {
      sources: [source],
      destinationBucket: this.bucket,
      exclude: ['index.html', 'config.json'],
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
      // Same size as the render site's deployment, so both share one CDK-managed handler.
      memoryLimit: 512,
    });
    const index = new BucketDeployment(this, 'DeployIndex', {
      sources: [source],
      destinationBucket: this.bucket,
      exclude: ['*'],
      include: ['index.html'],
      cacheControl: [CacheControl.noCache()],
      memoryLimit: 512,
    });
    // The SPA's runtime config: cloud mode with Clerk's publishable key (public by design).
    const config = new BucketDeployment(this, 'DeployConfig', {
      sources: [Source.jsonData('config.json', spaRuntimeConfig(props.clerkPublishableKey))],
      destinationBucket: this.bucket,
      cacheControl: [CacheControl.noCache()],
      prune: false,
      memoryLimit: 512,
    });
    suppressBucketDeploymentFindings(files, this.bucket);
    suppressBucketDeploymentFindings(index, this.bucket);
    suppressBucketDeploymentFindings(config, this.bucket);
  }
}
