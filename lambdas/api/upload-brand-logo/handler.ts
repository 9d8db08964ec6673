import { randomUUID } from 'node:crypto';
import { LOGO_UPLOAD_SECONDS, logoKey } from '../../core/brand.js';
import { fromEnvironment, systemClock } from '../../shared/dependencies.js';
import { json, parseBody, userRoute } from '../http.js';
import { LogoUploadBody } from '../brand-schemas.js';

const deps = fromEnvironment();
const blobs = deps.blobStore();

/**
 * POST /api/brand/logo/upload: a presigned PUT of exactly the declared type and size, under the
 * caller's own prefix. Nothing changes until POST /api/brand/logo checks the file.
 */
export const handler = userRoute(deps, async ({ event, caller }) => {
  const body = parseBody(event, LogoUploadBody);
  const uploadId = randomUUID();
  const { url, headers } = await blobs.presignPut(logoKey(caller.userId, uploadId, body.contentType), {
    contentType: body.contentType,
    contentLength: body.bytes,
    expiresInSeconds: LOGO_UPLOAD_SECONDS,
  });
  const expiresAt = new Date(systemClock.now().getTime() + LOGO_UPLOAD_SECONDS * 1000).toISOString();
  return json(201, { uploadId, uploadUrl: url, headers, expiresAt });
});
