/**
 * The Remotion composition as a deployable site: the layout Remotion's own `deploySite()`
 * produces (`sites/<name>/index.html` plus the bundle, built with public path `/sites/<name>/`),
 * bundled at synth by @remotion/bundler in a child process (CDK's local bundling is synchronous).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Source, type ISource } from 'aws-cdk-lib/aws-s3-deployment';
import { REPO_ROOT } from './paths.js';

/** The site's name: its folder is `sites/ai-shorts/` in the render bucket. */
export const REMOTION_SITE_NAME = 'ai-shorts';
export const REMOTION_SITE_PREFIX = `sites/${REMOTION_SITE_NAME}/`;
export const REMOTION_ENTRY_POINT = join(REPO_ROOT, 'frontend/remotion/index.ts');
const BUNDLE_SCRIPT = join(REPO_ROOT, 'lib/cloud/remotion-site-bundle.ts');

export class SiteBundleFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SiteBundleFailed';
  }
}

/**
 * The bundled composition as a BucketDeployment source. Bundling runs only for stacks CDK is
 * asked to bundle (`aws:cdk:bundling-stacks`); tests get a placeholder asset.
 */
export function remotionSiteSource(): ISource {
  return Source.asset(join(REPO_ROOT, 'frontend/remotion'), {
    // Hash the bundle, not the folder: the composition also imports lambdas/core and fonts from
    // node_modules, so a source hash of frontend/remotion would keep a stale site deployed.
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: local bundling always answers, and a failure throws instead of falling back to Docker.
      image: DockerImage.fromRegistry('local-bundling-only'),
      local: {
        tryBundle(outputDir: string): boolean {
          const result = spawnSync(process.execPath, ['--import', 'tsx', BUNDLE_SCRIPT, outputDir], {
            cwd: REPO_ROOT,
            stdio: ['ignore', 'inherit', 'inherit'],
          });
          if (result.status !== 0) {
            throw new SiteBundleFailed(`Bundling the Remotion site failed (${result.error?.message ?? `exit ${result.status}`}); see the output above.`);
          }
          return true;
        },
      },
    },
  });
}
