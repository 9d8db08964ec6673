import { describe, expect, it } from 'vitest';
import { AccessLog, matchesIamPattern } from '../../lib/local/iam/access-log.js';
import { policy } from './support.js';

describe('matchesIamPattern', () => {
  it('matches * and ? as IAM does, actions case-insensitively', () => {
    expect(matchesIamPattern('arn:aws:s3:::b/users/*', 'arn:aws:s3:::b/users/a/b.png')).toBe(true);
    expect(matchesIamPattern('arn:aws:s3:::b/user?/x', 'arn:aws:s3:::b/users/x')).toBe(true);
    expect(matchesIamPattern('arn:aws:s3:::b/users/*', 'arn:aws:s3:::B/users/a')).toBe(false);
    expect(matchesIamPattern('dynamodb:*Item', 'dynamodb:putitem', { ignoreCase: true })).toBe(true);
    expect(matchesIamPattern('a.b', 'aXb')).toBe(false);
  });
});

describe('AccessLog.report', () => {
  it('lists each principal with its calls, denials and the grants no allowed call used', () => {
    // Prepare
    const log = new AccessLog();
    const table = 'arn:aws:dynamodb:us-east-1:000000000000:table/jobs';
    log.record('CreateVideo', { action: 'dynamodb:PutItem', resource: table }, true);
    log.record('CreateVideo', { action: 'dynamodb:PutItem', resource: table }, true);
    log.record('CreateVideo', { action: 's3:GetObject', resource: 'arn:aws:s3:::assets/users/a' }, true);
    log.record('CreateVideo', { action: 'sqs:SendMessage', resource: 'arn:aws:sqs:us-east-1:000000000000:jobs' }, false);
    const createVideo = {
      id: 'CreateVideo',
      policies: [
        {
          document: policy(
            { Effect: 'Allow', Action: ['dynamodb:*Item', 'dynamodb:Query'], Resource: [table, `${table}/index/*`] },
            { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::assets/users/*' },
            { Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' },
          ),
        },
      ],
    };
    const unused = { id: 'SweepJobs', policies: [{ document: policy({ Effect: 'Allow', Action: 'states:StopExecution', Resource: '*' }) }] };

    // Act
    const report = log.report([createVideo, unused]);

    // Assess
    expect(report.functions).toEqual([
      {
        name: 'CreateVideo',
        calls: [
          { action: 'dynamodb:PutItem', resource: table, allowed: true, count: 2 },
          { action: 's3:GetObject', resource: 'arn:aws:s3:::assets/users/a', allowed: true, count: 1 },
          { action: 'sqs:SendMessage', resource: 'arn:aws:sqs:us-east-1:000000000000:jobs', allowed: false, count: 1 },
        ],
        denied: 1,
        unusedGrants: [
          `dynamodb:*Item on ${table}/index/*`,
          `dynamodb:Query on ${table}`,
          `dynamodb:Query on ${table}/index/*`,
        ],
      },
      { name: 'SweepJobs', calls: [], denied: 0, unusedGrants: ['states:StopExecution on *'] },
    ]);
  });

  it('does not count a denied call as using a grant', () => {
    const log = new AccessLog();
    log.record('F', { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' }, false);
    const report = log.report([{ id: 'F', policies: [{ document: policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }) }] }]);
    expect(report.functions[0]?.unusedGrants).toEqual(['s3:GetObject on arn:aws:s3:::b/*']);
    expect(report.functions[0]?.denied).toBe(1);
  });
});
