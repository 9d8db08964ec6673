/**
 * `npx shorts mcp`: the MCP server over stdio, for agents that start their tools as commands
 * (Claude Desktop, Claude Code). It relays each JSON-RPC message between stdio and the API's own
 * MCP route, POST /api/mcp, with the caller's bearer token: the tools are the ones the API serves
 * (lambdas/mcp/server.ts), run by the MCP function under its grants, never a second copy.
 *
 * Which API: by default its own local cloud, started in this process as `shorts dev` starts it
 * (on a free port of 127.0.0.1), signed in as `--user` with the local sign-in key; with `--api URL`
 * a running server — a `shorts dev` (signed in as `--user` through its /api/dev/session) or a
 * deployment (`--token`, or SHORTS_TOKEN). stdout carries only the protocol: everything else this
 * process would print goes to stderr.
 */
import { Writable } from 'node:stream';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { isJSONRPCRequest, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { devSigner } from './dev-auth.js';

/** The default local user of `shorts mcp`. */
export const DEFAULT_MCP_USER = 'local-user';

export interface McpCommandOptions {
  /** A running server's URL; without it, a local cloud starts in this process. */
  api?: string;
  /** A bearer token for `api` (a session token, or an API key where the API takes them). */
  token?: string;
  /** The user to sign in as locally. */
  user: string;
  dataDir?: string;
}

/** A token that stays valid: minted again an hour before it expires. */
type TokenSource = () => Promise<string>;

/** The API refused the token, or could not be reached: said on stderr, the command exits 1. */
export class McpStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'McpStartError';
  }
}

function renewing(mint: () => Promise<{ token: string; expiresAt: Date }>): TokenSource {
  let current: { token: string; expiresAt: Date } | undefined;
  return async () => {
    if (!current || current.expiresAt.getTime() - Date.now() < 3600_000) current = await mint();
    return current.token;
  };
}

/** A session token from a local `shorts dev`'s sign-in route (it exists only there). */
function devSession(api: string, userId: string): TokenSource {
  return renewing(async () => {
    const answer = await fetch(new URL('/api/dev/session', api), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) });
    if (answer.status === 404) throw new McpStartError(`${api} has no local sign-in (it is not a shorts dev): pass --token (or set SHORTS_TOKEN).`);
    const body = (await answer.json().catch(() => ({}))) as { token?: string; expiresAt?: string; error?: { message?: string } };
    if (!answer.ok || !body.token) throw new McpStartError(`Signing in as "${userId}" at ${api} failed (${answer.status}): ${body.error?.message ?? 'no token'}`);
    return { token: body.token, expiresAt: new Date(body.expiresAt ?? Date.now() + 3600_000) };
  });
}

/** Checks that the API's MCP route takes the token (a `ping`), so a bad one stops the command at once with the API's answer. */
async function checkAccess(endpoint: URL, token: string): Promise<void> {
  let answer: Response;
  try {
    answer = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'ping' }),
    });
  } catch (error) {
    throw new McpStartError(`Cannot reach ${endpoint.href}: ${(error as Error).message}`);
  }
  if (answer.ok) return;
  const body = (await answer.json().catch(() => ({}))) as { error?: { message?: string } };
  throw new McpStartError(`${endpoint.href} answered ${answer.status}: ${body.error?.message ?? answer.statusText}`);
}

/** The agent's side: stdio, read from the start so nothing it sends while the local cloud starts is lost. */
interface AgentSide {
  transport: StdioServerTransport;
  /** Hands every message, those that came before included, to `forward`. */
  forwardTo(forward: (message: JSONRPCMessage) => void): void;
  /** Answers each waiting request with a JSON-RPC error (the API could not be reached). */
  refuseWaiting(message: string): Promise<void>;
  /** Resolves when the agent closes stdin. */
  closed: Promise<void>;
}

