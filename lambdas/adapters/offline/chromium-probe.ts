import { access, constants } from 'node:fs/promises';
import type { HealthProbe } from '../../core/ops/health.js';

/**
 * The local render backend: the Chromium that @remotion/renderer drives, and the ffmpeg the
 * layered render draws the pictures with (when it is used), are there and executable.
 */
export function chromiumProbe(executable: string, ffmpeg?: string): HealthProbe {
  return {
    name: 'render',
    target: ffmpeg ? `chromium:${executable} ffmpeg:${ffmpeg}` : `chromium:${executable}`,
    async check() {
      await access(executable, constants.X_OK).catch(() => {
        throw new Error(`no executable Chromium at ${executable}`);
      });
      if (ffmpeg) {
        await access(ffmpeg, constants.X_OK).catch(() => {
          throw new Error(`no executable ffmpeg at ${ffmpeg} (the layered render needs it)`);
        });
        return 'local renderer (Chromium + ffmpeg) available';
      }
      return 'local renderer (Chromium) available';
    },
  };
}
