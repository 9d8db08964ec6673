/**
 * The IAM front for awsJson services we implement ourselves (Step Functions over the local
 * runner, Secrets Manager, CloudWatch): identifies the caller, authorizes the call, runs the
 * operation and encodes its answer — or its named error — in the protocol's wire format.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthorizationMappingError, type AuthorizationRequest, type Authorizer } from './authorizer.js';
import { accessDenied, internalFailure, PROTOCOLS, wireError, type JsonServiceName } from './errors.js';
import { identify, listenOnLoopback, readBody, send, targetOperation, type LoopbackServer } from './http.js';
import type { Principal, Principals } from './principals.js';
import { cloudWatchRequests } from './services/cloudwatch.js';
import type { ServiceContext } from './services/context.js';
import { dynamoDbRequests } from './services/dynamodb.js';
import { secretsManagerRequests, type SecretsManagerContext } from './services/secretsmanager.js';
import { sqsRequests } from './services/sqs.js';
import { stepFunctionsRequests } from './services/stepfunctions.js';

/**
 * A named error an operation throws; the service answers it in its wire format, so the SDK
 * raises an error of that name (`ExecutionDoesNotExist`, `ResourceNotFoundException`…).
 */
export class ServiceError extends Error {
  constructor(
    name: string,
    message: string,
    readonly status = 400,
    /** For query-compatible services (CloudWatch, SQS): the query protocol's code, when it differs from the name. */
    readonly queryCode?: string,
  ) {
    super(message);
    this.name = name;
  }
}

/** An operation: the parsed JSON body (each operation knows its own input shape) → the answer. */
export type Operation = (input: any, caller: Principal) => Promise<unknown>;

export interface JsonServiceOptions {
  service: JsonServiceName;
  /** `AWSStepFunctions`, `secretsmanager`, `GraniteServiceVersion20100801`. */
  targetPrefix: string;
  operations: Record<string, Operation>;
  principals: Principals;
  authorizer: Authorizer;
  context: ServiceContext | SecretsManagerContext;
  /** The authorizations of a call. Default: the service's mapping in services/. */
  requests?: (operation: string, input: Record<string, unknown>) => AuthorizationRequest[];
  port?: number;
  /** Told about our own failures (a mapping bug, an operation that threw a plain Error). Default: stderr. */
  onError?: (error: Error) => void;
}

export type JsonService = LoopbackServer;

function defaultRequests(options: JsonServiceOptions): (operation: string, input: Record<string, unknown>) => AuthorizationRequest[] {
  const { context } = options;
  switch (options.service) {
    case 'stepfunctions':
      return (operation, input) => stepFunctionsRequests(operation, input);
    case 'secretsmanager':
      return (operation, input) => secretsManagerRequests(operation, input, context);
    case 'cloudwatch':
      return (operation, input) => cloudWatchRequests(operation, input, context);
    case 'dynamodb':
      return (operation, input) => dynamoDbRequests(operation, input, context);
    case 'sqs':
      return (operation, input) => sqsRequests(operation, input, context);
    case 'lambda':
      throw new Error('Lambda is a REST API: use lambda-gateway.ts');
  }
}

/** awsJson timestamps are epoch seconds. */
function toWireJson(value: unknown): string {
  return JSON.stringify(value ?? {}, function (this: Record<string, unknown>, key, item: unknown) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : item;
  });
}

/** Starts the service on 127.0.0.1. */
export async function startJsonService(options: JsonServiceOptions): Promise<JsonService> {
  const requestsOf = options.requests ?? defaultRequests(options);
  const protocol = PROTOCOLS[options.service];
  const onError = options.onError ?? ((error: Error) => process.stderr.write(`local ${options.service}: ${error.stack ?? error.message}\n`));

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const caller = identify(req, options.principals, options.service);
    if (!caller.principal) return send(res, caller.refusal);

    const target = targetOperation(req);
    const operation = target && target.prefix === options.targetPrefix ? options.operations[target.operation] : undefined;
    if (!target || !operation) {
      return send(res, wireError(options.service, { type: 'UnknownOperationException', namespace: 'com.amazon.coral.service', message: `Unknown operation ${String(req.headers['x-amz-target'])}`, status: 400, queryCode: 'InvalidAction' }));
    }
    let input: Record<string, unknown>;
    try {
      const parsed: unknown = body.length > 0 ? JSON.parse(body.toString('utf8')) : {};
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      input = parsed as Record<string, unknown>;
    } catch {
      return send(res, wireError(options.service, { type: 'SerializationException', message: 'Start of structure or map found where not expected.', status: 400, queryCode: 'SerializationException' }));
    }

    try {
      const decision = await options.authorizer.authorize(caller.principal, requestsOf(target.operation, input));
      if (!decision.allowed) return send(res, accessDenied(options.service, decision.denied!.message));
    } catch (error) {
      if (!(error instanceof AuthorizationMappingError)) throw error;
      onError(error);
      return send(res, internalFailure(options.service, error.message));
    }

    let output: unknown;
    try {
      output = await operation(input, caller.principal);
    } catch (error) {
      if (error instanceof ServiceError) {
        return send(res, wireError(options.service, { type: error.name, message: error.message, status: error.status, queryCode: error.queryCode ?? error.name }));
      }
      throw error;
    }
    const text = toWireJson(output);
    res.writeHead(200, { 'content-type': protocol.contentType, 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  };

  return listenOnLoopback((req, res) => {
    handle(req, res).catch((error: unknown) => {
      onError(error instanceof Error ? error : new Error(String(error)));
      if (!res.headersSent) send(res, internalFailure(options.service, error instanceof Error ? error.message : String(error)));
      else res.destroy();
    });
  }, options.port);
}