function agentSide(protocolOut: Writable, log: (line: string) => void): AgentSide {
  const transport = new StdioServerTransport(process.stdin, protocolOut);
  const waiting: JSONRPCMessage[] = [];
  let forward: ((message: JSONRPCMessage) => void) | undefined;
  transport.onmessage = (message) => (forward ? forward(message) : waiting.push(message));
  transport.onerror = (error) => log(`mcp: ${error.message}`);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = resolve;
    process.stdin.once('end', resolve);
  });
  return {
    transport,
    forwardTo(next) {
      forward = next;
      for (const message of waiting.splice(0)) next(message);
    },
    async refuseWaiting(text) {
      for (const message of waiting.splice(0)) {
        if (isJSONRPCRequest(message)) await transport.send({ jsonrpc: '2.0', id: message.id, error: { code: -32603, message: text } });
      }
    },
    closed,
  };
}

/**
 * Relays MCP messages between the agent and the API's /api/mcp until stdin closes. A request the
 * API cannot answer (unreachable, a 5xx) gets a JSON-RPC error, so the agent is never left waiting.
 */
async function relay(endpoint: URL, token: TokenSource, agent: AgentSide, log: (line: string) => void): Promise<void> {
  const upstream = new StreamableHTTPClientTransport(endpoint, {
    fetch: async (url, init) => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${await token()}`);
      return fetch(url, { ...init, headers });
    },
  });
  upstream.onerror = (error) => {
    // The API serves no standalone SSE stream (its route takes POST only): the SDK's client asks anyway.
    if (!/SSE stream/i.test(error.message)) log(`mcp: ${error.message}`);
  };
  upstream.onmessage = (message) => void agent.transport.send(message).catch((error: Error) => log(`mcp: writing to stdout failed: ${error.message}`));
  await upstream.start();
  agent.forwardTo((message) => {
    upstream.send(message).catch((error: Error) => {
      log(`mcp: ${error.message}`);
      if (isJSONRPCRequest(message)) {
        void agent.transport.send({ jsonrpc: '2.0', id: message.id, error: { code: -32603, message: `The ai-shorts API did not answer: ${error.message}` } });
      }
    });
  });
  await agent.closed;
  await upstream.close();
}

/** Runs `shorts mcp` until the agent closes stdin (or SIGINT/SIGTERM). */
export async function runMcpCommand(options: McpCommandOptions): Promise<void> {
  // Only the protocol may reach stdout: anything else printed (a library's console.log) goes to stderr.
  const stdoutWrite = process.stdout.write.bind(process.stdout) as (chunk: string | Uint8Array, callback?: (error?: Error | null) => void) => boolean;
  const protocolOut = new Writable({ write: (chunk: Buffer, _encoding, callback) => void stdoutWrite(chunk, callback) });
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  const log = (line: string) => void process.stderr.write(`${line}\n`);
  const agent = agentSide(protocolOut, log);
  await agent.transport.start();

  let stop = async () => {};
  const onSignal = () => void stop().finally(() => process.exit(0));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let api: string;
    let token: TokenSource;
    if (options.api) {
      api = options.api;
      const fixed = options.token ?? process.env.SHORTS_TOKEN;
      token = fixed ? async () => fixed : devSession(api, options.user);
    } else {
      log('Starting the local cloud (DynamoDB Local, S3, SQS, Step Functions) for shorts mcp …');
      const { checkProviderSettings } = await import('../../lambdas/shared/dependencies.js');
      await checkProviderSettings(process.env);
      const { startDevServer } = await import('./dev-server.js');
      const server = await startDevServer({
        port: 0,
        quiet: true,
        settings: { ...process.env, POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN' },
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
        onError: (what, error) => log(`error (${what}): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
      });
      stop = () => server.stop();
      api = server.url;
      const signer = await devSigner(server.dataDir);
      token = renewing(async () => signer.sign({ userId: options.user, origin: server.url }));
      log(`The local cloud is up at ${server.url} (data ${server.dataDir}); the MCP tools act as user "${options.user}".`);
    }
    const endpoint = new URL('/api/mcp', api);
    await checkAccess(endpoint, await token());
    await relay(endpoint, token, agent, log);
  } catch (error) {
    await agent.refuseWaiting(`shorts mcp could not start: ${(error as Error).message}`);
    throw error;
  } finally {
    await stop();
  }
}
