/**
 * The CloudFormation intrinsic resolver (lib/local/contract/resolve.ts) on a small template:
 * each intrinsic, the pseudo parameters, conditions, and the error an unresolvable reference gives.
 */
import { describe, expect, it } from 'vitest';
import { resolveString, resolveValue, UnresolvableIntrinsic, type ResolveContext } from '../../lib/local/contract/resolve.js';
import type { CfnTemplate, Json } from '../../lib/local/contract/types.js';

const TEMPLATE: CfnTemplate = {
  Parameters: {
    Stage: { Type: 'String', Default: 'dev' },
    BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' },
  },
  Conditions: {
    IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] },
    IsDev: { 'Fn::Not': [{ Condition: 'IsProd' }] },
    DevInUsEast1: { 'Fn::And': [{ Condition: 'IsDev' }, { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] }] },
    EitherWay: { 'Fn::Or': [{ Condition: 'IsProd' }, { Condition: 'IsDev' }] },
  },
  Mappings: { Sizes: { dev: { Memory: 256 } } },
  Resources: {
    Bucket: { Type: 'AWS::S3::Bucket' },
    Table: { Type: 'AWS::DynamoDB::Table' },
    Topic: { Type: 'AWS::SNS::Topic' },
  },
};

const PHYSICAL: Record<string, string> = {
  Bucket: 'my-bucket',
  'Bucket.Arn': 'arn:aws:s3:::my-bucket',
  Table: 'my-table',
  'Table.Arn': 'arn:aws:dynamodb:us-east-1:000000000000:table/my-table',
};

function context(overrides: Partial<ResolveContext> = {}): ResolveContext {
  return {
    template: TEMPLATE,
    pseudo: {
      accountId: '000000000000',
      region: 'us-east-1',
      partition: 'aws',
      urlSuffix: 'amazonaws.com',
      stackName: 'AiShorts',
      stackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/AiShorts/1c2fa620-982a-11e3-aff7-50e2416294e0',
    },
    physical: (logicalId, attribute) => {
      const value = PHYSICAL[attribute ? `${logicalId}.${attribute}` : logicalId];
      if (value === undefined) throw new Error(`no local value for ${attribute ?? 'Ref'}`);
      return value;
    },
    ...overrides,
  };
}

const resolve = (value: Json) => resolveValue(value, context());

