import { fromEnvironment, type Dependencies } from '../../shared/dependencies.js';
import { json, userRoute, type RouteHandler } from '../http.js';

/**
 * GET /api/voices: the voices a caller may choose with the configured voice provider, and the
 * default. A factory so the MCP server's list_voices runs this very route (lambdas/mcp/server.ts).
 */
export async function listVoicesHandler(deps: Dependencies): Promise<RouteHandler> {
  const catalog = await deps.voiceCatalog();
  return userRoute(deps, async () =>
    json(200, { provider: catalog.provider, defaultVoice: catalog.defaultVoice, voices: catalog.voices }, { 'cache-control': 'private, max-age=300' }),
  );
}

export const handler = await listVoicesHandler(fromEnvironment());
