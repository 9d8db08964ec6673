/**
 * What each principal asked of the local cloud, and which of its grants it never used: the
 * evidence for trimming a role's policy to what the function really does.
 */
import type { AuthorizationRequest } from './authorizer.js';
import type { PolicyDocument, Statement } from './principals.js';

export interface AccessCall {
  action: string;
  resource: string;
  allowed: boolean;
  count: number;
}

export interface AccessReport {
  functions: {
    name: string;
    calls: { action: string; resource: string; allowed: boolean; count: number }[];
    /** Denied calls, counted. */
    denied: number;
    /** "ACTION on RESOURCE" grants of its Allow statements that no allowed call matched, as written. */
    unusedGrants: string[];
  }[];
}

const patternCache = new Map<string, RegExp>();

/**
 * IAM's wildcard match: `*` any run of characters, `?` one character, the rest literal.
 * Actions compare case-insensitively, resources case-sensitively (as IAM does).
 */
export function matchesIamPattern(pattern: string, value: string, options: { ignoreCase?: boolean } = {}): boolean {
  const cacheKey = `${options.ignoreCase ? 'i' : 's'}${pattern}`;
  let regex = patternCache.get(cacheKey);
  if (!regex) {
    const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    regex = new RegExp(`^${source}$`, options.ignoreCase ? 'is' : 's');
    if (patternCache.size > 5000) patternCache.clear();
    patternCache.set(cacheKey, regex);
  }
  return regex.test(value);
}

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

export function statementsOf(document: PolicyDocument): Statement[] {
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}

/** The grants of a policy: each Allow statement's action × resource, as written. */
function grantsOf(documents: PolicyDocument[]): { action: string; resource: string }[] {
  const grants: { action: string; resource: string }[] = [];
  for (const document of documents) {
    for (const statement of statementsOf(document)) {
      // NotAction / NotResource grants cannot be listed as "ACTION on RESOURCE"; CDK never writes them.
      if (statement.Effect !== 'Allow' || statement.NotAction || statement.NotResource) continue;
      for (const action of list(statement.Action)) {
        for (const resource of list(statement.Resource)) grants.push({ action, resource });
      }
    }
  }
  return grants;
}

/** Calls per principal and per (action, resource, allowed). */
export class AccessLog {
  private readonly entries = new Map<string, Map<string, AccessCall>>();

  record(principalId: string, request: AuthorizationRequest, allowed: boolean): void {
    let calls = this.entries.get(principalId);
    if (!calls) this.entries.set(principalId, (calls = new Map()));
    const key = `${request.action}\u0000${request.resource}\u0000${allowed}`;
    const call = calls.get(key);
    if (call) call.count++;
    else calls.set(key, { action: request.action, resource: request.resource, allowed, count: 1 });
  }

  /** Calls by principal id, deduplicated by (action, resource, allowed). */
  calls(principalId?: string): Map<string, AccessCall[]> {
    const out = new Map<string, AccessCall[]>();
    for (const [id, calls] of this.entries) {
      if (principalId !== undefined && id !== principalId) continue;
      out.set(id, [...calls.values()].map((call) => ({ ...call })));
    }
    return out;
  }

  /** Forgets every call (a new run, a new report). */
  clear(): void {
    this.entries.clear();
  }

  /**
   * The report the CLI writes (--access-report): for each principal, its calls and the grants of
   * its policies no allowed call used: "ACTION on RESOURCE" strings, wildcards kept as written.
   * A grant (an Allow statement's action × resource) is used when an allowed call's action and
   * resource match it (IAM wildcard * and ?, actions case-insensitive). Principals given with no
   * calls are listed too (so an unused function shows all its grants), and so are principals
   * that made calls but were not given (with no grants to judge).
   */
  report(principals: { id: string; policies: { document: PolicyDocument }[] }[]): AccessReport {
    const byId = new Map(principals.map((p) => [p.id, p]));
    const ids = [...new Set([...byId.keys(), ...this.entries.keys()])].sort();
    return {
      functions: ids.map((id) => {
        const calls = [...(this.entries.get(id)?.values() ?? [])]
          .map((call) => ({ ...call }))
          .sort((a, b) => a.action.localeCompare(b.action) || a.resource.localeCompare(b.resource) || Number(a.allowed) - Number(b.allowed));
        const allowed = calls.filter((call) => call.allowed);
        const grants = grantsOf(byId.get(id)?.policies.map((p) => p.document) ?? []);
        const unused = grants.filter(
          (grant) =>
            !allowed.some(
              (call) => matchesIamPattern(grant.action, call.action, { ignoreCase: true }) && matchesIamPattern(grant.resource, call.resource),
            ),
        );
        return {
          name: id,
          calls,
          denied: calls.filter((call) => !call.allowed).reduce((sum, call) => sum + call.count, 0),
          unusedGrants: [...new Set(unused.map((grant) => `${grant.action} on ${grant.resource}`))],
        };
      }),
    };
  }
}
