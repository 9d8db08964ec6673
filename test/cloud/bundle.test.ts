/**
 * A handler's cloud bundle must load where there is no node_modules (a Lambda's /var/task):
 * synth cannot tell, the first invocation would. Bundles two handlers with the options the
 * stack gives NodejsFunction and imports each in a child process from a bare directory.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../lambdas/api/routes.js';
import { QUEUE_FUNCTIONS } from '../../lambdas/queue/registry.js';
import { STEP_FUNCTIONS } from '../../lambdas/steps/registry.js';
import { BUNDLE_BANNER, BUNDLE_TARGET, OFFLINE_ONLY_IMPORTS } from '../../lib/cloud/pipeline-function.js';
import { REPO_ROOT } from '../../lib/cloud/paths.js';
import { buildStackContract, loadSynthesizedStack } from '../../lib/local/contract/index.js';

/** The environment Lambda gives the function: its template's variables (from the synthesized stack) and the runtime's own. */
async function lambdaEnvironment(id: string): Promise<Record<string, string>> {
  const contract = buildStackContract(await loadSynthesizedStack(), { sqsEndpoint: 'http://127.0.0.1:9', apiUrl: 'http://127.0.0.1:9' });
  const fn = contract.functions[id];
  if (!fn) throw new Error(`the stack declares no function ${id}`);
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...fn.environment,
    AWS_REGION: contract.region,
    AWS_ACCESS_KEY_ID: 'ASIALOCALBUNDLETEST0',
    AWS_SECRET_ACCESS_KEY: 'bundle-test',
    AWS_SESSION_TOKEN: 'bundle-test',
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    // The Lambda runtime's id: with it the steps load the X-Ray SDK.
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  };
}

describe('cloud bundles', () => {
  // Parse Script stands for every step (they share the composition root); Start Render adds Remotion's client;
  // Create Checkout the API's (stripe, @clerk/backend); Dispatch Jobs the queue's (SQS, Step Functions); Get Health the probes;
  // Mcp the MCP SDK (and the five routes its tools run).
  const entries = new Map([...STEP_FUNCTIONS, ...API_ROUTES, ...QUEUE_FUNCTIONS].map((fn) => [fn.id, fn.entry]));
  for (const id of ['ParseScript', 'StartRender', 'CreateCheckout', 'DispatchJobs', 'GetHealth', 'Mcp']) {
    it(`${id} loads without node_modules`, async () => {
      const spec = { entry: entries.get(id)! };
      const outdir = mkdtempSync(join(tmpdir(), 'ai-shorts-bundle-'));
      const outfile = join(outdir, 'index.mjs');
      await build({
        entryPoints: [join(REPO_ROOT, spec.entry)],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: BUNDLE_TARGET,
        mainFields: ['module', 'main'],
        external: OFFLINE_ONLY_IMPORTS,
        banner: { js: BUNDLE_BANNER },
        minify: true,
        logLevel: 'silent',
      });

      const loaded = spawnSync(
        process.execPath,
        ['--input-type=module', '-e', `const m = await import(${JSON.stringify(outfile)}); console.log(typeof m.handler);`],
        // Module scope builds the function's dependencies from its environment: the one Lambda gives it.
        { cwd: outdir, encoding: 'utf8', timeout: 60_000, env: await lambdaEnvironment(id) },
      );

      // A missing '../adapters/offline/…' means a module on every step's import path (the composition
      // root) imports an offline adapter statically; import it on demand, as the local renderer is.
      const error = loaded.stderr.split('\n').find((line) => /Error/.test(line)) ?? '';
      rmSync(outdir, { recursive: true, force: true });
      expect(error, `${id}: the Lambda bundle does not load`).toBe('');
      expect(loaded.stdout.trim()).toBe('function');
    });
  }
});
