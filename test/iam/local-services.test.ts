/** The services we implement behind the local IAM — Secrets Manager, CloudWatch, Lambda's gate, a Step Functions front — with the real SDK clients. */
import { CloudWatchClient, DescribeAlarmsCommand, paginateDescribeAlarms } from '@aws-sdk/client-cloudwatch';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError, startJsonService } from '../../lib/local/iam/json-service.js';
import { startCloudWatchService } from '../../lib/local/services/cloudwatch.js';
import { startLambdaGateway } from '../../lib/local/services/lambda-gateway.js';
import { startSecretsManagerService } from '../../lib/local/services/secrets-manager.js';
import { REMOTION_STUB_FUNCTION, startRemotionLambdaStub, type RemotionLambdaStub } from '../support/stubs/remotion-lambda-stub.js';
import { ACCOUNT, clientConfig, CONTEXT, localIam, raised, role } from './support.js';

const iam = localIam();
const stops: (() => Promise<void>)[] = [];
const clients: { destroy(): void }[] = [];
function track<T extends { destroy(): void }>(client: T): T {
  clients.push(client);
  return client;
}

afterAll(async () => {
  for (const client of clients) client.destroy();
  await Promise.all(stops.map((stop) => stop()));
});

describe('Secrets Manager', () => {
  const providers = { name: 'ai-shorts/providers', arn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:ai-shorts/providers-AbCdEf`, secretString: '{"GROQ_API_KEY":"k"}' };
  const api = { name: 'ai-shorts/api', arn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:ai-shorts/api-GhIjKl`, secretString: '{"CLERK_SECRET_KEY":"c"}' };
  // CDK grants a secret as `ARN-??????` (its name, any suffix).
  const reader = role('GenerateScript', { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: `${providers.arn.slice(0, -7)}-??????` });
  let endpoint: string;
  let client: SecretsManagerClient;

  beforeAll(async () => {
    const service = await startSecretsManagerService({ secrets: [providers, api], principals: iam.principals, authorizer: iam.authorizer, context: CONTEXT });
    stops.push(service.stop);
    endpoint = service.endpoint;
    client = track(new SecretsManagerClient(clientConfig(endpoint, iam.add(reader))));
  });

  it('returns a granted secret by name or ARN', async () => {
    expect((await client.send(new GetSecretValueCommand({ SecretId: providers.name }))).SecretString).toBe(providers.secretString);
    const described = await client.send(new DescribeSecretCommand({ SecretId: providers.arn }));
    expect([described.Name, described.ARN]).toEqual([providers.name, providers.arn]);
    expect(described.CreatedDate).toBeInstanceOf(Date);
  });

  it('denies another secret, naming the SecretId as sent', async () => {
    expect(await raised(client.send(new GetSecretValueCommand({ SecretId: api.name })))).toEqual({
      name: 'AccessDeniedException',
      status: 400,
      message: `User: ${reader.sessionArn} is not authorized to perform: secretsmanager:GetSecretValue on resource: ai-shorts/api because no identity-based policy allows the secretsmanager:GetSecretValue action`,
    });
  });

  it('answers ResourceNotFoundException for a missing secret the caller may read', async () => {
    const any = track(new SecretsManagerClient(clientConfig(endpoint, iam.add(role('AnySecret', { Effect: 'Allow', Action: 'secretsmanager:*', Resource: '*' })))));
    expect(await raised(any.send(new GetSecretValueCommand({ SecretId: 'nope' })))).toEqual({
      name: 'ResourceNotFoundException',
      status: 400,
      message: "Secrets Manager can't find the specified secret.",
    });
  });
});

