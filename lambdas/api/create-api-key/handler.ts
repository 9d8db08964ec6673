import { ApiKeyLimitReached, API_KEY_SCOPES, MAX_LIVE_KEYS_PER_USER, newApiKey } from '../../core/api-keys.js';
import { fromEnvironment, systemClock } from '../../shared/dependencies.js';
import { HttpError, json, parseBody, userRoute } from '../http.js';
import { CreateApiKeyBody } from '../schemas.js';
import { apiKeyView } from '../views.js';

const deps = fromEnvironment();
const keys = deps.apiKeyStore();

/**
 * POST /api/keys: a new API key, answered once with the key itself; only its SHA-256 is stored.
 * Session only: a key cannot make more keys. At {@link MAX_LIVE_KEYS_PER_USER} live keys, a 409.
 */
export const handler = userRoute(
  deps,
  async ({ event, caller }) => {
    const { name, scopes } = parseBody(event, CreateApiKeyBody);
    const { key, record } = newApiKey({ userId: caller.userId, name, scopes: scopes ?? API_KEY_SCOPES, now: systemClock.now() });
    try {
      await keys.create(record, MAX_LIVE_KEYS_PER_USER);
    } catch (error) {
      if (error instanceof ApiKeyLimitReached) throw new HttpError(409, 'key_limit_reached', error.message, { max: error.max });
      throw error;
    }
    return json(201, { ...apiKeyView(record), key });
  },
  { sessionOnly: true },
);
