import { describe, expect, it } from 'vitest';
import { AccessLog } from '../../lib/local/iam/access-log.js';
import { AuthorizationMappingError, Authorizer, resourcePolicyLookup } from '../../lib/local/iam/authorizer.js';
import type { PolicyDocument, RolePrincipal } from '../../lib/local/iam/principals.js';
import { CONTEXT, policy, role } from './support.js';

const BUCKET = 'arn:aws:s3:::assets';
const TABLE = 'arn:aws:dynamodb:us-east-1:000000000000:table/jobs';

function authorizerFor(resourcePolicies: { buckets?: Record<string, PolicyDocument>; queues?: Record<string, PolicyDocument> } = {}) {
  const log = new AccessLog();
  return { log, authorizer: new Authorizer({ ...CONTEXT, log, resourcePolicy: resourcePolicyLookup(resourcePolicies) }) };
}

const writer: RolePrincipal = role(
  'CreateVideo',
  { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `${BUCKET}/users/*` },
  { Effect: 'Allow', Action: 's3:ListBucket', Resource: BUCKET, Condition: { StringLike: { 's3:prefix': ['users/*'] } } },
  { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: TABLE, Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['u-1'] } } },
);

describe('Authorizer', () => {
  it('allows what an identity policy grants', async () => {
    const { authorizer, log } = authorizerFor();
    const decision = await authorizer.authorize(writer, [{ action: 's3:PutObject', resource: `${BUCKET}/users/a.png` }]);
    expect(decision).toEqual({ allowed: true });
    expect(log.calls('CreateVideo').get('CreateVideo')).toEqual([{ action: 's3:PutObject', resource: `${BUCKET}/users/a.png`, allowed: true, count: 1 }]);
  });

  it('denies implicitly what nothing grants, in AWS words (S3 quotes the resource)', async () => {
    const { authorizer } = authorizerFor();
    const decision = await authorizer.authorize(writer, [{ action: 's3:PutObject', resource: `${BUCKET}/videos/a.mp4` }]);
    expect(decision.allowed).toBe(false);
    expect(decision.denied?.explicit).toBe(false);
    expect(decision.denied?.message).toBe(
      'User: arn:aws:sts::000000000000:assumed-role/CreateVideoRole/CreateVideo is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::assets/videos/a.mp4" because no identity-based policy allows the s3:PutObject action',
    );
  });

  it('denies explicitly what a resource policy denies, even when the identity policy allows', async () => {
    const bucketPolicy = policy({ Effect: 'Deny', Principal: { AWS: writer.roleArn }, Action: 's3:PutObject', Resource: `${BUCKET}/users/locked/*` });
    const { authorizer } = authorizerFor({ buckets: { assets: bucketPolicy } });
    const decision = await authorizer.authorize(writer, [{ action: 's3:PutObject', resource: `${BUCKET}/users/locked/x` }]);
    expect(decision.denied?.explicit).toBe(true);
    expect(decision.denied?.message).toMatch(/is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::assets\/users\/locked\/x" with an explicit deny in a resource-based policy$/);
  });

  it('words an explicit deny in an identity policy', async () => {
    const guarded = role('Guarded', { Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' });
    const { authorizer } = authorizerFor();
    const decision = await authorizer.authorize(guarded, [{ action: 's3:DeleteObject', resource: `${BUCKET}/a` }]);
    expect(decision.denied).toMatchObject({ explicit: true });
    expect(decision.denied?.message).toMatch(/s3:DeleteObject on resource: "arn:aws:s3:::assets\/a" with an explicit deny in an identity-based policy$/);
  });

  it('treats requests as made over TLS: an enforceSSL bucket policy does not deny them', async () => {
    const enforceSsl = policy({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:*',
      Resource: [BUCKET, `${BUCKET}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    const { authorizer } = authorizerFor({ buckets: { assets: enforceSsl } });
    expect((await authorizer.authorize(writer, [{ action: 's3:GetObject', resource: `${BUCKET}/users/a` }])).allowed).toBe(true);
  });

  it('evaluates the s3:prefix condition', async () => {
    const { authorizer } = authorizerFor();
    const list = (prefix: string) => authorizer.authorize(writer, [{ action: 's3:ListBucket', resource: BUCKET, context: { 's3:prefix': prefix } }]);
    expect((await list('users/u-1/')).allowed).toBe(true);
    expect((await list('videos/')).allowed).toBe(false);
  });

  it('evaluates the dynamodb:LeadingKeys condition, and the cache keeps contexts apart', async () => {
    const { authorizer, log } = authorizerFor();
    const put = (key: string) => authorizer.authorize(writer, [{ action: 'dynamodb:PutItem', resource: TABLE, context: { 'dynamodb:LeadingKeys': [key] } }]);
    // Act: same action and resource, different context, twice each (the second from the cache).
    const results = [await put('u-1'), await put('u-2'), await put('u-1'), await put('u-2')];
    expect(results.map((d) => d.allowed)).toEqual([true, false, true, false]);
    expect(log.calls().get('CreateVideo')).toEqual([
      { action: 'dynamodb:PutItem', resource: TABLE, allowed: true, count: 2 },
      { action: 'dynamodb:PutItem', resource: TABLE, allowed: false, count: 2 },
    ]);
  });

  it('lets the admin do anything and never logs it', async () => {
    const { authorizer, log } = authorizerFor();
    expect(await authorizer.authorize({ kind: 'admin' }, [{ action: 'dynamodb:DeleteTable', resource: TABLE }])).toEqual({ allowed: true });
    expect(log.calls().size).toBe(0);
  });

  it('evaluates anonymous callers against the resource policy alone', async () => {
    const publicRead = policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${BUCKET}/public/*` });
    const { authorizer } = authorizerFor({ buckets: { assets: publicRead } });
    expect((await authorizer.authorize({ kind: 'anonymous' }, [{ action: 's3:GetObject', resource: `${BUCKET}/public/a` }])).allowed).toBe(true);
    const denied = await authorizer.authorize({ kind: 'anonymous' }, [{ action: 's3:GetObject', resource: `${BUCKET}/private/a` }]);
    expect(denied.denied?.message).toBe(
      'User: anonymous is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::assets/private/a" because no resource-based policy allows the s3:GetObject action',
    );
  });

  it('stops at the first denial: all requests must be allowed', async () => {
    const { authorizer, log } = authorizerFor();
    const decision = await authorizer.authorize(writer, [
      { action: 's3:GetObject', resource: `${BUCKET}/users/a` },
      { action: 's3:PutObject', resource: `${BUCKET}/videos/b` },
      { action: 's3:PutObject', resource: `${BUCKET}/users/c` },
    ]);
    expect(decision.denied?.request.resource).toBe(`${BUCKET}/videos/b`);
    expect(log.calls().get('CreateVideo')?.map((c) => c.resource)).toEqual([`${BUCKET}/users/a`, `${BUCKET}/videos/b`]);
  });

  it('a resource pattern needs a grant covering all it names (DescribeAlarms by prefix)', async () => {
    const reader = role('OpsStatus', { Effect: 'Allow', Action: 'cloudwatch:DescribeAlarms', Resource: 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:ai-shorts-*' });
    const { authorizer } = authorizerFor();
    const describe = (prefix: string) => authorizer.authorize(reader, [{ action: 'cloudwatch:DescribeAlarms', resource: `arn:aws:cloudwatch:us-east-1:000000000000:alarm:${prefix}*` }]);
    expect((await describe('ai-shorts-')).allowed).toBe(true);
    expect((await describe('ai-shorts-prod-')).allowed).toBe(true);
    const broader = await describe('ai-');
    expect(broader.allowed).toBe(false);
    expect(broader.denied?.message).toContain('cloudwatch:DescribeAlarms on resource: arn:aws:cloudwatch:us-east-1:000000000000:alarm:ai-* because');
  });

  it('words SQS denials with the action in lower case, and names no resource for `*`', async () => {
    const { authorizer } = authorizerFor();
    const sqs = await authorizer.authorize(writer, [{ action: 'sqs:SendMessage', resource: 'arn:aws:sqs:us-east-1:000000000000:jobs' }]);
    expect(sqs.denied?.message).toBe(
      'User: arn:aws:sts::000000000000:assumed-role/CreateVideoRole/CreateVideo is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:us-east-1:000000000000:jobs because no identity-based policy allows the sqs:sendmessage action',
    );
    const list = await authorizer.authorize(writer, [{ action: 'dynamodb:ListTables', resource: '*' }]);
    expect(list.denied?.message).toBe(
      'User: arn:aws:sts::000000000000:assumed-role/CreateVideoRole/CreateVideo is not authorized to perform: dynamodb:ListTables because no identity-based policy allows the dynamodb:ListTables action',
    );
  });

  it('throws, never allows, when the simulator rejects the request we built', async () => {
    const { authorizer } = authorizerFor();
    await expect(authorizer.authorize(writer, [{ action: 's3:PutObjects', resource: `${BUCKET}/users/a` }])).rejects.toThrow(AuthorizationMappingError);
    await expect(authorizer.authorize(writer, [{ action: 's3:PutObjects', resource: `${BUCKET}/users/a` }])).rejects.toThrow(/s3:PutObjects on arn:aws:s3:::assets\/users\/a: invalid.action/);
  });

  it('denies a resource the action cannot take (a malformed ARN from the caller)', async () => {
    const { authorizer } = authorizerFor();
    const decision = await authorizer.authorize(role('Any', { Effect: 'Allow', Action: '*', Resource: '*' }), [{ action: 'states:DescribeExecution', resource: 'not-an-arn' }]);
    expect(decision.allowed).toBe(false);
  });
});
