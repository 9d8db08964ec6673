/**
 * IAM's decision for a request to a local endpoint: the caller's identity policies and the
 * resource's policy evaluated with @cloud-copilot/iam-simulate, with AWS's wording when denied.
 */
import { anonymousPrincipal, getDenialReasons, runSimulation, type RunSimulationResults } from '@cloud-copilot/iam-simulate';
import type { AccessLog } from './access-log.js';
import { statementsOf } from './access-log.js';
import { roleUniqueId, type PolicyDocument, type Principal } from './principals.js';

/** One IAM authorization an API call needs: an action on a resource, in a condition context. */
export interface AuthorizationRequest {
  action: string;
  /**
   * The resource ARN, or `*` for actions that name no resource. A `*` inside an ARN stands for
   * every resource it could name (a name prefix): the caller must be allowed on all of them.
   */
  resource: string;
  context?: Record<string, string | string[]>;
  /** What the denial message names instead of `resource` (Secrets Manager names the SecretId as sent). */
  messageResource?: string;
}

export interface Decision {
  allowed: boolean;
  denied?: { request: AuthorizationRequest; explicit: boolean; message: string };
}

/**
 * The simulator rejected a request we built (an unknown action, a resource of the wrong type
 * for it, a policy it cannot parse): a bug in a request mapping or in a policy, never a denial.
 */
export class AuthorizationMappingError extends Error {
  constructor(
    message: string,
    readonly request: AuthorizationRequest,
  ) {
    super(message);
    this.name = 'AuthorizationMappingError';
  }
}

export interface AuthorizerOptions {
  accountId: string;
  region: string;
  /** Default `aws`. */
  partition?: string;
  /** The resource-based policy that governs a resource ARN (a bucket policy for its objects too), if any. */
  resourcePolicy: (resourceArn: string) => PolicyDocument | undefined;
  log?: AccessLog;
  /** Decisions kept; the oldest goes first. Default 10,000. */
  cacheSize?: number;
}

type PolicyKind = 'identity' | 'resource';
interface Outcome {
  allowed: boolean;
  explicit: boolean;
  /** Which kind of policy denied explicitly (for the message). */
  deniedBy?: PolicyKind;
}

/**
 * Stands for the `*` of a resource pattern while simulating. The simulator treats a `*` in a
 * request's resource as "does ANY resource of this pattern match a grant"; IAM's question for a
 * prefix is whether EVERY one does. A character no policy names literally is matched only by a
 * policy's own wildcards, which gives that answer.
 */
const EVERY = '\uFFFF';

/** Condition keys (lower case) that some statement of these documents tests. */
const conditionKeysCache = new WeakMap<object, Set<string>>();
function conditionKeys(documents: readonly PolicyDocument[]): Set<string> {
  const keys = new Set<string>();
  for (const document of documents) {
    let own = conditionKeysCache.get(document);
    if (!own) {
      own = new Set();
      for (const statement of statementsOf(document)) {
        for (const block of Object.values(statement.Condition ?? {})) {
          for (const key of Object.keys(block)) own.add(key.toLowerCase());
        }
      }
      conditionKeysCache.set(document, own);
    }
    for (const key of own) keys.add(key);
  }
  return keys;
}

/** A small number per object, so a cache key changes when a policy document is replaced. */
const identities = new WeakMap<object, number>();
let nextIdentity = 1;
function identityOf(value: object | undefined): number {
  if (!value) return 0;
  let id = identities.get(value);
  if (id === undefined) identities.set(value, (id = nextIdentity++));
  return id;
}

function explicitDenier(result: RunSimulationResults): PolicyKind | undefined {
  const analyses =
    result.resultType === 'single' ? [result.result.analysis] : result.resultType === 'wildcard' ? result.results.map((r) => r.analysis) : [];
  for (const analysis of analyses) {
    for (const reason of getDenialReasons(analysis)) {
      if (reason.denialType === 'Explicit') return reason.policyType === 'resource' ? 'resource' : 'identity';
    }
  }
  return undefined;
}

/**
 * AWS's wording of a denial. S3 quotes the resource; SQS names the action in lower case
 * (`sqs:sendmessage`); an action on `*` names no resource.
 */
export function denialMessage(principal: Principal, request: AuthorizationRequest, outcome: { explicit: boolean; deniedBy?: PolicyKind }): string {
  const who = principal.kind === 'role' ? principal.sessionArn : 'anonymous';
  const service = request.action.split(':')[0]?.toLowerCase();
  const action = service === 'sqs' ? request.action.toLowerCase() : request.action;
  const resource = request.messageResource ?? request.resource;
  const on = resource === '*' ? '' : ` on resource: ${service === 's3' ? `"${resource}"` : resource}`;
  const reason = outcome.explicit
    ? `with an explicit deny in ${outcome.deniedBy === 'resource' ? 'a resource-based' : 'an identity-based'} policy`
    : `because no ${principal.kind === 'anonymous' ? 'resource-based' : 'identity-based'} policy allows the ${action} action`;
  return `User: ${who} is not authorized to perform: ${action}${on} ${reason}`;
}

/**
 * Evaluates authorization requests for principals. Decisions are cached by principal, action,
 * resource and the context keys the policies involved test (a decision costs ~1.5 ms).
 */
export class Authorizer {
  private readonly cache = new Map<string, Outcome>();
  private readonly cacheSize: number;

