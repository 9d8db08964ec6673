import { fromEnvironment, systemClock } from '../../shared/dependencies.js';
import { HttpError, json, pathParam, userRoute } from '../http.js';
import { ApiKeyIdSchema } from '../schemas.js';

const deps = fromEnvironment();
const keys = deps.apiKeyStore();

/**
 * DELETE /api/keys/{id}: revokes the caller's key; the next request with it is a 401. Another
 * user's key id, or one revoked already, is a 404 (no such key of yours). Session only.
 */
export const handler = userRoute(
  deps,
  async ({ event, caller }) => {
    const keyId = pathParam(event, 'id', ApiKeyIdSchema, 'API key');
    if (!(await keys.revoke(caller.userId, keyId, systemClock.now()))) throw new HttpError(404, 'not_found', 'No such API key of yours (or it was revoked already).');
    return json(200, { id: keyId, revoked: true });
  },
  { sessionOnly: true },
);
