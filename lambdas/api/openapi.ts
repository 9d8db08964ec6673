/**
 * GET /api/openapi.json, generated from the route table and its zod schemas with zod's own
 * `z.toJSONSchema` (OpenAPI 3.1 uses JSON Schema 2020-12, which is what it emits). Schemas that
 * carry a `.meta({ id })` become shared components.
 */
import { z } from 'zod';
import { API_ROUTES, type ApiRoute } from './routes.js';
import { ErrorView, GatewayErrorView } from './schemas.js';

type Json = Record<string, unknown>;

function rewriteRefs<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/')) as T;
}

class Components {
  readonly schemas: Record<string, Json> = {};

  /** The schema as JSON Schema, its named parts moved to components; a `$ref` when it is named itself. */
  add(schema: z.ZodType, io: 'input' | 'output'): Json {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
    delete json.$schema;
    const defs = (json.$defs ?? {}) as Record<string, Json>;
    delete json.$defs;
    for (const [name, def] of Object.entries(defs)) this.schemas[name] = rewriteRefs(def);
    const id = z.globalRegistry.get(schema)?.id;
    if (typeof id === 'string') {
      delete json.id;
      // A named root comes back as a reference to its own definition, already added above.
      if (json.$ref !== `#/$defs/${id}`) this.schemas[id] = rewriteRefs(json);
      return { $ref: `#/components/schemas/${id}` };
    }
    return rewriteRefs(json);
  }
}

function queryParameters(route: ApiRoute, components: Components): Json[] {
  if (!route.query) return [];
  const added = components.add(route.query, 'input');
  // A named query schema (MetricsQuery) comes back as a reference: its parameters are its properties.
  const ref = typeof added.$ref === 'string' ? added.$ref.replace('#/components/schemas/', '') : undefined;
  const schema = (ref ? components.schemas[ref] : added) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: (schema.required ?? []).includes(name) && property.default === undefined,
    schema: property,
  }));
}

/** The OpenAPI 3.1 document of the given routes. */
export function openApiDocument(routes: readonly ApiRoute[] = API_ROUTES, serverUrl = '/'): Json {
  const components = new Components();
  const errorRef = components.add(ErrorView, 'output');
  const gatewayErrorRef = components.add(GatewayErrorView, 'output');
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const headers = (route.headers ?? []).map((h) => ({ name: h.name, in: 'header', required: h.required, description: h.description, schema: { type: 'string' } }));
    const responses: Record<string, Json> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      const isError = Number(status) >= 400;
      // A route's own 429 (a user's limit) or API Gateway's throttle: either body may come.
      const errorSchema = status === '429' ? { anyOf: [errorRef, gatewayErrorRef] } : errorRef;
      const schema = response.schema ? components.add(response.schema, 'output') : isError ? errorSchema : undefined;
      responses[status] = { description: response.description, ...(schema ? { content: { 'application/json': { schema } } } : {}) };
    }
    if (route.auth === 'user') responses['401'] ??= { description: 'No valid session token or API key.', content: { 'application/json': { schema: errorRef } } };
    if (route.auth === 'user' && !route.sessionOnly) {
      responses['403'] ??= { description: 'An API key without the scope this method needs (`read` for GET, else `write`); `scope` names it.', content: { 'application/json': { schema: errorRef } } };
    }
    if (route.method === 'POST' || route.method === 'PATCH') responses['413'] ??= { description: "The body is over this route's limit (64 KiB; 1 MiB for Stripe events).", content: { 'application/json': { schema: errorRef } } };
    responses['500'] ??= { description: 'Something went wrong on our side.', content: { 'application/json': { schema: errorRef } } };
    responses['429'] ??= {
      description: `Too many requests: this route takes ${route.throttle.rate} a second (bursts of ${route.throttle.burst}) from everyone together, and each client IP has a limit per 5 minutes.`,
      content: { 'application/json': { schema: gatewayErrorRef } },
    };
    (paths[route.path] ??= {})[route.method.toLowerCase()] = {
      operationId: route.id.charAt(0).toLowerCase() + route.id.slice(1),
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      ...(route.auth === 'user' ? { security: route.sessionOnly ? [{ clerkSession: [] }] : [{ clerkSession: [] }, { apiKey: [] }] } : { security: [] }),
      parameters: [...pathParams, ...queryParameters(route, components), ...headers],
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: components.add(route.body, 'input') } } } } : {}),
      responses,
      // API Gateway's throttle of this route (requests per second, burst): lib/cloud/api.ts deploys it.
      'x-throttle': { rate: route.throttle.rate, burst: route.throttle.burst },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ai-shorts API',
      version: '1.0.0',
      description: 'Order narrated, captioned short videos, follow their progress, and manage credits.',
    },
    servers: [{ url: serverUrl }],
    security: [{ clerkSession: [] }, { apiKey: [] }],
    paths,
    components: {
      schemas: components.schemas,
      securitySchemes: {
        clerkSession: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A Clerk session token.' },
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key (`sk_shorts_…`, POST /api/keys). Its `read` scope allows the GET routes, `write` the others; never key management or billing.',
        },
      },
    },
  };
}
