/** Small readers over a synthesized template, so the stack tests say what they check, not how to dig. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export interface CfnResource {
  Type: string;
  Properties?: Record<string, Json>;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
}

export function logicalId(construct: IConstruct): string {
  const cfn = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(cfn).getLogicalId(cfn);
}

export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/**
 * Renders CloudFormation intrinsics readably: `{Fn::GetAtt: [X, Arn]}` → `<X.Arn>`, `{Ref: X}` → `<X>`,
 * `Fn::Join` → the joined string, so policies and substitutions can be compared as text.
 */
export function render(value: Json, names: (logicalId: string, attribute?: string) => string = (id, attr) => `<${id}${attr ? `.${attr}` : ''}>`): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    if ('Fn::GetAtt' in value) {
      const [id, attribute] = value['Fn::GetAtt'] as [string, string];
      return names(id, attribute);
    }
    if ('Ref' in value) return names(value.Ref as string);
    if ('Fn::Join' in value) {
      const [separator, parts] = value['Fn::Join'] as [string, Json[]];
      return parts.map((part) => render(part, names)).join(separator);
    }
    if ('Fn::Sub' in value && typeof value['Fn::Sub'] === 'string') return value['Fn::Sub'];
  }
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: Json;
  Condition?: Json;
}

export function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Every inline policy statement attached to each role, by the role's logical id. */
export function statementsByRole(template: CfnTemplate): Map<string, Statement[]> {
  const byRole = new Map<string, Statement[]>();
  const add = (role: string, statements: Statement[]) => byRole.set(role, [...(byRole.get(role) ?? []), ...statements]);
  for (const [id, role] of resourcesOfType(template, 'AWS::IAM::Role')) {
    add(id, []);
    for (const policy of asList(role.Properties?.Policies as { PolicyDocument: { Statement: Statement[] } }[] | undefined)) {
      add(id, policy.PolicyDocument.Statement);
    }
  }
  for (const [, policy] of resourcesOfType(template, 'AWS::IAM::Policy')) {
    const statements = (policy.Properties!.PolicyDocument as unknown as { Statement: Statement[] }).Statement;
    for (const role of asList(policy.Properties!.Roles as Json[])) add(render(role).replace(/^<|>$/g, ''), statements);
  }
  return byRole;
}

/** `action resource` pairs of a role's statements, resources rendered. */
export function grants(statements: Statement[], names?: (logicalId: string, attribute?: string) => string): string[] {
  return statements
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => asList(s.Action).flatMap((action) => asList(s.Resource as Json | Json[]).map((resource) => `${action} ${render(resource, names)}${onlyAttributes(s)}`)))
    .sort();
}

/** A statement limited to some DynamoDB attributes (`ForAllValues:StringEquals` on `dynamodb:Attributes`), as ` only a,b`. */
function onlyAttributes(statement: Statement): string {
  const attributes = (statement.Condition as { 'ForAllValues:StringEquals'?: { 'dynamodb:Attributes'?: string[] } } | undefined)?.['ForAllValues:StringEquals']?.['dynamodb:Attributes'];
  return attributes ? ` only ${attributes.join(',')}` : '';
}

/** The path of a file asset staged in the cloud assembly, by its hash (from the stack's asset manifest). */
export function stagedAssetPath(outdir: string, stackName: string, hash: string): string {
  const manifest = JSON.parse(readFileSync(join(outdir, `${stackName}.assets.json`), 'utf8')) as {
    files: Record<string, { source: { path: string } }>;
  };
  const file = manifest.files[hash];
  if (!file) throw new Error(`asset ${hash} is not in ${stackName}.assets.json`);
  return join(outdir, file.source.path);
}
