import { brandView, LOGO_VIEW_SECONDS, updateBrand } from '../../core/brand.js';
import { fromEnvironment, systemClock } from '../../shared/dependencies.js';
import { json, parseBody, userRoute } from '../http.js';
import { BrandBody } from '../brand-schemas.js';

const deps = fromEnvironment();
const brands = deps.brandStore();
const blobs = deps.blobStore();

/** PUT /api/brand: the settings given replace the kit's; a kit is made if there is none. */
export const handler = userRoute(deps, async ({ event, caller }) => {
  const patch = parseBody(event, BrandBody);
  const kit = await updateBrand(brands, caller.userId, patch, systemClock.now());
  return json(200, { brand: await brandView(kit, (key) => blobs.presignGet(key, LOGO_VIEW_SECONDS)) });
});
