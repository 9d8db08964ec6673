/**
 * An S3-compatible server on loopback (@20minutes/s3rver), keeping objects on disk, and the
 * environment that points ordinary AWS SDK clients at the local emulators.
 */
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { S3Gate } from './iam/s3-gate.js';
import { makeStoreAtomic, type S3rverStore } from './s3-atomic-store.js';

/** The key pair s3rver registers by default; it verifies signatures made with it. */
export const LOCAL_ACCESS_KEY_ID = 'S3RVER';
export const LOCAL_SECRET_ACCESS_KEY = 'S3RVER';
export const LOCAL_REGION = 'us-east-1';

/** The part of s3rver's API used here (the package ships no types). */
interface S3rverInstance {
  /** Koa's middleware list; composed when the server starts listening. */
  middleware: KoaMiddleware[];
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
  store: S3rverStore;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string; configs?: string[] }[];
}) => S3rverInstance;

export interface S3ServerOptions {
  /** Where objects are kept; survives restarts. */
  directory: string;
  /** Buckets to create if missing. */
  buckets: readonly string[];
  /** Default 0: any free port. */
  port?: number;
  /** Origins allowed to GET objects (the SPA, Chromium while rendering) and PUT uploads from a browser. Default `*`. */
  corsAllowedOrigins?: readonly string[];
  /** Log every request to the console. Default false. */
  verbose?: boolean;
  /**
   * An authorization middleware (lib/local/iam/s3-gate.ts) run before each request reaches
   * s3rver's routes. Without it every signed request with s3rver's key pair is served.
   */
  authorization?: S3Gate;
}

export interface S3Server {
  /** `http://127.0.0.1:PORT`: an IP literal, so the SDK uses path-style addressing. */
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

interface CanonicalRequest {
  uri: string;
  headers: object;
}
interface SignatureV4Module {
  getStringToSign(canonicalRequest: CanonicalRequest, request: unknown): string;
  __trailingSlashFix?: true;
}
type KoaMiddleware = (ctx: { path: string; headers: object }, next: () => Promise<void>) => Promise<void>;

/** The request path each request arrived with, keyed by its headers object (the one s3rver signs with). */
const requestPaths = new WeakMap<object, string>();

/**
 * s3rver (4.0.4 and 5.0.0) builds the canonical URI of a bucket request as `/bucket`, but the
 * SDK sends and signs `/bucket/` (ListObjectsV2, DeleteObjects…), so every bucket-level call
 * fails with SignatureDoesNotMatch. S3 signs the path as sent; restore the trailing slash.
 * Object requests are untouched. Installed once per process; only our servers feed the map.
 */
function fixBucketPathSignatures(): void {
  const v4 = createRequire(import.meta.url)('@20minutes/s3rver/lib/signature/v4.js') as SignatureV4Module;
  if (v4.__trailingSlashFix) return;
  const original = v4.getStringToSign.bind(v4);
  v4.getStringToSign = (canonicalRequest, request) => {
    const sent = requestPaths.get(canonicalRequest.headers);
    const uri =
      sent?.endsWith('/') && !canonicalRequest.uri.endsWith('/') ? `${canonicalRequest.uri}/` : canonicalRequest.uri;
    return original({ ...canonicalRequest, uri }, request);
  };
  v4.__trailingSlashFix = true;
}

function corsXml(origins: readonly string[]): string {
  const allowed = origins.map((o) => `<AllowedOrigin>${o}</AllowedOrigin>`).join('');
  return (
    '<CORSConfiguration><CORSRule>' +
    // PUT: a user's scene picture, uploaded from the dashboard to its presigned URL.
    `${allowed}<AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedMethod>PUT</AllowedMethod>` +
    '<AllowedHeader>*</AllowedHeader><MaxAgeSeconds>3000</MaxAgeSeconds>' +
    '</CORSRule></CORSConfiguration>'
  );
}

/** Starts s3rver on 127.0.0.1 with the given buckets. It verifies SigV4, presigned URLs included. */
export async function startS3Server(options: S3ServerOptions): Promise<S3Server> {
  const S3rver = createRequire(import.meta.url)('@20minutes/s3rver') as S3rverConstructor;
  const directory = path.resolve(options.directory);
  await mkdir(directory, { recursive: true });
  const origins = options.corsAllowedOrigins ?? ['*'];
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    directory,
    silent: !options.verbose,
    configureBuckets: options.buckets.map((name) => ({ name, configs: origins.length > 0 ? [corsXml(origins)] : [] })),
  });
  fixBucketPathSignatures();
  // S3 replaces an object whole; s3rver rewrites it in place.
  makeStoreAtomic(server.store);
  if (options.authorization) {
    // Just before the router (the last middleware): after s3rver's vhost rewrite, so the gate
    // sees path-style paths, and inside its error handling, so a refusal renders as S3 XML.
    server.middleware.splice(server.middleware.length - 1, 0, options.authorization as unknown as KoaMiddleware);
  }
  server.middleware.unshift(async (ctx, next) => {
    requestPaths.set(ctx.headers, ctx.path);
    await next();
  });
  const { port } = await server.run();
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop() {
      stopped ??= (async () => {
        const closing = server.close();
        // SDK clients keep sockets alive; do not wait for them to time out.
        server.httpServer?.closeAllConnections();
        await closing;
      })();
      return stopped;
    },
  };
}

/**
 * The environment that makes plain AWS SDK clients (created with default config) talk to the
 * local emulators: endpoints through the SDK's standard `AWS_ENDPOINT_URL_*` variables, fixed
 * credentials s3rver accepts, and checksums only when an operation requires them — with the
 * SDK's default (WHEN_SUPPORTED) streamed bodies go out aws-chunked with trailing checksums,
 * which S3-compatible servers have stored verbatim (corrupt objects).
 */
export function localAwsEnvironment(endpoints: { dynamoEndpoint: string; s3Endpoint: string }): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamoEndpoint,
    AWS_ENDPOINT_URL_S3: endpoints.s3Endpoint,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: LOCAL_SECRET_ACCESS_KEY,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
  };
}

/**
 * Variables to remove alongside {@link localAwsEnvironment}: with `AWS_PROFILE` set the SDK
 * ignores the key pair above and signs with the profile's keys (s3rver then answers 403), and
 * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` would make it ignore the endpoint variables.
 */
export const LOCAL_AWS_ENVIRONMENT_UNSET = ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'] as const;
