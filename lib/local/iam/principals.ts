/**
 * Who is calling a local AWS endpoint: a function's role (its own key pair, as Lambda gives a
 * function temporary credentials of its execution role), the local admin (the runtime's own
 * setup and the tests' assertions), or nobody (an unsigned request).
 */
import { createHmac } from 'node:crypto';

/** One statement of an IAM policy, as IAM's JSON grammar has it. */
export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  NotPrincipal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** An IAM policy document (identity or resource policy). */
export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: Statement[] | Statement;
}

export type RolePrincipal = {
  kind: 'role';
  /** Our id for it: the function id (`CreateVideo`), `StateMachine`, `RemotionRender`… */
  id: string;
  /** `arn:aws:iam::ACCOUNT:role/NAME` */
  roleArn: string;
  /** The session the caller signs as: `arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`. */
  sessionArn: string;
  /** The role's identity policies. */
  policies: { name: string; document: PolicyDocument }[];
};

export type Principal = RolePrincipal | { kind: 'admin' } | { kind: 'anonymous' };

export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/** The default secret the key pairs are derived from; any fixed value gives stable keys. */
const DEFAULT_SEED = 'ai-shorts-local-iam';

/** AWS key ids and unique ids are upper-case letters and digits; base32's alphabet is such. */
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function derive(seed: string, purpose: string, id: string): Buffer {
  return createHmac('sha256', seed).update(`${purpose}\u0000${id}`).digest();
}

function base32(bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += ID_ALPHABET[bytes[i % bytes.length]! % 32];
  return out;
}

/**
 * The principals of the local cloud and their key pairs. A role's keys are derived from its id
 * (and a seed), so a restarted runtime hands a function the same credentials it had before.
 */
export class Principals {
  private readonly byKey = new Map<string, { principal: Principal; secret: string }>();
  private readonly roleCredentials = new Map<string, LocalCredentials>();
  private readonly rolesById = new Map<string, RolePrincipal>();

  constructor(private readonly options: { seed?: string } = {}) {}

  /** Registers (or replaces) a role principal; returns the credentials to give its function. */
  register(principal: RolePrincipal): LocalCredentials {
    const seed = this.options.seed ?? DEFAULT_SEED;
    const previous = this.roleCredentials.get(principal.id);
    // Temporary credentials start with ASIA; the length matches AWS's (20 / 40).
    const credentials: LocalCredentials = previous ?? {
      accessKeyId: `ASIA${base32(derive(seed, 'access-key', principal.id), 16)}`,
      secretAccessKey: derive(seed, 'secret', principal.id).toString('base64').slice(0, 40),
      sessionToken: Buffer.concat([derive(seed, 'token-1', principal.id), derive(seed, 'token-2', principal.id)]).toString('base64'),
    };
    this.roleCredentials.set(principal.id, credentials);
    this.rolesById.set(principal.id, principal);
    this.byKey.set(credentials.accessKeyId, { principal, secret: credentials.secretAccessKey });
    return credentials;
  }

  /** Registers a key pair that is never evaluated nor logged (the runtime's setup, test assertions). */
  registerAdmin(credentials: { accessKeyId: string; secretAccessKey: string }): void {
    this.byKey.set(credentials.accessKeyId, { principal: { kind: 'admin' }, secret: credentials.secretAccessKey });
  }

  byAccessKey(accessKeyId: string): Principal | undefined {
    return this.byKey.get(accessKeyId)?.principal;
  }

  credentialsOf(id: string): LocalCredentials | undefined {
    return this.roleCredentials.get(id);
  }

  /** Secret for SigV4 verification (s3rver verifies signatures; every key pair is registered with it). */
  secretOf(accessKeyId: string): string | undefined {
    return this.byKey.get(accessKeyId)?.secret;
  }

  roles(): RolePrincipal[] {
    return [...this.rolesById.values()];
  }

  /** Every key pair, admin ones included. */
  keyPairs(): { accessKeyId: string; secretAccessKey: string }[] {
    return [...this.byKey].map(([accessKeyId, { secret }]) => ({ accessKeyId, secretAccessKey: secret }));
  }
}

/**
 * IAM's unique id of a role (`AROA…`), stable for a role ARN: assumed-role sessions carry it in
 * `aws:userid` as `ROLEID:SESSION`.
 */
export function roleUniqueId(roleArn: string): string {
  return `AROA${base32(derive(DEFAULT_SEED, 'role-id', roleArn), 17)}`;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The access key id of a SigV4 request: Authorization header, or X-Amz-Credential of a
 * presigned URL; undefined when unsigned. (SigV2, which s3rver still accepts, is read too.)
 */
export function accessKeyOf(headers: Record<string, string | string[] | undefined>, query: URLSearchParams): string | undefined {
  const authorization = first(headers.authorization ?? headers.Authorization);
  if (authorization) {
    const v4 = /Credential=([^/,\s]+)\//.exec(authorization);
    if (v4) return v4[1];
    const v2 = /^AWS ([^:\s]+):/.exec(authorization);
    if (v2) return v2[1];
    return undefined;
  }
  const credential = query.get('X-Amz-Credential');
  if (credential) return credential.split('/')[0] || undefined;
  return query.get('AWSAccessKeyId') ?? undefined;
}
