/**
 * Starts every vendor stub on 127.0.0.1 and prints the environment that points the cloud
 * adapters at them, so the whole product can run "in the cloud configuration" offline:
 *
 *   npx tsx test/support/stubs/serve.ts            # ports chosen freely
 *   npx tsx test/support/stubs/serve.ts --port 4100 # 4100 Groq, 4101 Replicate, 4102 ElevenLabs, 4103 Lambda
 *
 * then, in another shell, paste the printed `export` lines and run the CLI as usual. The
 * Remotion Lambda stub renders for real with the offline renderer (Chromium) and writes the
 * MP4 where the render asked (`outName`), into the local S3 server the props point at.
 * Stop with Ctrl-C.
 */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { ELEVENLABS_STUB_KEY, startElevenLabsStub } from './elevenlabs-stub.js';
import { GROQ_STUB_KEY, startGroqStub } from './groq-stub.js';
import { localRenderBackend } from './local-render-backend.js';
import { REMOTION_STUB_FUNCTION, startRemotionLambdaStub } from './remotion-lambda-stub.js';
import { REPLICATE_STUB_TOKEN, startReplicateStub } from './replicate-stub.js';
import type { RecordedRequest } from './stub-server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', short: 'p' },
    quiet: { type: 'boolean', short: 'q', default: false },
    'no-lambda': { type: 'boolean', default: false },
  },
});

const base = values.port === undefined ? undefined : Number(values.port);
if (base !== undefined && !(Number.isInteger(base) && base > 0 && base < 65532)) {
  console.error(`--port must be a port number, got "${values.port}"`);
  process.exit(2);
}
const port = (offset: number) => (base === undefined ? {} : { port: base + offset });
const log = (vendor: string) => (request: RecordedRequest) => {
  if (!values.quiet) console.error(`[${vendor}] ${request.method} ${request.path}`);
};

const groq = await startGroqStub({ ...port(0), onRequest: log('groq') });
const replicate = await startReplicateStub({ ...port(1), onRequest: log('replicate') });
const elevenlabs = await startElevenLabsStub({ ...port(2), onRequest: log('elevenlabs') });
const lambda = values['no-lambda']
  ? undefined
  : await startRemotionLambdaStub({
      ...port(3),
      onRequest: log('lambda'),
      render: localRenderBackend({ workDir: join(process.env.SHORTS_DATA_DIR ?? join(tmpdir(), 'ai-shorts'), 'render') }),
    });

const env: Record<string, string> = {
  SHORTS_LLM: 'groq',
  GROQ_BASE_URL: groq.baseURL,
  GROQ_API_KEY: GROQ_STUB_KEY,
  SHORTS_IMAGES: 'replicate',
  REPLICATE_BASE_URL: replicate.baseUrl,
  REPLICATE_API_TOKEN: REPLICATE_STUB_TOKEN,
  SHORTS_VOICE: 'elevenlabs',
  ELEVENLABS_BASE_URL: elevenlabs.baseUrl,
  ELEVENLABS_API_KEY: ELEVENLABS_STUB_KEY,
  ...(lambda
    ? {
        SHORTS_RENDER: 'lambda',
        AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
        REMOTION_FUNCTION_NAME: REMOTION_STUB_FUNCTION,
        // The stub renders the bundled composition itself; the URL is passed through only.
        REMOTION_SERVE_URL: `${lambda.endpoint}/sites/ai-shorts/index.html`,
        REMOTION_REGION: 'us-east-1',
      }
    : {}),
};

console.log('# ai-shorts vendor stubs on 127.0.0.1 — paste into the shell that runs the CLI:');
for (const [name, value] of Object.entries(env)) console.log(`export ${name}=${value}`);
console.log('# Ctrl-C stops the stubs.');

const stop = async () => {
  await Promise.all([groq.stop(), replicate.stop(), elevenlabs.stop(), lambda?.stop()]);
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
