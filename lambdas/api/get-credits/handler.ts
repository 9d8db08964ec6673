import { fromEnvironment } from '../../shared/dependencies.js';
import { ENV } from '../../shared/env.js';
import { json, parseQuery, userRoute } from '../http.js';
import { ListQuery } from '../schemas.js';
import { ledgerEntryView } from '../views.js';

const deps = fromEnvironment();
const credits = deps.creditStore();

/** GET /api/credits: the balance and the newest ledger entries (a new user's starting grant happens here, once). */
export const handler = userRoute(deps, async ({ event, caller }) => {
  const { limit, cursor } = parseQuery(event, ListQuery);
  const account = await credits.account(caller.userId, deps.config[ENV.STARTING_CREDITS]);
  const page = await credits.ledger(caller.userId, { limit, ...(cursor ? { cursor } : {}) });
  return json(200, { balance: account.balance, entries: page.items.map(ledgerEntryView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
});
