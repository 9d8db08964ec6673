/**
 * CloudFormation intrinsic functions, evaluated the way CloudFormation does at deploy time, with
 * each resource's physical values supplied by the caller (the local names). What cannot be
 * resolved is an error naming the resource, attribute and where it was used: a silent
 * placeholder would turn into a policy that matches nothing, or an env var that points nowhere.
 */
import type { CfnTemplate, Json } from './types.js';

/** The pseudo parameters (`{ Ref: 'AWS::Region' }` …). */
export interface PseudoParameters {
  accountId: string;
  region: string;
  partition: string;
  /** `amazonaws.com` in the aws partition. */
  urlSuffix: string;
  stackName: string;
  /** `arn:aws:cloudformation:{region}:{account}:stack/{name}/{uuid}` */
  stackId: string;
}

export interface ResolveContext {
  template: CfnTemplate;
  pseudo: PseudoParameters;
  /**
   * A resource's local value: `Ref` (no attribute) or `Fn::GetAtt` (attribute). Throws
   * {@link UnresolvableIntrinsic} (or any Error) when it has none.
   */
  physical(logicalId: string, attribute?: string): string;
  /** Template parameter values; a parameter not given resolves to its Default. */
  parameters?: Record<string, string>;
}

/** An intrinsic the resolver cannot turn into a local value; names what and where. */
export class UnresolvableIntrinsic extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnresolvableIntrinsic';
  }
}

/** `AWS::NoValue`: removes the property (or list element) it stands for. */
const NO_VALUE: unique symbol = Symbol('AWS::NoValue');
type Resolved = Json | typeof NO_VALUE;

const INTRINSICS = new Set([
  'Ref',
  'Fn::GetAtt',
  'Fn::Join',
  'Fn::Sub',
  'Fn::Select',
  'Fn::Split',
  'Fn::If',
  'Fn::Equals',
  'Fn::And',
  'Fn::Or',
  'Fn::Not',
  'Condition',
  'Fn::FindInMap',
  'Fn::Base64',
]);

/** Intrinsics that exist but have no local meaning here (imports from other stacks, AZ lists, CIDR maths…). */
const UNSUPPORTED = ['Fn::ImportValue', 'Fn::GetAZs', 'Fn::Cidr', 'Fn::Transform', 'Fn::Length', 'Fn::ToJsonString', 'Fn::ForEach'];

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** The one intrinsic an object is, if it is one (a single key naming a function). */
function intrinsicName(value: Record<string, Json>): string | undefined {
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const [key] = keys as [string];
  if (INTRINSICS.has(key) || UNSUPPORTED.includes(key)) return key;
  return undefined;
}

class Resolver {
  private readonly conditions = new Map<string, boolean>();

  constructor(private readonly ctx: ResolveContext) {}