  constructor(private readonly options: AuthorizerOptions) {
    this.cacheSize = options.cacheSize ?? 10_000;
  }

  /** Evaluates every request in order (all must be allowed); records each in the log; admin is always allowed and never logged. */
  async authorize(principal: Principal, requests: readonly AuthorizationRequest[]): Promise<Decision> {
    if (principal.kind === 'admin') return { allowed: true };
    const principalId = principal.kind === 'role' ? principal.id : 'anonymous';
    for (const request of requests) {
      const outcome = await this.evaluate(principal, request);
      this.options.log?.record(principalId, request, outcome.allowed);
      // Like AWS, the first denial ends the evaluation: later requests are not made.
      if (!outcome.allowed) {
        return { allowed: false, denied: { request, explicit: outcome.explicit, message: denialMessage(principal, request, outcome) } };
      }
    }
    return { allowed: true };
  }

  /** Forgets cached decisions (after a policy changed in place). */
  clearCache(): void {
    this.cache.clear();
  }

  /** The context every request of this principal carries: only what is true of an assumed-role session over TLS. */
  private baseContext(principal: Exclude<Principal, { kind: 'admin' }>): Record<string, string> {
    // The local endpoints stand in for AWS's HTTPS endpoints: without this, the stack's
    // enforceSSL bucket and queue policies would deny every local call.
    const base: Record<string, string> = { 'aws:SecureTransport': 'true', 'aws:RequestedRegion': this.options.region };
    if (principal.kind === 'anonymous') return base;
    const session = principal.sessionArn.split('/').pop() ?? principal.id;
    return {
      ...base,
      'aws:PrincipalArn': principal.roleArn,
      'aws:PrincipalAccount': this.options.accountId,
      'aws:PrincipalType': 'AssumedRole',
      'aws:userid': `${roleUniqueId(principal.roleArn)}:${session}`,
    };
  }

  private async evaluate(principal: Exclude<Principal, { kind: 'admin' }>, request: AuthorizationRequest): Promise<Outcome> {
    const resourcePolicy = this.options.resourcePolicy(request.resource);
    const identityDocuments = principal.kind === 'role' ? principal.policies.map((p) => p.document) : [];
    const context = { ...this.baseContext(principal), ...request.context };

    const tested = conditionKeys(resourcePolicy ? [...identityDocuments, resourcePolicy] : identityDocuments);
    const relevant = Object.keys(context)
      .filter((key) => tested.has(key.toLowerCase()))
      .sort()
      .map((key) => `${key}=${JSON.stringify(context[key])}`);
    const cacheKey = [
      principal.kind === 'role' ? principal.id : '',
      identityOf(principal.kind === 'role' ? principal.policies : undefined),
      identityOf(resourcePolicy),
      request.action,
      request.resource,
      ...relevant,
    ].join('\u0000');
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;

    const outcome = await this.simulate(principal, request, context, resourcePolicy);
    if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(cacheKey, outcome);
    return outcome;
  }

  private async simulate(
    principal: Exclude<Principal, { kind: 'admin' }>,
    request: AuthorizationRequest,
    context: Record<string, string | string[]>,
    resourcePolicy: PolicyDocument | undefined,
  ): Promise<Outcome> {
    const resource = request.resource === '*' ? '*' : request.resource.replaceAll('*', EVERY);
    const result = await runSimulation(
      {
        request: {
          principal: principal.kind === 'role' ? principal.sessionArn : anonymousPrincipal,
          action: request.action,
          resource: { resource, accountId: this.options.accountId },
          contextVariables: context,
        },
        identityPolicies: principal.kind === 'role' ? principal.policies.map((p) => ({ name: p.name, policy: p.document })) : [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(resourcePolicy ? { resourcePolicy } : {}),
      },
      {},
    );
    if (result.resultType === 'error') {
      // A resource the action cannot take (no resource type matches it) comes from the
      // caller's input as often as from our mapping — a malformed ARN, an empty name — and AWS
      // never grants such a request either; deny it (the message names the odd resource).
      // Everything else (an unknown action, `*` where the action needs a resource, a policy
      // the simulator cannot parse) is our bug and must not pass for a decision.
      if (result.errors.message === 'no.resource.types') return { allowed: false, explicit: false };
      throw new AuthorizationMappingError(
        `iam-simulate rejected ${request.action} on ${request.resource}: ${result.errors.message} ${JSON.stringify(result.errors)}`,
        request,
      );
    }
    if (result.overallResult === 'Allowed') return { allowed: true, explicit: false };
    if (result.overallResult === 'ExplicitlyDenied') return { allowed: false, explicit: true, deniedBy: explicitDenier(result) ?? 'identity' };
    return { allowed: false, explicit: false };
  }
}

/**
 * A `resourcePolicy` lookup over the contract's resource policies: bucket policies by bucket
 * name (they govern the bucket and its objects) and queue policies by queue ARN.
 */
export function resourcePolicyLookup(policies: {
  buckets?: Record<string, PolicyDocument>;
  queues?: Record<string, PolicyDocument>;
}): (resourceArn: string) => PolicyDocument | undefined {
  return (resourceArn) => {
    const s3 = /^arn:[^:]+:s3:::([^/]+)/.exec(resourceArn);
    if (s3) return policies.buckets?.[s3[1]!];
    return policies.queues?.[resourceArn];
  };
}
