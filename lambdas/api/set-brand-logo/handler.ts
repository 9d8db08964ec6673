import { brandView, LOGO_VIEW_SECONDS, setLogo } from '../../core/brand.js';
import { fromEnvironment, systemClock } from '../../shared/dependencies.js';
import { json, parseBody, userRoute } from '../http.js';
import { SetLogoBody } from '../brand-schemas.js';

const deps = fromEnvironment();
const brands = deps.brandStore();
const blobs = deps.blobStore();

/** POST /api/brand/logo: the uploaded file, once its bytes are checked, becomes the kit's logo; a bad file is removed (400 naming `file`). */
export const handler = userRoute(deps, async ({ event, caller }) => {
  const { uploadId } = parseBody(event, SetLogoBody);
  const kit = await setLogo(brands, blobs, caller.userId, uploadId, systemClock.now());
  return json(200, { brand: await brandView(kit, (key) => blobs.presignGet(key, LOGO_VIEW_SECONDS)) });
});
