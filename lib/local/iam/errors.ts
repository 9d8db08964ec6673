/**
 * The answers AWS gives, per protocol, when it refuses a caller — so the real SDK raises its own
 * error from the wire response, with the name, message and status it raises against AWS.
 *
 * Shapes, as measured against AWS and recorded by others (see the test for what the SDK makes
 * of each):
 * - awsJson services (DynamoDB, Step Functions, Secrets Manager): 400 with
 *   `{"__type":"com.amazon.coral.service#AccessDeniedException","Message":…}`; an unknown key
 *   is `UnrecognizedClientException`, "The security token included in the request is invalid.".
 * - awsJson with awsQueryCompatible (SQS, CloudWatch): 403 and `x-amzn-query-error:
 *   AccessDenied;Sender`; the SDK takes the error name from that header, so it raises
 *   `AccessDenied` (an unknown key: `InvalidClientTokenId`), as the query-protocol SDKs did.
 * - Lambda (restJson): 403 with `x-amzn-ErrorType: AccessDeniedException`, body `{"Message":…}`;
 *   an unknown key `UnrecognizedClientException`, 403.
 * - S3 (restXml): 403 `<Error><Code>AccessDenied</Code>…`; an unknown key `InvalidAccessKeyId`
 *   (s3rver's own answer, see s3-gate.ts).
 */
import { randomUUID } from 'node:crypto';

export type JsonServiceName = 'dynamodb' | 'sqs' | 'stepfunctions' | 'secretsmanager' | 'cloudwatch' | 'lambda';

/** An HTTP answer, ready to write. */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface Protocol {
  contentType: string;
  /** awsQueryCompatible: the error code the query protocol used goes in `x-amzn-query-error`. */
  queryCompatible: boolean;
  /** restJson: the error type goes in `x-amzn-ErrorType` (and the body has no `__type`). */
  restJson: boolean;
}

const JSON_1_0: Protocol = { contentType: 'application/x-amz-json-1.0', queryCompatible: false, restJson: false };

export const PROTOCOLS: Record<JsonServiceName, Protocol> = {
  dynamodb: JSON_1_0,
  stepfunctions: JSON_1_0,
  secretsmanager: { contentType: 'application/x-amz-json-1.1', queryCompatible: false, restJson: false },
  sqs: { ...JSON_1_0, queryCompatible: true },
  cloudwatch: { ...JSON_1_0, queryCompatible: true },
  lambda: { contentType: 'application/json', queryCompatible: false, restJson: true },
};

/** An error a service answers with: its shape name, its message, its status, and for query-compatible services the query code. */
export interface WireError {
  /** The error shape (`AccessDeniedException`, `ResourceNotFoundException`…). */
  type: string;
  message: string;
  status: number;
  /** The query protocol's code, for query-compatible services (`AccessDenied`, `AWS.SimpleQueueService.NonExistentQueue`). */
  queryCode?: string;
  /** `Sender` (the caller's fault) or `Receiver`. Default Sender below 500. */
  fault?: 'Sender' | 'Receiver';
  /** The body names the message `Message` (coral's auth errors) instead of `message`. */
  capitalMessage?: boolean;
  /** Qualify the type with its namespace in `__type`. */
  namespace?: string;
  /** More members of the error body (Lambda's `Type: "User"`). */
  fields?: Record<string, unknown>;
}

/** Encodes a service error in the service's protocol. */
export function wireError(service: JsonServiceName, error: WireError, requestId: string = randomUUID()): WireResponse {
  const protocol = PROTOCOLS[service];
  const headers: Record<string, string> = { 'content-type': protocol.contentType, 'x-amzn-requestid': requestId };
  const body: Record<string, unknown> = { ...error.fields };
  if (protocol.restJson) headers['x-amzn-errortype'] = error.type;
  else body.__type = error.namespace ? `${error.namespace}#${error.type}` : error.type;
  body[error.capitalMessage ? 'Message' : 'message'] = error.message;
  if (protocol.queryCompatible && error.queryCode) {
    headers['x-amzn-query-error'] = `${error.queryCode};${error.fault ?? (error.status < 500 ? 'Sender' : 'Receiver')}`;
  }
  const text = JSON.stringify(body);
  headers['content-length'] = String(Buffer.byteLength(text));
  return { status: error.status, headers, body: text };
}

const CORAL = 'com.amazon.coral.service';

/** What the service answers when IAM denies the call. */
export function accessDenied(service: JsonServiceName, message: string, requestId?: string): WireResponse {
  const protocol = PROTOCOLS[service];
  if (protocol.queryCompatible) {
    return wireError(service, { type: 'AccessDeniedException', namespace: CORAL, message, status: 403, queryCode: 'AccessDenied', capitalMessage: true }, requestId);
  }
  if (protocol.restJson) return wireError(service, { type: 'AccessDeniedException', message, status: 403, capitalMessage: true }, requestId);
  return wireError(service, { type: 'AccessDeniedException', namespace: CORAL, message, status: 400, capitalMessage: true }, requestId);
}

export const INVALID_TOKEN_MESSAGE = 'The security token included in the request is invalid.';

/** What the service answers for an access key it does not know. */
export function invalidCredentials(service: JsonServiceName, requestId?: string): WireResponse {
  const protocol = PROTOCOLS[service];
  const status = protocol.queryCompatible || protocol.restJson ? 403 : 400;
  return wireError(
    service,
    { type: 'UnrecognizedClientException', namespace: protocol.restJson ? undefined : CORAL, message: INVALID_TOKEN_MESSAGE, status, queryCode: 'InvalidClientTokenId' },
    requestId,
  );
}

/** What the service answers for an unsigned request (JSON APIs take no anonymous calls). */
export function missingAuthentication(service: JsonServiceName, requestId?: string): WireResponse {
  const protocol = PROTOCOLS[service];
  const status = protocol.queryCompatible || protocol.restJson ? 403 : 400;
  return wireError(
    service,
    { type: 'MissingAuthenticationTokenException', namespace: protocol.restJson ? undefined : CORAL, message: 'Missing Authentication Token', status, queryCode: 'MissingAuthenticationToken' },
    requestId,
  );
}

/** Our own failure (a mapping bug): 500, so it is loud, with the reason in the message. */
export function internalFailure(service: JsonServiceName, message: string, requestId?: string): WireResponse {
  return wireError(service, { type: 'InternalFailure', namespace: CORAL, message, status: 500, queryCode: 'InternalFailure' }, requestId);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** S3's error document. */
export function s3ErrorXml(code: string, message: string, requestId: string, extra: Record<string, string> = {}): string {
  const fields = Object.entries({ Code: code, Message: message, ...extra, RequestId: requestId })
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${fields}</Error>`;
}
