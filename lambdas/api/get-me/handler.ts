import { fromEnvironment } from '../../shared/dependencies.js';
import { ENV } from '../../shared/env.js';
import { json, userRoute } from '../http.js';

const deps = fromEnvironment();
const credits = deps.creditStore();

/** GET /api/me: the caller's id, whether they are an admin, their balance and the price of a credit. */
export const handler = userRoute(deps, async ({ caller }) => {
  const account = await credits.account(caller.userId, deps.config[ENV.STARTING_CREDITS]);
  return json(200, { userId: caller.userId, admin: caller.admin, balance: account.balance, creditPriceCents: deps.config[ENV.CREDIT_PRICE_CENTS], currency: 'usd' });
});
