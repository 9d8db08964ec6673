import { creditPriceCents, startingCredits } from '../../shared/api-config.js';
import { creditStore } from '../../shared/api-container.js';
import { json, userRoute } from '../http.js';

/** GET /api/me: the caller's id, whether they are an admin, their balance and the price of a credit. */
export const handler = userRoute(async ({ caller }) => {
  const account = await creditStore().account(caller.userId, startingCredits());
  return json(200, { userId: caller.userId, admin: caller.admin, balance: account.balance, creditPriceCents: creditPriceCents(), currency: 'usd' });
});
