import { removeLogo } from '../../core/brand.js';
import { fromEnvironment, systemClock } from '../../shared/dependencies.js';
import { json, userRoute } from '../http.js';

const deps = fromEnvironment();
const brands = deps.brandStore();

/** DELETE /api/brand/logo: the kit has no logo from now on (videos already ordered keep theirs). */
export const handler = userRoute(deps, async ({ caller }) => {
  const { logoKey: _kept, ...kit } = await removeLogo(brands, caller.userId, systemClock.now());
  return json(200, { brand: kit });
});
