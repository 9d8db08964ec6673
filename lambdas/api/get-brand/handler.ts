import { brandView, LOGO_VIEW_SECONDS } from '../../core/brand.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { json, userRoute } from '../http.js';

const deps = fromEnvironment();
const brands = deps.brandStore();
const blobs = deps.blobStore();

/** GET /api/brand: the caller's kit, its logo presigned; `null` until one is saved. */
export const handler = userRoute(deps, async ({ caller }) => {
  const kit = await brands.get(caller.userId);
  return json(200, { brand: kit ? await brandView(kit, (key) => blobs.presignGet(key, LOGO_VIEW_SECONDS)) : null });
});
