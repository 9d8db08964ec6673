import { defaultVoiceOf, voicesFor } from '../../core/voices.js';
import { fromEnvironment, type Dependencies } from '../../shared/dependencies.js';
import { json, parseQuery, userRoute, type RouteHandler } from '../http.js';
import { VoicesQuery } from '../schemas.js';

/**
 * GET /api/voices: the voices a caller may choose with the configured voice provider, and the
 * default; `?language=es` narrows both to that language (what an order in Spanish accepts).
 * A factory so the MCP server's list_voices runs this very route (lambdas/mcp/server.ts).
 */
export async function listVoicesHandler(deps: Dependencies): Promise<RouteHandler> {
  const catalog = await deps.voiceCatalog();
  return userRoute(deps, async ({ event }) => {
    const { language } = parseQuery(event, VoicesQuery);
    const voices = language === undefined ? catalog.voices : voicesFor(catalog, language);
    const defaultVoice = language === undefined ? catalog.defaultVoice : defaultVoiceOf(catalog, language);
    return json(200, { provider: catalog.provider, defaultVoice, voices }, { 'cache-control': 'private, max-age=300' });
  });
}

export const handler = await listVoicesHandler(fromEnvironment());
