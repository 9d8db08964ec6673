/**
 * S3 REST calls → the IAM authorizations they need (Service Authorization Reference for
 * Amazon S3, and each operation's "Permissions" section in the S3 API Reference).
 *
 * - GET/HEAD object → s3:GetObject (s3:GetObjectVersion with versionId).
 * - PUT object → s3:PutObject; a copy also needs s3:GetObject (Version) on the source; an
 *   `x-amz-tagging` header also s3:PutObjectTagging, an `x-amz-acl` header s3:PutObjectAcl.
 * - Multipart: create (POST ?uploads), upload part (PUT ?partNumber&uploadId) and complete
 *   (POST ?uploadId) → s3:PutObject; abort (DELETE ?uploadId) → s3:AbortMultipartUpload; list
 *   parts (GET ?uploadId) → s3:ListMultipartUploadParts.
 * - DELETE object → s3:DeleteObject (Version); DeleteObjects (POST ?delete) → s3:DeleteObject
 *   per key listed in the body.
 * - GET/HEAD bucket (ListObjects, ListObjectsV2, HeadBucket) → s3:ListBucket, with `s3:prefix`,
 *   `s3:delimiter`, `s3:max-keys` from the query when sent.
 * - GET / (ListBuckets) → s3:ListAllMyBuckets on `*`.
 * - Bucket sub-resources (?location, ?cors, ?policy, ?versioning…) → their Get/Put actions.
 * Object ARNs are `arn:aws:s3:::bucket/key` with the key as stored (not URL-encoded).
 */
import type { AuthorizationRequest } from '../authorizer.js';
import { partitionOf, type ServiceContext } from './context.js';

export interface S3Request {
  method: string;
  /** Path-style: the first path segment; absent for ListBuckets. */
  bucket?: string;
  /** The object key, decoded; absent for bucket calls. */
  key?: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** DeleteObjects: the keys the request body lists. */
  deleteKeys?: string[];
}

