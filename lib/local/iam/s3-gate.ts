/**
 * The IAM gate of the local S3 (s3rver): a Koa middleware that identifies the caller (the
 * Authorization header or a presigned URL's X-Amz-Credential), has s3rver verify the
 * signature, maps the call to IAM authorizations, evaluates them, and answers S3's own
 * AccessDenied XML when they are denied.
 *
 * Also AWS's rule for a read of a missing key: "If you have the s3:ListBucket permission on the
 * bucket, Amazon S3 returns an HTTP status code 404 Not Found error. If you don't have the
 * s3:ListBucket permission, Amazon S3 returns an HTTP status code 403 ("access denied") error"
 * (GetObject / HeadObject API reference, Permissions). The documentation names the permission
 * on the bucket and no prefix, so s3:ListBucket is evaluated on the bucket with no `s3:prefix`
 * in the context: a grant of s3:ListBucket conditioned on a prefix does not count. The answer is
 * S3's generic "Access Denied" (as reported in aws/aws-cli#2041).
 *
 * CORS preflights (OPTIONS) pass unauthenticated, as in AWS.
 */
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { AuthorizationMappingError, type Authorizer } from './authorizer.js';
import { s3ErrorXml } from './errors.js';
import { accessKeyOf, type Principal, type Principals } from './principals.js';
import type { ServiceContext } from './services/context.js';
import { s3ListBucketRequest, s3Requests } from './services/s3.js';

/** The part of Koa's context the gate uses. */
export interface S3GateContext {
  method: string;
  /** The request path, path-style (`/bucket/key`), after s3rver's vhost rewriting. */
  path: string;
  querystring: string;
  headers: Record<string, string | string[] | undefined>;
  req: Readable;
  params?: Record<string, string | undefined>;
  state: Record<string, unknown>;
  status: number;
  body: unknown;
  type: string;
  set(field: string, value: string): void;
}

export type S3Gate = (ctx: S3GateContext, next: () => Promise<void>) => Promise<void>;

export interface S3GateOptions {
  principals: Principals;
  authorizer: Authorizer;
  context: ServiceContext;
  /** Told about our own failures (a request mapping the simulator rejects). Default: stderr. */
  onError?: (error: Error) => void;
}

interface S3ErrorConstructor {
  new (code: string, message: string, detail?: Record<string, string>): Error & { code: string };
}
interface AwsAccount {
  accessKeys: Map<string, string>;
  createKeyPair(accessKeyId: string, secretAccessKey: string): void;
}
interface AwsAccountConstructor {
  new (id: string, displayName: string): AwsAccount;
  /** Process-wide: every s3rver in the process verifies with it. */
  registry: Map<string, AwsAccount>;
}
type KoaMiddleware = (ctx: S3GateContext, next: () => Promise<void>) => Promise<void>;

const require = createRequire(import.meta.url);
const S3Error = require('@20minutes/s3rver/lib/models/error.js') as S3ErrorConstructor;
const AWSAccount = require('@20minutes/s3rver/lib/models/account.js') as AwsAccountConstructor;
const authentication = (require('@20minutes/s3rver/lib/middleware/authentication.js') as () => KoaMiddleware)();

const ACCESS_DENIED = 'Access Denied';

function xmlUnescape(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, entity: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (named[entity]) return named[entity];
    return String.fromCodePoint(entity[1]?.toLowerCase() === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10));
  });
}

/** DeleteObjects lists its keys in the body: read it, and hand s3rver a stream of the same bytes. */
async function deleteObjectsKeys(ctx: S3GateContext): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(Buffer.from(chunk as Buffer));
  const body = Buffer.concat(chunks);
  ctx.req = Readable.from([body]);
  return [...body.toString('utf8').matchAll(/<Key>([\s\S]*?)<\/Key>/g)].map((m) => xmlUnescape(m[1]!));
}

/** Creates the middleware; startS3Server installs it in front of s3rver's routes. */
export function createS3Gate(options: S3GateOptions): S3Gate {
  const onError = options.onError ?? ((error: Error) => process.stderr.write(`local IAM (s3): ${error.stack ?? error.message}\n`));
  // s3rver verifies signatures with the key pairs in its account registry.
  const account = new AWSAccount(options.context.accountId, 'ai-shorts local');
  const knownToS3rver = (accessKeyId: string) => {
    const secret = options.principals.secretOf(accessKeyId);
    if (secret && AWSAccount.registry.get(accessKeyId)?.accessKeys.get(accessKeyId) !== secret) account.createKeyPair(accessKeyId, secret);
  };

  /**
   * Answers S3's AccessDenied. Written here rather than thrown as s3rver's S3Error, whose XML
   * escapes twice (a quote in the message would reach the SDK as `&quot;`). S3 words its
   * denials for callers of the account; anonymous callers get the bare phrase.
   */
  const deny = (ctx: S3GateContext, principal: Principal, message: string) => {
    const requestId = randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase();
    ctx.status = 403;
    ctx.type = 'application/xml';
    ctx.set('x-amz-request-id', requestId);
    ctx.body = s3ErrorXml('AccessDenied', principal.kind === 'anonymous' ? ACCESS_DENIED : message, requestId);
  };

  return async function iamGate(ctx, next) {
    if (ctx.method === 'OPTIONS') return next();
    const query = new URLSearchParams(ctx.querystring);
    const [, rawBucket, ...rest] = ctx.path.split('/');
    const bucket = rawBucket ? decodeURIComponent(rawBucket) : undefined;
    const key = rest.length > 0 && rest.join('/') !== '' ? decodeURIComponent(rest.join('/')) : undefined;

    const accessKeyId = accessKeyOf(ctx.headers, query);
    let principal: Principal = { kind: 'anonymous' };
    if (accessKeyId) {
      const known = options.principals.byAccessKey(accessKeyId);
      if (!known) {
        throw new S3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', { AWSAccessKeyId: accessKeyId });
      }
      principal = known;
      knownToS3rver(accessKeyId);
      // Authentication before authorization, as in AWS: a bad signature is SignatureDoesNotMatch.
      ctx.params = { ...ctx.params, ...(bucket ? { bucket } : {}), ...(key ? { key } : {}) };
      await authentication(ctx, async () => {});
    }
    if (principal.kind === 'admin') return next();

    const method = ctx.method.toUpperCase();
    const deleteKeys = method === 'POST' && query.has('delete') && bucket && !key ? await deleteObjectsKeys(ctx) : undefined;
    try {
      const requests = s3Requests({ method, bucket, key, query, headers: ctx.headers, ...(deleteKeys ? { deleteKeys } : {}) }, options.context);
      const decision = await options.authorizer.authorize(principal, requests);
      if (!decision.allowed) return deny(ctx, principal, decision.denied!.message);

      const reads = (method === 'GET' || method === 'HEAD') && bucket && key && !query.has('uploadId');
      if (!reads) return await next();
      try {
        await next();
      } catch (error) {
        if ((error as { code?: string }).code !== 'NoSuchKey') throw error;
        const listing = await options.authorizer.authorize(principal, [s3ListBucketRequest(bucket, options.context)]);
        if (!listing.allowed) return deny(ctx, principal, ACCESS_DENIED);
        throw error;
      }
    } catch (error) {
      if (!(error instanceof AuthorizationMappingError)) throw error;
      onError(error);
      throw new S3Error('InternalError', error.message);
    }
  };
}