describe('CloudWatch', () => {
  const alarmArn = (name: string) => `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:${name}`;
  const alarms = [
    { name: 'ai-shorts-dlq-not-empty', arn: alarmArn('ai-shorts-dlq-not-empty'), state: 'ALARM' as const, reason: 'Threshold Crossed' },
    { name: 'ai-shorts-errors', arn: alarmArn('ai-shorts-errors'), state: 'OK' as const },
    { name: 'other-team-alarm', arn: alarmArn('other-team-alarm'), state: 'ALARM' as const },
  ];
  // As lib/cloud/api.ts grants the ops route.
  const ops = role('OpsStatus', { Effect: 'Allow', Action: 'cloudwatch:DescribeAlarms', Resource: alarmArn('ai-shorts-*') });
  let client: CloudWatchClient;

  beforeAll(async () => {
    const service = await startCloudWatchService({ alarms, principals: iam.principals, authorizer: iam.authorizer, context: CONTEXT });
    stops.push(service.stop);
    client = track(new CloudWatchClient(clientConfig(service.endpoint, iam.add(ops))));
  });

  it('describes the alarms in ALARM under the granted prefix, paginated as the app reads them', async () => {
    const names: string[] = [];
    for await (const page of paginateDescribeAlarms({ client }, { StateValue: 'ALARM', AlarmNamePrefix: 'ai-shorts-' })) {
      for (const alarm of page.MetricAlarms ?? []) names.push(`${alarm.AlarmName}: ${alarm.StateReason} @ ${alarm.StateUpdatedTimestamp instanceof Date}`);
    }
    expect(names).toEqual(['ai-shorts-dlq-not-empty: Threshold Crossed @ true']);
  });

  it('denies a broader prefix with AccessDenied (query-compatible name), 403', async () => {
    expect(await raised(client.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'ai-' })))).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: ${ops.sessionArn} is not authorized to perform: cloudwatch:DescribeAlarms on resource: ${alarmArn('ai-*')} because no identity-based policy allows the cloudwatch:DescribeAlarms action`,
    });
  });

  it('rejects an invalid filter with the modelled InvalidParameterValueException', async () => {
    const error = await raised(client.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'ai-shorts-', StateValue: 'BROKEN' as 'OK' })));
    expect([error.name, error.status]).toEqual(['InvalidParameterValueException', 400]);
    expect(error.message).toContain('StateValue');
  });

  it('denies composite alarms to a prefix-scoped grant (AWS: they need the * scope)', async () => {
    const error = await raised(client.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'ai-shorts-', AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] })));
    expect([error.name, error.status]).toEqual(['AccessDenied', 403]);
    expect(error.message).toContain(`on resource: ${alarmArn('*')} because`);
  });
});

describe('Lambda gate', () => {
  const fn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${REMOTION_STUB_FUNCTION}`;
  const renderer = role('StartRender', { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [fn, `${fn}:*`] });
  let stub: RemotionLambdaStub;
  let gateEndpoint: string;
  let client: LambdaClient;

  beforeAll(async () => {
    stub = await startRemotionLambdaStub();
    stops.push(() => stub.stop());
    const gate = await startLambdaGateway({ upstream: stub.endpoint, principals: iam.principals, authorizer: iam.authorizer, context: CONTEXT });
    stops.push(gate.stop);
    gateEndpoint = gate.endpoint;
    client = track(new LambdaClient(clientConfig(gateEndpoint, iam.add(renderer))));
  });

  it('forwards an allowed invocation to the upstream', async () => {
    const answer = await client.send(new InvokeCommand({ FunctionName: REMOTION_STUB_FUNCTION, Payload: JSON.stringify({ type: 'ping' }) }));
    expect(answer.StatusCode).toBe(200);
    expect(stub.requestsTo('invoke')).toHaveLength(1);
  });

  it('denies another function with AccessDeniedException, 403', async () => {
    expect(await raised(client.send(new InvokeCommand({ FunctionName: 'other-function', Payload: '{}' })))).toEqual({
      name: 'AccessDeniedException',
      status: 403,
      message: `User: ${renderer.sessionArn} is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:${ACCOUNT}:function:other-function because no identity-based policy allows the lambda:InvokeFunction action`,
    });
    expect(stub.requestsTo('invoke')).toHaveLength(1);
  });

  it('without an upstream, answers ResourceNotFoundException naming the function', async () => {
    const bare = await startLambdaGateway({ principals: iam.principals, authorizer: iam.authorizer, context: CONTEXT });
    stops.push(bare.stop);
    const bareClient = track(new LambdaClient(clientConfig(bare.endpoint, iam.principals.credentialsOf('StartRender')!)));
    expect(await raised(bareClient.send(new InvokeCommand({ FunctionName: `${REMOTION_STUB_FUNCTION}:live`, Payload: '{}' })))).toEqual({
      name: 'ResourceNotFoundException',
      status: 404,
      message: `Function not found: ${fn}:live`,
    });
  });
});

describe('a Step Functions front over json-service', () => {
  const machine = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:pipeline`;
  const dispatcher = role('DispatchJobs', { Effect: 'Allow', Action: 'states:StartExecution', Resource: machine }, { Effect: 'Allow', Action: 'states:DescribeExecution', Resource: `arn:aws:states:us-east-1:${ACCOUNT}:execution:pipeline:*` });
  let client: SFNClient;
  const started: { name: string; caller: string }[] = [];

  beforeAll(async () => {
    const service = await startJsonService({
      service: 'stepfunctions',
      targetPrefix: 'AWSStepFunctions',
      principals: iam.principals,
      authorizer: iam.authorizer,
      context: CONTEXT,
      operations: {
        StartExecution: async (input: { stateMachineArn: string; name: string }, caller) => {
          started.push({ name: input.name, caller: caller.kind === 'role' ? caller.id : caller.kind });
          return { executionArn: `arn:aws:states:us-east-1:${ACCOUNT}:execution:pipeline:${input.name}`, startDate: new Date(1_700_000_000_000) };
        },
        DescribeExecution: async (input: { executionArn: string }) => {
          throw new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${input.executionArn}'`);
        },
      },
    });
    stops.push(service.stop);
    client = track(new SFNClient(clientConfig(service.endpoint, iam.add(dispatcher))));
  });

  it('runs an allowed operation and encodes its answer (timestamps as epoch seconds)', async () => {
    const answer = await client.send(new StartExecutionCommand({ stateMachineArn: machine, name: 'job-1' }));
    expect(answer.startDate?.getTime()).toBe(1_700_000_000_000);
    expect(started).toEqual([{ name: 'job-1', caller: 'DispatchJobs' }]);
  });

  it("encodes an operation's named error as the SDK's modelled exception", async () => {
    const executionArn = `arn:aws:states:us-east-1:${ACCOUNT}:execution:pipeline:nope`;
    expect(await raised(client.send(new DescribeExecutionCommand({ executionArn })))).toEqual({
      name: 'ExecutionDoesNotExist',
      status: 400,
      message: `Execution Does Not Exist: '${executionArn}'`,
    });
  });

  it('denies another state machine before running anything', async () => {
    const other = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:other`;
    expect(await raised(client.send(new StartExecutionCommand({ stateMachineArn: other, name: 'job-2' })))).toEqual({
      name: 'AccessDeniedException',
      status: 400,
      message: `User: ${dispatcher.sessionArn} is not authorized to perform: states:StartExecution on resource: ${other} because no identity-based policy allows the states:StartExecution action`,
    });
    expect(started).toHaveLength(1);
  });
});
