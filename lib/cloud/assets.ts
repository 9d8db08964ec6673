import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership, type IBucket, type LifecycleRule } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Key prefixes the pipeline writes (lambdas/core/pipeline): content-addressed inputs and finished videos. */
export const ASSET_PREFIX = 'assets/';
export const VIDEO_PREFIX = 'videos/';

export interface AssetsProps {
  accessLogs: IBucket;
  /** Days until `assets/` objects (scene images, voice-overs) expire. */
  assetsExpireAfterDays: number;
  /** Days until `videos/` objects expire; undefined keeps them. */
  videosExpireAfterDays: number | undefined;
  retainData: boolean;
}

/**
 * The private bucket for a job's files: scene images and voice under `assets/` (intermediate,
 * content-addressed so a retry reuses them, expired after a while) and MP4s under `videos/`.
 * Users reach them only through presigned URLs.
 */
export class Assets extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: AssetsProps) {
    super(scope, id);
    const lifecycleRules: LifecycleRule[] = [
      { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      { id: 'ExpireIntermediateAssets', prefix: ASSET_PREFIX, expiration: Duration.days(props.assetsExpireAfterDays) },
    ];
    if (props.videosExpireAfterDays !== undefined) {
      lifecycleRules.push({ id: 'ExpireVideos', prefix: VIDEO_PREFIX, expiration: Duration.days(props.videosExpireAfterDays) });
    }
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 's3/assets/',
      lifecycleRules,
      // A user's scene picture is PUT from the dashboard to a presigned URL (POST /api/videos/{id}/scenes/{n}/upload):
      // the URL is the credential (one key, its type and size signed, 15 minutes), so any origin may send it.
      cors: [{ allowedMethods: [HttpMethods.PUT], allowedOrigins: ['*'], allowedHeaders: ['content-type'], maxAge: 3000 }],
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }
}
