import { fromEnvironment, type Dependencies } from '../../shared/dependencies.js';
import { ENV } from '../../shared/env.js';
import { json, parseQuery, userRoute, type RouteHandler } from '../http.js';
import { ListQuery } from '../schemas.js';
import { ledgerEntryView } from '../views.js';

/**
 * GET /api/credits: the balance and the newest ledger entries (a new user's starting grant happens
 * here, once). A factory so the MCP server's get_credits runs this very route (lambdas/mcp/server.ts).
 */
export function getCreditsHandler(deps: Dependencies): RouteHandler {
  const credits = deps.creditStore();
  return userRoute(deps, async ({ event, caller }) => {
    const { limit, cursor } = parseQuery(event, ListQuery);
    const account = await credits.account(caller.userId, deps.config[ENV.STARTING_CREDITS]);
    const page = await credits.ledger(caller.userId, { limit, ...(cursor ? { cursor } : {}) });
    return json(200, { balance: account.balance, entries: page.items.map(ledgerEntryView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
  });
}

export const handler = getCreditsHandler(fromEnvironment());
