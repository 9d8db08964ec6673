/**
 * Fixtures for the local IAM tests: a role principal with a policy, an authorizer, the SDK
 * client config for a key pair, and catching what an SDK call raised.
 */
import { AccessLog } from '../../lib/local/iam/access-log.js';
import { Authorizer } from '../../lib/local/iam/authorizer.js';
import { Principals, type LocalCredentials, type PolicyDocument, type RolePrincipal, type Statement } from '../../lib/local/iam/principals.js';

export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';
export const CONTEXT = { accountId: ACCOUNT, region: REGION };
export const ADMIN = { accessKeyId: 'LOCALADMINKEY0000000', secretAccessKey: 'local-admin-secret-0000000000000000000000' };

export function policy(...statements: Statement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

export function role(id: string, ...statements: Statement[]): RolePrincipal {
  return {
    kind: 'role',
    id,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/${id}Role`,
    sessionArn: `arn:aws:sts::${ACCOUNT}:assumed-role/${id}Role/${id}`,
    policies: [{ name: `${id}Policy`, document: policy(...statements) }],
  };
}

export interface Iam {
  principals: Principals;
  authorizer: Authorizer;
  log: AccessLog;
  /** Registers a role and returns its credentials. */
  add(principal: RolePrincipal): LocalCredentials;
}

/** Principals (with the admin key registered), an access log and an authorizer over the given resource policies. */
export function localIam(resourcePolicies: Record<string, PolicyDocument> = {}): Iam {
  const principals = new Principals();
  principals.registerAdmin(ADMIN);
  const log = new AccessLog();
  const authorizer = new Authorizer({
    ...CONTEXT,
    log,
    resourcePolicy: (arn) => {
      const bucket = /^arn:aws:s3:::([^/]+)/.exec(arn);
      return resourcePolicies[bucket ? `arn:aws:s3:::${bucket[1]}` : arn];
    },
  });
  return { principals, authorizer, log, add: (principal) => principals.register(principal) };
}

/** Client config for a local endpoint: no retries, so a refusal surfaces at once. */
export function clientConfig(endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) {
  return { endpoint, region: REGION, credentials, maxAttempts: 1 };
}

/** What an SDK call raised: the thrown error's name, message and HTTP status. */
export async function raised(promise: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
