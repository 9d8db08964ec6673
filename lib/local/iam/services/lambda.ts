/**
 * Lambda REST calls → the IAM authorizations they need.
 * - `POST /2015-03-31/functions/{name}/invocations` → lambda:InvokeFunction
 * - `GET /2015-03-31/functions/{name}` → lambda:GetFunction (`/configuration` →
 *   lambda:GetFunctionConfiguration)
 * `{name}` is a name, a partial ARN (`ACCOUNT:function:NAME`) or a full ARN, each with an
 * optional `:qualifier` (or a `Qualifier` query parameter). IAM evaluates the qualified ARN when
 * a qualifier is given: a grant on the unqualified ARN allows only unqualified invocations.
 */
import type { AuthorizationRequest } from '../authorizer.js';
import { partitionOf, type ServiceContext } from './context.js';

export interface LambdaFunctionRef {
  name: string;
  qualifier?: string;
  region: string;
  accountId: string;
  /** The function's ARN, unqualified. */
  arn: string;
  /** The ARN IAM evaluates: qualified when a qualifier was given. */
  resource: string;
}

/** Resolves the `{name}` of a Lambda path (and an optional Qualifier query parameter). */
export function lambdaFunctionRef(nameInPath: string, qualifierParam: string | null | undefined, ctx: ServiceContext): LambdaFunctionRef {
  const partition = partitionOf(ctx);
  let region = ctx.region;
  let accountId = ctx.accountId;
  let rest = nameInPath;
  const full = /^arn:[^:]+:lambda:([^:]+):(\d{12}):function:(.+)$/.exec(rest);
  const partial = /^(\d{12}):function:(.+)$/.exec(rest);
  if (full) [, region, accountId, rest] = full as unknown as [string, string, string, string];
  else if (partial) [, accountId, rest] = partial as unknown as [string, string, string];
  const [name, inlineQualifier] = rest.split(':', 2) as [string, string | undefined];
  const qualifier = qualifierParam || inlineQualifier || undefined;
  const arn = `arn:${partition}:lambda:${region}:${accountId}:function:${name}`;
  return { name, region, accountId, arn, resource: qualifier ? `${arn}:${qualifier}` : arn, ...(qualifier ? { qualifier } : {}) };
}

/** The parts of a Lambda REST path this gate knows. */
export function parseLambdaPath(method: string, path: string): { operation: 'Invoke' | 'GetFunction' | 'GetFunctionConfiguration'; name: string } | undefined {
  const match = /^\/2015-03-31\/functions\/([^/]+)(\/invocations|\/configuration)?\/?$/.exec(path);
  if (!match) return undefined;
  const name = decodeURIComponent(match[1]!);
  if (method === 'POST' && match[2] === '/invocations') return { operation: 'Invoke', name };
  if (method === 'GET' && match[2] === '/configuration') return { operation: 'GetFunctionConfiguration', name };
  if (method === 'GET' && !match[2]) return { operation: 'GetFunction', name };
  return undefined;
}

const ACTIONS = { Invoke: 'lambda:InvokeFunction', GetFunction: 'lambda:GetFunction', GetFunctionConfiguration: 'lambda:GetFunctionConfiguration' } as const;

/** The authorizations a Lambda REST call needs; undefined for a path this gate does not know. */
export function lambdaRequests(request: { method: string; path: string; query: URLSearchParams }, ctx: ServiceContext): AuthorizationRequest[] | undefined {
  const parsed = parseLambdaPath(request.method.toUpperCase(), request.path);
  if (!parsed) return undefined;
  const ref = lambdaFunctionRef(parsed.name, request.query.get('Qualifier'), ctx);
  return [{ action: ACTIONS[parsed.operation], resource: ref.resource }];
}