  value(value: Json, at: string): Resolved {
    if (Array.isArray(value)) {
      const out: Json[] = [];
      value.forEach((item, i) => {
        const resolved = this.value(item, `${at}[${i}]`);
        if (resolved !== NO_VALUE) out.push(resolved);
      });
      return out;
    }
    if (!isObject(value)) return value;
    const name = intrinsicName(value);
    if (name) return this.intrinsic(name, value[name]!, at);
    const out: Record<string, Json> = {};
    for (const [key, item] of Object.entries(value)) {
      const resolved = this.value(item, at ? `${at}.${key}` : key);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  }

  string(value: Json, at: string): string {
    const resolved = this.value(value, at);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    throw new UnresolvableIntrinsic(`${at}: expected a string, got ${describe(resolved === NO_VALUE ? 'AWS::NoValue' : resolved)}.`);
  }

  private list(value: Json, at: string): Json[] {
    const resolved = this.value(value, at);
    if (!Array.isArray(resolved)) throw new UnresolvableIntrinsic(`${at}: expected a list, got ${describe(resolved)}.`);
    return resolved;
  }

  private intrinsic(name: string, args: Json, at: string): Resolved {
    const where = `${at ? `${at}: ` : ''}${name}`;
    switch (name) {
      case 'Ref': {
        if (typeof args !== 'string') throw new UnresolvableIntrinsic(`${where} of ${describe(args)}: Ref takes a logical id or parameter name.`);
        return this.ref(args, where);
      }
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = typeof args === 'string' ? splitDotted(args) : Array.isArray(args) ? [args[0], args[1]] : [];
        if (typeof logicalId !== 'string') throw new UnresolvableIntrinsic(`${where} ${describe(args)}: expected [logicalId, attribute].`);
        const attr = typeof attribute === 'string' ? attribute : attribute === undefined ? undefined : this.string(attribute, `${at}.Fn::GetAtt[1]`);
        if (!attr) throw new UnresolvableIntrinsic(`${where} ${describe(args)}: no attribute.`);
        return this.physical(logicalId, attr, where);
      }
      case 'Fn::Join': {
        if (!Array.isArray(args) || args.length !== 2 || typeof args[0] !== 'string') {
          throw new UnresolvableIntrinsic(`${where} ${describe(args)}: expected [delimiter, [values]].`);
        }
        return this.list(args[1]!, `${at}.Fn::Join[1]`)
          .map((part, i) => this.string(part, `${at}.Fn::Join[1][${i}]`))
          .join(args[0]);
      }
      case 'Fn::Sub':
        return this.sub(args, at, where);
      case 'Fn::Select': {
        if (!Array.isArray(args) || args.length !== 2) throw new UnresolvableIntrinsic(`${where} ${describe(args)}: expected [index, list].`);
        const index = Number(this.value(args[0]!, `${at}.Fn::Select[0]`));
        const list = this.list(args[1]!, `${at}.Fn::Select[1]`);
        if (!Number.isInteger(index) || index < 0 || index >= list.length) {
          throw new UnresolvableIntrinsic(`${where}: index ${describe(args[0])} is outside the list ${describe(list)}.`);
        }
        return list[index]!;
      }
      case 'Fn::Split': {
        if (!Array.isArray(args) || args.length !== 2 || typeof args[0] !== 'string') {
          throw new UnresolvableIntrinsic(`${where} ${describe(args)}: expected [delimiter, string].`);
        }
        return this.string(args[1]!, `${at}.Fn::Split[1]`).split(args[0]);
      }
      case 'Fn::If': {
        if (!Array.isArray(args) || args.length !== 3 || typeof args[0] !== 'string') {
          throw new UnresolvableIntrinsic(`${where} ${describe(args)}: expected [condition, ifTrue, ifFalse].`);
        }
        return this.condition(args[0], where) ? this.value(args[1]!, `${at}.Fn::If[1]`) : this.value(args[2]!, `${at}.Fn::If[2]`);
      }
      case 'Fn::Equals':
      case 'Fn::And':
      case 'Fn::Or':
      case 'Fn::Not':
      case 'Condition':
        return this.booleanOf({ [name]: args }, at);
      case 'Fn::FindInMap': {
        if (!Array.isArray(args) || args.length < 3) throw new UnresolvableIntrinsic(`${where} ${describe(args)}: expected [map, key, key].`);
        const [map, top, second] = [0, 1, 2].map((i) => this.string(args[i]!, `${at}.Fn::FindInMap[${i}]`)) as [string, string, string];
        const found = this.ctx.template.Mappings?.[map]?.[top]?.[second];
        if (found === undefined) throw new UnresolvableIntrinsic(`${where}: the template's Mappings have no ${map}.${top}.${second}.`);
        return found;
      }
      case 'Fn::Base64':
        return Buffer.from(this.string(args, `${at}.Fn::Base64`), 'utf8').toString('base64');
      default:
        throw new UnresolvableIntrinsic(`${where} ${describe(args)}: ${name} has no local value (not supported by the local contract).`);
    }
  }

  private ref(name: string, where: string): Resolved {
    const { pseudo } = this.ctx;
    switch (name) {
      case 'AWS::AccountId':
        return pseudo.accountId;
      case 'AWS::Region':
        return pseudo.region;
      case 'AWS::Partition':
        return pseudo.partition;
      case 'AWS::URLSuffix':
        return pseudo.urlSuffix;
      case 'AWS::StackName':
        return pseudo.stackName;
      case 'AWS::StackId':
        return pseudo.stackId;
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::NotificationARNs':
        return [];
    }
    if (name.startsWith('AWS::')) throw new UnresolvableIntrinsic(`${where} ${name}: not a pseudo parameter the local contract knows.`);
    const parameter = this.ctx.template.Parameters?.[name];
    if (parameter) {
      const given = this.ctx.parameters?.[name];
      if (given !== undefined) return given;
      if (parameter.Type.startsWith('AWS::SSM::Parameter::')) {
        throw new UnresolvableIntrinsic(`${where} ${name}: an SSM-backed parameter (${parameter.Type}) has no local value; pass it in ctx.parameters.`);
      }
      if (parameter.Default === undefined) throw new UnresolvableIntrinsic(`${where} ${name}: the parameter has no Default and no value was given.`);
      return parameter.Default;
    }
    return this.physical(name, undefined, where);
  }

  private physical(logicalId: string, attribute: string | undefined, where: string): string {
    const what = attribute ? `${logicalId}.${attribute}` : logicalId;
    const resource = this.ctx.template.Resources[logicalId];
    if (!resource) throw new UnresolvableIntrinsic(`${where} ${what}: no resource or parameter ${logicalId} in the template.`);
    try {
      return this.ctx.physical(logicalId, attribute);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new UnresolvableIntrinsic(`${where} ${what} (${resource.Type}): ${reason}`);
    }
  }

