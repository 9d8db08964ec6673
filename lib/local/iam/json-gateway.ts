/**
 * An IAM gate in front of an emulator that speaks an awsJson protocol (DynamoDB Local, fauxqs):
 * identifies the caller by its access key, maps the call to IAM authorizations, evaluates them,
 * then forwards the request unchanged and pipes the answer back — or answers AccessDenied /
 * invalid credentials in the service's own wire format, so the caller's SDK raises AWS's error.
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { AuthorizationMappingError, type AuthorizationRequest, type Authorizer } from './authorizer.js';
import { accessDenied, internalFailure, wireError } from './errors.js';
import { identify, listenOnLoopback, readBody, send, targetOperation, type LoopbackServer } from './http.js';
import type { Principals } from './principals.js';
import type { ServiceContext } from './services/context.js';
import { dynamoDbRequests, type DynamoDbContext } from './services/dynamodb.js';
import { sqsRequests } from './services/sqs.js';

export interface JsonGatewayOptions {
  service: 'dynamodb' | 'sqs';
  /** The emulator: `http://127.0.0.1:PORT`. */
  upstream: string;
  principals: Principals;
  authorizer: Authorizer;
  /** ARN parts (and DynamoDB's key schema lookup) for the request mapping. */
  context: ServiceContext | DynamoDbContext;
  /** Default 0: any free port. */
  port?: number;
  /** Told about our own failures (a request mapping the simulator rejects). Default: stderr. */
  onError?: (error: Error) => void;
}

export type JsonGateway = LoopbackServer;

/** Connection-level headers belong to one hop: the gate keeps its own connections to both sides. */
export function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const { connection: _connection, 'keep-alive': _keepAlive, 'transfer-encoding': _encoding, ...rest } = headers;
  return rest;
}

function mapper(options: JsonGatewayOptions): (operation: string, input: Record<string, unknown>) => AuthorizationRequest[] {
  return options.service === 'dynamodb'
    ? (operation, input) => dynamoDbRequests(operation, input, options.context)
    : (operation, input) => sqsRequests(operation, input, options.context);
}

/** Starts the gate on 127.0.0.1. */
export async function startJsonGateway(options: JsonGatewayOptions): Promise<JsonGateway> {
  const upstream = new URL(options.upstream);
  // Keep-alive to the emulator: a new connection per call would cost more than the check.
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const requestsOf = mapper(options);
  const onError = options.onError ?? ((error: Error) => process.stderr.write(`local IAM (${options.service}): ${error.stack ?? error.message}\n`));

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const proxied = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...withoutHopByHop(req.headers), host: upstream.host, 'content-length': String(body.length) },
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers));
        answer.pipe(res);
      },
    );
    // The emulator is down: the caller sees what it would without the gate, a broken connection.
    proxied.on('error', () => req.socket.destroy());
    proxied.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const caller = identify(req, options.principals, options.service);
    if (!caller.principal) return send(res, caller.refusal);
    if (caller.principal.kind === 'admin') return forward(req, res, body);

    const target = targetOperation(req);
    let input: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = body.length > 0 ? JSON.parse(body.toString('utf8')) : {};
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) input = parsed as Record<string, unknown>;
    } catch {
      // Not a JSON object: the emulator answers SerializationException; nothing is read or written.
    }
    // Only the JSON protocol is mapped: a call in another shape (SQS's query protocol) would pass
    // unchecked, so it is refused.
    if (!target) {
      return send(res, wireError(options.service, { type: 'UnknownOperationException', namespace: 'com.amazon.coral.service', message: 'The local IAM gateway takes awsJson calls (X-Amz-Target) only', status: 400, queryCode: 'InvalidAction' }));
    }
    if (!input) return forward(req, res, body);

    try {
      const decision = await options.authorizer.authorize(caller.principal, requestsOf(target.operation, input));
      if (!decision.allowed) return send(res, accessDenied(options.service, decision.denied!.message));
    } catch (error) {
      if (!(error instanceof AuthorizationMappingError)) throw error;
      onError(error);
      return send(res, internalFailure(options.service, error.message));
    }
    forward(req, res, body);
  };

  return listenOnLoopback(
    (req, res) => {
      handle(req, res).catch((error: unknown) => {
        onError(error instanceof Error ? error : new Error(String(error)));
        if (!res.headersSent) send(res, internalFailure(options.service, error instanceof Error ? error.message : String(error)));
        else res.destroy();
      });
    },
    options.port,
    () => agent.destroy(),
  );
}