describe('resolveValue', () => {
  it('resolves Ref to a resource, a parameter (its Default) and each pseudo parameter', () => {
    // Prepare
    const value: Json = {
      bucket: { Ref: 'Bucket' },
      stage: { Ref: 'Stage' },
      account: { Ref: 'AWS::AccountId' },
      region: { Ref: 'AWS::Region' },
      partition: { Ref: 'AWS::Partition' },
      suffix: { Ref: 'AWS::URLSuffix' },
      stack: { Ref: 'AWS::StackName' },
      stackId: { Ref: 'AWS::StackId' },
    };

    // Act
    const resolved = resolve(value);

    // Assess
    expect(resolved).toEqual({
      bucket: 'my-bucket',
      stage: 'dev',
      account: '000000000000',
      region: 'us-east-1',
      partition: 'aws',
      suffix: 'amazonaws.com',
      stack: 'AiShorts',
      stackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/AiShorts/1c2fa620-982a-11e3-aff7-50e2416294e0',
    });
  });

  it('takes a given parameter value over the Default', () => {
    expect(resolveValue({ Ref: 'Stage' }, context({ parameters: { Stage: 'prod' } }))).toBe('prod');
  });

  it('resolves Fn::GetAtt in both its list and its dotted form', () => {
    expect(resolve({ 'Fn::GetAtt': ['Table', 'Arn'] })).toBe('arn:aws:dynamodb:us-east-1:000000000000:table/my-table');
    expect(resolve({ 'Fn::GetAtt': 'Bucket.Arn' })).toBe('arn:aws:s3:::my-bucket');
  });

  it('joins parts that are themselves intrinsics (Fn::Join)', () => {
    expect(resolve({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/assets/*']] })).toBe('arn:aws:s3:::my-bucket/assets/*');
    expect(resolve({ 'Fn::Join': [':', ['arn', { Ref: 'AWS::Partition' }, 'sqs']] })).toBe('arn:aws:sqs');
  });

  it('substitutes Refs, GetAtts, pseudo parameters and literals in Fn::Sub (string form)', () => {
    // Prepare
    const sub: Json = { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}/${Stage}/* or ${Table.Arn}, literally ${!Bucket}' };

    // Act
    const resolved = resolve(sub);

    // Assess
    expect(resolved).toBe('arn:aws:s3:::my-bucket/dev/* or arn:aws:dynamodb:us-east-1:000000000000:table/my-table, literally ${Bucket}');
  });

  it('uses the variable map of Fn::Sub before the template (list form)', () => {
    const sub: Json = { 'Fn::Sub': ['${Bucket}/${Prefix}${AWS::Region}', { Bucket: 'override', Prefix: { 'Fn::Join': ['-', ['a', { Ref: 'Stage' }]] } }] };
    expect(resolve(sub)).toBe('override/a-devus-east-1');
  });

  it('selects from a split string (Fn::Select, Fn::Split): the tail of the stack id', () => {
    // Prepare: what lib/cloud/render.ts names Remotion's bucket with.
    const tail: Json = { 'Fn::Select': [4, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] }] };

    // Act
    const resolved = resolve({ 'Fn::Join': ['', ['remotionlambda-useast1-', tail]] });

    // Assess
    expect(resolved).toBe('remotionlambda-useast1-50e2416294e0');
    expect(resolve({ 'Fn::Select': ['1', ['a', 'b']] })).toBe('b');
  });

  it('evaluates Fn::If over the Conditions (Equals, Not, And, Or, Condition) and drops AWS::NoValue', () => {
    // Prepare
    const value: Json = {
      memory: { 'Fn::If': ['IsProd', 1024, { 'Fn::FindInMap': ['Sizes', { Ref: 'Stage' }, 'Memory'] }] },
      both: { 'Fn::If': ['DevInUsEast1', 'yes', 'no'] },
      any: { 'Fn::If': ['EitherWay', 'yes', 'no'] },
      gone: { 'Fn::If': ['IsProd', 'kept', { Ref: 'AWS::NoValue' }] },
      list: ['a', { 'Fn::If': ['IsProd', 'b', { Ref: 'AWS::NoValue' }] }, 'c'],
    };

    // Act
    const resolved = resolve(value);

    // Assess
    expect(resolved).toEqual({ memory: 256, both: 'yes', any: 'yes', list: ['a', 'c'] });
    expect(resolveValue({ 'Fn::If': ['IsProd', 'x', 'y'] }, context({ parameters: { Stage: 'prod' } }))).toBe('x');
  });

  it('leaves plain values and nested objects alone, resolving only the intrinsics inside', () => {
    const statement: Json = { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/*']] }], Condition: { Bool: { 'aws:SecureTransport': 'true' } } };
    expect(resolve(statement)).toEqual({ ...statement, Resource: ['arn:aws:s3:::my-bucket/*'] });
  });

  it('fails naming the resource and attribute it cannot resolve, and where it was used', () => {
    // Prepare
    const at = 'MyFunction.Environment.Variables.TOPIC';

    // Act
    const attempt = () => resolveString({ 'Fn::GetAtt': ['Topic', 'TopicName'] }, context(), at);

    // Assess
    expect(attempt).toThrow(UnresolvableIntrinsic);
    expect(attempt).toThrow(/MyFunction\.Environment\.Variables\.TOPIC: Fn::GetAtt Topic\.TopicName \(AWS::SNS::Topic\): no local value for TopicName/);
  });

  it('fails for a reference to nothing, an SSM parameter, an unknown pseudo parameter and an import', () => {
    expect(() => resolve({ Ref: 'Nowhere' })).toThrow(/Nowhere: no resource or parameter Nowhere/);
    expect(() => resolve({ 'Fn::Sub': '${Nowhere.Arn}' })).toThrow(/Nowhere\.Arn: no resource or parameter Nowhere/);
    expect(() => resolve({ Ref: 'BootstrapVersion' })).toThrow(/SSM-backed parameter/);
    expect(() => resolve({ Ref: 'AWS::Unknown' })).toThrow(/AWS::Unknown: not a pseudo parameter/);
    expect(() => resolve({ 'Fn::ImportValue': 'SharedVpc' })).toThrow(/Fn::ImportValue .*no local value/);
    expect(() => resolve({ 'Fn::If': ['Missing', 'a', 'b'] })).toThrow(/no condition Missing/);
  });
});
