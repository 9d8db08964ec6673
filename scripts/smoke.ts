/**
 * Verifies a deployment end to end, as a user would use it: `npm run smoke -- --api-url URL --token TOKEN`
 * orders a short video through the API, follows its steps until it is done, downloads the MP4
 * through the file route's presigned redirect and checks it is a video. Exit 0 when it is; 1 with
 * the reason when anything on the way fails; 2 for a bad flag. docs/deploy.md, "Verify your deployment".
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { open, rename, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ApiError, createShortsClient, unwrap, type Schemas } from '../lambdas/api/client/shorts-client.js';

const run = promisify(execFile);

interface Options {
  apiUrl: string;
  token?: string;
  tokenCommand?: string;
  prompt: string;
  seconds: number;
  out?: string;
  timeoutMinutes: number;
  pollSeconds: number;
}

class SmokeFailed extends Error {}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number.');
  return n;
}

/** The API's origin: `https://…` with or without a trailing `/api`. */
function apiBase(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidArgumentError('must be a URL, e.g. https://d1234abcd.cloudfront.net');
  }
  if (!/^https?:$/.test(parsed.protocol)) throw new InvalidArgumentError('must be an http(s) URL.');
  return parsed.href.replace(/\/+$/, '').replace(/\/api$/, '');
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(argv: string[]): Promise<number> {
  const program = new Command('smoke')
    .description('Make a short video through a deployed ai-shorts API and download it.')
    .requiredOption('--api-url <url>', 'the dashboard URL (stack output DashboardUrl), which serves /api; the ApiUrl output refuses requests that skip CloudFront', apiBase)
    .option('--token <token>', 'a session token (Authorization: Bearer); default $SHORTS_TOKEN')
    .option('--token-command <command>', 'a shell command printing a fresh session token, run again when the API answers 401')
    .option('--prompt <text>', 'what the video is about', 'Why the sea is salty')
    .option('--seconds <n>', 'target length (10–90)', positive, 10)
    .option('--out <file.mp4>', 'where to save the video (default smoke-<id>.mp4)')
    .option('--timeout-minutes <n>', 'give up after this long', positive, 15)
    .option('--poll-seconds <n>', 'how often to look at the video', positive, 3)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  let options: Options;
  try {
    program.parse(argv, { from: 'user' });
    options = program.opts<Options>();
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }

  let token = options.token ?? process.env.SHORTS_TOKEN;
  const freshToken = async (): Promise<string | undefined> => {
    if (!options.tokenCommand) return undefined;
    const { stdout } = await run('/bin/sh', ['-c', options.tokenCommand], { timeout: 30_000 });
    return stdout.trim() || undefined;
  };
  token ??= await freshToken();
  if (!token) {
    process.stderr.write('error: give a session token with --token, $SHORTS_TOKEN or --token-command.\n');
    return 2;
  }

  /** Every request; a 401 is retried once with a fresh token when --token-command can make one. */
  const fetchRetrying = async (request: Request): Promise<Response> => {
    const again = request.clone();
    const response = await fetch(request, { redirect: 'manual' });
    if (response.status !== 401) return response;
    const fresh = await freshToken();
    if (!fresh) return response;
    token = fresh;
    again.headers.set('authorization', `Bearer ${fresh}`);
    return fetch(again, { redirect: 'manual' });
  };
  // The typed client (docs/api.md "Typed client"): the answers' shapes are the API's own.
  const api = createShortsClient({ baseUrl: options.apiUrl, token: () => token, fetch: fetchRetrying });
  const answer = async <T>(what: string, call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> => {
    try {
      return await unwrap(call);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      throw new SmokeFailed(error.status === 0 ? `${what}: the API did not answer (${error.message}).` : `${what}: HTTP ${error.status}: ${error.message}`);
    }
  };

  const me = await answer('GET /api/me (signing in)', api.GET('/api/me'));
  say(`signed in as ${me.userId}, ${me.balance} credit(s)`);

  const created = await answer(
    'POST /api/videos',
    api.POST('/api/videos', {
      body: { prompt: options.prompt, seconds: options.seconds, aspect: '9:16' },
      params: { header: { 'Idempotency-Key': randomUUID() } },
    }),
  );
  say(`video ${created.id} queued`);

  const deadline = Date.now() + options.timeoutMinutes * 60_000;
  let lastLine = '';
  let video: Schemas['VideoDetail'];
  for (;;) {
    video = await answer(`GET /api/videos/${created.id}`, api.GET('/api/videos/{id}', { params: { path: { id: created.id } } }));
    const running = video.steps.filter((s) => s.status === 'running').map((s) => s.label).join(', ');
    const line = `  ${video.status.toLowerCase()}${running ? ` · ${running}` : ''} · ${Math.round(video.progress)}%`;
    if (line !== lastLine) say((lastLine = line));
    if (video.status === 'SUCCEEDED' || video.status === 'FAILED') break;
    if (Date.now() > deadline) throw new SmokeFailed(`the video was not done after ${options.timeoutMinutes} minutes (it is ${video.status.toLowerCase()}).`);
    await new Promise((r) => setTimeout(r, options.pollSeconds * 1000));
  }
  if (video.status === 'FAILED') {
    throw new SmokeFailed(`the video failed${video.error?.step ? ` at ${video.error.step}` : ''}: ${video.error?.message ?? 'no reason given'}`);
  }

  // A redirect is not data: the file route is called as is and its Location followed here.
  const file = await fetchRetrying(new Request(`${options.apiUrl}/api/videos/${encodeURIComponent(created.id)}/file`, { headers: { authorization: `Bearer ${token}` } })).catch(
    (error: Error) => {
      throw new SmokeFailed(`GET /api/videos/${created.id}/file: the API did not answer (${error.message}).`);
    },
  );
  const location = file.headers.get('location');
  if (file.status !== 302 || !location) throw new SmokeFailed(`GET /api/videos/${created.id}/file: expected a redirect to the MP4, got HTTP ${file.status}.`);
  const download = await fetch(location);
  if (!download.ok) throw new SmokeFailed(`downloading the MP4 from its presigned URL: HTTP ${download.status}.`);
  const bytes = Buffer.from(await download.arrayBuffer());
  // An MP4 starts with a box whose type, at byte 4, is "ftyp".
  if (bytes.length < 12 || bytes.subarray(4, 8).toString('latin1') !== 'ftyp') throw new SmokeFailed(`the file is not an MP4 (${bytes.length} bytes).`);
  const out = resolve(options.out ?? `smoke-${created.id}.mp4`);
  const partial = `${out}.${process.pid}.partial`;
  try {
    await writeFile(partial, bytes);
    await rename(partial, out);
  } catch (error) {
    await rm(partial, { force: true });
    throw new SmokeFailed(`cannot write ${out}: ${(error as Error).message}`);
  }
  let shape = '';
  try {
    const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,width,height', '-of', 'json', out]);
    const probe = JSON.parse(stdout) as { format: { duration: string }; streams: { codec_type: string; width?: number; height?: number }[] };
    const v = probe.streams.find((s) => s.codec_type === 'video');
    shape = `, ${Number(probe.format.duration).toFixed(1)} s${v ? `, ${v.width}×${v.height}` : ''}${probe.streams.some((s) => s.codec_type === 'audio') ? ', with sound' : ', NO SOUND'}`;
  } catch {
    // ffprobe is optional here
  }
  const handle = await open(out);
  const { size } = await handle.stat();
  await handle.close();
  say(`ok: ${out} (${(size / 1e6).toFixed(1)} MB${shape})`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`smoke test failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