  private sub(args: Json, at: string, where: string): string {
    const [text, given]: [Json | undefined, Json | undefined] =
      typeof args === 'string' ? [args, {}] : Array.isArray(args) && typeof args[0] === 'string' ? [args[0], args[1] ?? {}] : [undefined, undefined];
    if (typeof text !== 'string' || !isObject(given)) throw new UnresolvableIntrinsic(`${where} ${describe(args)}: expected a string or [string, {variables}].`);
    const vars: Record<string, Json> = given;
    return text.replace(/\$\{([^}]*)\}/g, (match, inner: string) => {
      // `${!Literal}` is written out as `${Literal}`.
      if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
      const name = inner.trim();
      if (name in vars) return this.string(vars[name]!, `${at}.Fn::Sub[1].${name}`);
      const dot = name.indexOf('.');
      // `${Resource.Attribute}` is a GetAtt; `${AWS::Region}`, `${Param}`, `${Resource}` are Refs.
      if (dot > 0 && !name.startsWith('AWS::')) return this.physical(name.slice(0, dot), name.slice(dot + 1), `${where} \${${name}}`);
      const resolved = this.ref(name, `${where} \${${name}}`);
      if (typeof resolved !== 'string') throw new UnresolvableIntrinsic(`${where} \${${name}}: resolves to ${describe(resolved === NO_VALUE ? 'AWS::NoValue' : resolved)}, not a string.`);
      return resolved;
    });
  }

  /** A condition function's (or a named condition's) truth. */
  private booleanOf(value: Json, at: string): boolean {
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    if (!isObject(value)) throw new UnresolvableIntrinsic(`${at}: expected a condition, got ${describe(value)}.`);
    const name = intrinsicName(value);
    const args = name ? value[name]! : undefined;
    switch (name) {
      case 'Condition':
        if (typeof args !== 'string') throw new UnresolvableIntrinsic(`${at}: Condition takes a condition name.`);
        return this.condition(args, at);
      case 'Fn::Equals': {
        if (!Array.isArray(args) || args.length !== 2) throw new UnresolvableIntrinsic(`${at}: Fn::Equals takes two values.`);
        const [a, b] = args.map((v, i) => this.value(v, `${at}.Fn::Equals[${i}]`));
        return JSON.stringify(a) === JSON.stringify(b) || (isScalar(a) && isScalar(b) && String(a) === String(b));
      }
      case 'Fn::And':
      case 'Fn::Or': {
        if (!Array.isArray(args)) throw new UnresolvableIntrinsic(`${at}: ${name} takes a list of conditions.`);
        const values = args.map((v, i) => this.booleanOf(v, `${at}.${name}[${i}]`));
        return name === 'Fn::And' ? values.every(Boolean) : values.some(Boolean);
      }
      case 'Fn::Not': {
        if (!Array.isArray(args) || args.length !== 1) throw new UnresolvableIntrinsic(`${at}: Fn::Not takes one condition.`);
        return !this.booleanOf(args[0]!, `${at}.Fn::Not[0]`);
      }
      default:
        throw new UnresolvableIntrinsic(`${at}: ${describe(value)} is not a condition function.`);
    }
  }

  /** A named condition of the template's Conditions section. */
  condition(name: string, at: string): boolean {
    const cached = this.conditions.get(name);
    if (cached !== undefined) return cached;
    const definition = this.ctx.template.Conditions?.[name];
    if (definition === undefined) throw new UnresolvableIntrinsic(`${at}: the template has no condition ${name}.`);
    const value = this.booleanOf(definition, `Conditions.${name}`);
    this.conditions.set(name, value);
    return value;
  }
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function splitDotted(text: string): [string, string | undefined] {
  const dot = text.indexOf('.');
  return dot < 0 ? [text, undefined] : [text.slice(0, dot), text.slice(dot + 1)];
}

/**
 * Resolves every intrinsic in `value`. `at` names where the value sits (e.g.
 * `PipelineStartRenderFunction….Environment.Variables.JOBS_TABLE`) for error messages.
 * A value that is `{ Ref: 'AWS::NoValue' }` itself resolves to undefined.
 */
export function resolveValue(value: Json, ctx: ResolveContext, at = ''): Json | undefined {
  const resolved = new Resolver(ctx).value(value, at);
  return resolved === NO_VALUE ? undefined : resolved;
}

/** {@link resolveValue} for a value that must be a string. */
export function resolveString(value: Json, ctx: ResolveContext, at = ''): string {
  return new Resolver(ctx).string(value, at);
}

/** Whether a resource's (or output's) `Condition` holds; no condition → true. */
export function conditionHolds(name: string | undefined, ctx: ResolveContext, at = ''): boolean {
  return name === undefined ? true : new Resolver(ctx).condition(name, at || `Condition ${name}`);
}
