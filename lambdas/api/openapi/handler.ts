import { fromEnvironment } from '../../shared/dependencies.js';
import { json, publicRoute } from '../http.js';
import { openApiDocument } from '../openapi.js';

const deps = fromEnvironment();
let document: Record<string, unknown> | undefined;

/** GET /api/openapi.json: the API described from its own route table and schemas. */
export const handler = publicRoute(deps, async () => json(200, (document ??= openApiDocument()), { 'cache-control': 'public, max-age=300' }));