function header(headers: S3Request['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Bucket sub-resources: query parameter → [GET action, PUT action, DELETE action]. */
const BUCKET_SUBRESOURCES: Record<string, [string, string, string]> = {
  location: ['s3:GetBucketLocation', 's3:GetBucketLocation', 's3:GetBucketLocation'],
  cors: ['s3:GetBucketCORS', 's3:PutBucketCORS', 's3:PutBucketCORS'],
  policy: ['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy'],
  website: ['s3:GetBucketWebsite', 's3:PutBucketWebsite', 's3:DeleteBucketWebsite'],
  acl: ['s3:GetBucketAcl', 's3:PutBucketAcl', 's3:PutBucketAcl'],
  tagging: ['s3:GetBucketTagging', 's3:PutBucketTagging', 's3:PutBucketTagging'],
  versioning: ['s3:GetBucketVersioning', 's3:PutBucketVersioning', 's3:PutBucketVersioning'],
  lifecycle: ['s3:GetLifecycleConfiguration', 's3:PutLifecycleConfiguration', 's3:PutLifecycleConfiguration'],
  notification: ['s3:GetBucketNotification', 's3:PutBucketNotification', 's3:PutBucketNotification'],
  encryption: ['s3:GetEncryptionConfiguration', 's3:PutEncryptionConfiguration', 's3:PutEncryptionConfiguration'],
  publicAccessBlock: ['s3:GetBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock'],
  ownershipControls: ['s3:GetBucketOwnershipControls', 's3:PutBucketOwnershipControls', 's3:PutBucketOwnershipControls'],
  logging: ['s3:GetBucketLogging', 's3:PutBucketLogging', 's3:PutBucketLogging'],
  'object-lock': ['s3:GetBucketObjectLockConfiguration', 's3:PutBucketObjectLockConfiguration', 's3:PutBucketObjectLockConfiguration'],
  versions: ['s3:ListBucketVersions', 's3:ListBucketVersions', 's3:ListBucketVersions'],
  uploads: ['s3:ListBucketMultipartUploads', 's3:ListBucketMultipartUploads', 's3:ListBucketMultipartUploads'],
};

/** Context keys S3 sets from request headers, for the write calls that take them. */
const HEADER_KEYS = [
  'x-amz-acl',
  'x-amz-server-side-encryption',
  'x-amz-server-side-encryption-aws-kms-key-id',
  'x-amz-storage-class',
  'x-amz-copy-source',
  'x-amz-metadata-directive',
  'x-amz-content-sha256',
];

function headerContext(headers: S3Request['headers']): Record<string, string> {
  const context: Record<string, string> = {};
  for (const name of HEADER_KEYS) {
    const value = header(headers, name);
    if (value !== undefined) context[`s3:${name}`] = value;
  }
  return context;
}

/** `x-amz-copy-source: /bucket/key?versionId=…` (URL-encoded) → bucket, key, version. */
function copySource(value: string): { bucket: string; key: string; versionId?: string } | undefined {
  const [path, query] = value.split('?', 2);
  const decoded = decodeURIComponent(path!).replace(/^\//, '');
  const slash = decoded.indexOf('/');
  if (slash <= 0) return undefined;
  const versionId = new URLSearchParams(query ?? '').get('versionId') ?? undefined;
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), ...(versionId ? { versionId } : {}) };
}

/** The authorizations an S3 call needs. CORS preflights (OPTIONS) need none. */
export function s3Requests(request: S3Request, ctx: ServiceContext): AuthorizationRequest[] {
  const method = request.method.toUpperCase();
  if (method === 'OPTIONS') return [];
  const partition = partitionOf(ctx);
  const { bucket, key, query } = request;
  if (!bucket) return [{ action: 's3:ListAllMyBuckets', resource: '*' }];
  const bucketArn = `arn:${partition}:s3:::${bucket}`;
  const objectArn = (k: string, b = bucket) => `arn:${partition}:s3:::${b}/${k}`;
  const versionId = query.get('versionId') ?? undefined;
  const versioned = versionId ? { 's3:versionid': versionId } : undefined;
  const withContext = (action: string, resource: string, context?: Record<string, string>): AuthorizationRequest =>
    context && Object.keys(context).length > 0 ? { action, resource, context } : { action, resource };

  if (key === undefined || key === '') {
    if (method === 'POST' && query.has('delete')) {
      return (request.deleteKeys ?? []).map((k) => ({ action: 's3:DeleteObject', resource: objectArn(k) }));
    }
    for (const [name, [get, put, del]] of Object.entries(BUCKET_SUBRESOURCES)) {
      if (!query.has(name)) continue;
      return [{ action: method === 'PUT' ? put : method === 'DELETE' ? del : get, resource: bucketArn }];
    }
    if (method === 'GET' || method === 'HEAD') {
      const context: Record<string, string> = {};
      for (const name of ['prefix', 'delimiter', 'max-keys']) {
        const value = query.get(name);
        if (value !== null) context[`s3:${name}`] = value;
      }
      return [withContext('s3:ListBucket', bucketArn, context)];
    }
    if (method === 'PUT') return [withContext('s3:CreateBucket', bucketArn, headerContext(request.headers))];
    if (method === 'DELETE') return [{ action: 's3:DeleteBucket', resource: bucketArn }];
    // A browser form upload (POST /bucket) writes the object its form names.
    return [{ action: 's3:PutObject', resource: bucketArn }];
  }

  const arn = objectArn(key);
  switch (method) {
    case 'GET':
    case 'HEAD': {
      if (query.has('uploadId')) return [{ action: 's3:ListMultipartUploadParts', resource: arn }];
      if (query.has('acl')) return [withContext(versionId ? 's3:GetObjectVersionAcl' : 's3:GetObjectAcl', arn, versioned)];
      if (query.has('tagging')) return [withContext(versionId ? 's3:GetObjectVersionTagging' : 's3:GetObjectTagging', arn, versioned)];
      if (query.has('attributes')) return [withContext(versionId ? 's3:GetObjectVersionAttributes' : 's3:GetObjectAttributes', arn, versioned)];
      if (query.has('retention')) return [withContext('s3:GetObjectRetention', arn, versioned)];
      if (query.has('legal-hold')) return [withContext('s3:GetObjectLegalHold', arn, versioned)];
      return [withContext(versionId ? 's3:GetObjectVersion' : 's3:GetObject', arn, versioned)];
    }
    case 'PUT': {
      if (query.has('acl')) return [withContext(versionId ? 's3:PutObjectVersionAcl' : 's3:PutObjectAcl', arn, { ...versioned, ...headerContext(request.headers) })];
      if (query.has('tagging')) return [withContext(versionId ? 's3:PutObjectVersionTagging' : 's3:PutObjectTagging', arn, versioned)];
      if (query.has('retention')) return [{ action: 's3:PutObjectRetention', resource: arn }];
      if (query.has('legal-hold')) return [{ action: 's3:PutObjectLegalHold', resource: arn }];
      // PutObject, CopyObject, UploadPart, UploadPartCopy.
      const requests = [withContext('s3:PutObject', arn, headerContext(request.headers))];
      const source = header(request.headers, 'x-amz-copy-source');
      const parsed = source ? copySource(source) : undefined;
      if (parsed) {
        requests.push(
          withContext(
            parsed.versionId ? 's3:GetObjectVersion' : 's3:GetObject',
            objectArn(parsed.key, parsed.bucket),
            parsed.versionId ? { 's3:versionid': parsed.versionId } : undefined,
          ),
        );
      }
      if (!query.has('uploadId')) {
        if (header(request.headers, 'x-amz-tagging') !== undefined) requests.push({ action: 's3:PutObjectTagging', resource: arn });
        if (header(request.headers, 'x-amz-acl') !== undefined) {
          requests.push(withContext('s3:PutObjectAcl', arn, { 's3:x-amz-acl': header(request.headers, 'x-amz-acl')! }));
        }
      }
      return requests;
    }
    case 'POST':
      // CreateMultipartUpload (?uploads), CompleteMultipartUpload (?uploadId); ?restore, ?select.
      if (query.has('restore')) return [{ action: 's3:RestoreObject', resource: arn }];
      if (query.has('select')) return [{ action: 's3:GetObject', resource: arn }];
      return [withContext('s3:PutObject', arn, query.has('uploads') ? headerContext(request.headers) : undefined)];
    case 'DELETE':
      if (query.has('uploadId')) return [{ action: 's3:AbortMultipartUpload', resource: arn }];
      if (query.has('tagging')) return [withContext(versionId ? 's3:DeleteObjectVersionTagging' : 's3:DeleteObjectTagging', arn, versioned)];
      return [withContext(versionId ? 's3:DeleteObjectVersion' : 's3:DeleteObject', arn, versioned)];
    default:
      return [{ action: `s3:${method}`, resource: arn }];
  }
}

/** The authorization S3 checks before it may say "no such key" (404) rather than 403. */
export function s3ListBucketRequest(bucket: string, ctx: ServiceContext): AuthorizationRequest {
  return { action: 's3:ListBucket', resource: `arn:${partitionOf(ctx)}:s3:::${bucket}` };
}
