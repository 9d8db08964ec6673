import { MAX_LIVE_KEYS_PER_USER } from '../../core/api-keys.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { json, userRoute } from '../http.js';
import { apiKeyView } from '../views.js';

const deps = fromEnvironment();
const keys = deps.apiKeyStore();

/** GET /api/keys: the caller's live keys, newest first, each with a hint of the key but never the key. Session only. */
export const handler = userRoute(
  deps,
  async ({ caller }) => {
    const list = await keys.list(caller.userId);
    return json(200, { keys: list.map(apiKeyView), max: MAX_LIVE_KEYS_PER_USER });
  },
  { sessionOnly: true },
);
