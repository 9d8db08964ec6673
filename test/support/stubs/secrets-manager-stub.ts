/**
 * AWS Secrets Manager's GetSecretValue on 127.0.0.1, in its wire format (AWS JSON 1.1:
 * `POST /` with `X-Amz-Target: secretsmanager.GetSecretValue`), reached by the ordinary
 * client through `AWS_ENDPOINT_URL_SECRETS_MANAGER`. Errors carry `__type` as AWS sends them.
 */
import { sendJson, startStubServer, type Fault, type StubContext, type StubServer, type StubServerOptions } from './stub-server.js';

export interface SecretsManagerStub extends StubServer {
  /** Value for `AWS_ENDPOINT_URL_SECRETS_MANAGER`. */
  endpoint: string;
  /** Stores a secret's string under its ARN (and its name, the last ARN segment). */
  put(arn: string, secretString: string): void;
  fail(route: 'get-secret-value' | '*', ...faults: Fault[]): void;
}

const JSON_11 = { 'content-type': 'application/x-amz-json-1.1' };

export function secretsManagerError(status: number, type: string, message: string): Fault {
  return { status, headers: JSON_11, body: { __type: type, message } };
}

export async function startSecretsManagerStub(options: StubServerOptions = {}): Promise<SecretsManagerStub> {
  const secrets = new Map<string, { arn: string; value: string }>();

  const getSecretValue = (ctx: StubContext) => {
    if (!String(ctx.req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
      sendJson(ctx.res, 400, { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' }, JSON_11);
      return;
    }
    let request: { SecretId?: string } = {};
    try {
      request = JSON.parse(ctx.body) as { SecretId?: string };
    } catch {
      sendJson(ctx.res, 400, { __type: 'SerializationException', message: 'Start of structure or map found where not expected.' }, JSON_11);
      return;
    }
    const secret = request.SecretId ? secrets.get(request.SecretId) : undefined;
    if (!secret) {
      sendJson(ctx.res, 400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." }, JSON_11);
      return;
    }
    sendJson(
      ctx.res,
      200,
      {
        ARN: secret.arn,
        Name: secret.arn.split(':').pop(),
        SecretString: secret.value,
        VersionId: '00000000-0000-0000-0000-000000000001',
        VersionStages: ['AWSCURRENT'],
        CreatedDate: Math.floor(Date.now() / 1000),
      },
      JSON_11,
    );
  };

  const server = await startStubServer(
    'Secrets Manager',
    (method, path) => (method === 'POST' && path === '/' ? { route: 'get-secret-value', handle: getSecretValue } : undefined),
    { ...(options.port === undefined ? {} : { port: options.port }), ...(options.onRequest ? { onRequest: options.onRequest } : {}) },
  );
  return Object.assign(server, {
    endpoint: server.url,
    put(arn: string, secretString: string) {
      const entry = { arn, value: secretString };
      secrets.set(arn, entry);
      secrets.set(arn.split(':').pop()!, entry);
    },
  }) as SecretsManagerStub;
}
