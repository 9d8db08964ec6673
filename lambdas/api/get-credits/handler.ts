import { startingCredits } from '../../shared/api-config.js';
import { creditStore } from '../../shared/api-container.js';
import { json, parseQuery, userRoute } from '../http.js';
import { ListQuery } from '../schemas.js';
import { ledgerEntryView } from '../views.js';

/** GET /api/credits: the balance and the newest ledger entries (a new user's starting grant happens here, once). */
export const handler = userRoute(async ({ event, caller }) => {
  const { limit, cursor } = parseQuery(event, ListQuery);
  const credits = creditStore();
  const account = await credits.account(caller.userId, startingCredits());
  const page = await credits.ledger(caller.userId, { limit, ...(cursor ? { cursor } : {}) });
  return json(200, { balance: account.balance, entries: page.items.map(ledgerEntryView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
});
