import { access, constants } from 'node:fs/promises';
import type { HealthProbe } from '../../core/ops/health.js';

/** The local render backend: the Chromium that @remotion/renderer drives is there and executable. */
export function chromiumProbe(executable: string): HealthProbe {
  return {
    name: 'render',
    target: `chromium:${executable}`,
    async check() {
      await access(executable, constants.X_OK);
      return 'local renderer (Chromium) available';
    },
  };
}
