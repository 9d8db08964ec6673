/**
 * The IAM gate of the local Lambda API (REST-JSON, `/2015-03-31/functions/{name}/…`): the
 * caller must be allowed lambda:InvokeFunction (or GetFunction) on the function it names; the
 * call then goes to an upstream Lambda endpoint (such as the Remotion Lambda stub in tests).
 * With no upstream, Invoke answers Lambda's ResourceNotFoundException for the function.
 */
import { Agent, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { AuthorizationMappingError, type Authorizer } from '../iam/authorizer.js';
import { accessDenied, internalFailure, wireError } from '../iam/errors.js';
import { identify, listenOnLoopback, readBody, send, type LoopbackServer } from '../iam/http.js';
import { withoutHopByHop } from '../iam/json-gateway.js';
import type { Principals } from '../iam/principals.js';
import type { ServiceContext } from '../iam/services/context.js';
import { lambdaFunctionRef, lambdaRequests, parseLambdaPath } from '../iam/services/lambda.js';

export interface LambdaGatewayOptions {
  /** The Lambda endpoint calls go to once allowed: `http://127.0.0.1:PORT`. */
  upstream?: string;
  principals: Principals;
  authorizer: Authorizer;
  context: ServiceContext;
  port?: number;
  onError?: (error: Error) => void;
}

export type LambdaGateway = LoopbackServer;

/** Starts the gate on 127.0.0.1: the value for `AWS_ENDPOINT_URL_LAMBDA`. */
export async function startLambdaGateway(options: LambdaGatewayOptions): Promise<LambdaGateway> {
  const upstream = options.upstream ? new URL(options.upstream) : undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const onError = options.onError ?? ((error: Error) => process.stderr.write(`local IAM (lambda): ${error.stack ?? error.message}\n`));

  const forward = (target: URL, req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const proxied = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...withoutHopByHop(req.headers), host: target.host, 'content-length': String(body.length) },
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers));
        answer.pipe(res);
      },
    );
    proxied.on('error', () => req.socket.destroy());
    proxied.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const caller = identify(req, options.principals, 'lambda');
    if (!caller.principal) return send(res, caller.refusal);
    const url = new URL(req.url ?? '/', 'http://local');
    const method = (req.method ?? 'GET').toUpperCase();
    const parsed = parseLambdaPath(method, url.pathname);
    const requests = lambdaRequests({ method, path: url.pathname, query: url.searchParams }, options.context);
    if (!parsed || !requests) {
      return send(res, wireError('lambda', { type: 'UnknownOperationException', message: `Unknown operation ${method} ${url.pathname}`, status: 404 }));
    }
    try {
      const decision = await options.authorizer.authorize(caller.principal, requests);
      if (!decision.allowed) return send(res, accessDenied('lambda', decision.denied!.message));
    } catch (error) {
      if (!(error instanceof AuthorizationMappingError)) throw error;
      onError(error);
      return send(res, internalFailure('lambda', error.message));
    }
    if (upstream) return forward(upstream, req, res, body);
    const ref = lambdaFunctionRef(parsed.name, url.searchParams.get('Qualifier'), options.context);
    send(res, wireError('lambda', { type: 'ResourceNotFoundException', message: `Function not found: ${ref.resource}`, status: 404, fields: { Type: 'User' } }));
  };

  return listenOnLoopback(
    (req, res) => {
      handle(req, res).catch((error: unknown) => {
        onError(error instanceof Error ? error : new Error(String(error)));
        if (!res.headersSent) send(res, internalFailure('lambda', error instanceof Error ? error.message : String(error)));
        else res.destroy();
      });
    },
    options.port,
    () => agent.destroy(),
  );
}
