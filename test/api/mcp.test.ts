/**
 * The MCP server with the SDK's own client, over both transports: Streamable HTTP at /api/mcp of
 * the local server (the MCP function under its own grants), and `shorts mcp` over stdio (the CLI
 * as a child process, its own local cloud in-process, or a running server's with `--api`).
 * Videos are really made (offline providers, 10 s).
 */
import './quiet-logs.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../lambdas/api/routes.js';
import { MCP_TOOLS } from '../../lambdas/mcp/server.js';
import { startDevServer, type DevServer } from '../../lib/local/dev-server.js';
import { withRouteThrottle } from '../support/route-throttle.js';
import { ApiClient } from './api-client.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = path.join(ROOT, 'bin', 'shorts.mjs');
const TOOLS = ['create_video', 'get_video', 'list_videos', 'get_credits', 'list_voices'];

/** A tool's answer, typed as a plain tool result. */
async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult & { structuredContent?: any }> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult & { structuredContent?: any };
}

function text(result: CallToolResult): string {
  return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
}

/** The create_video tool lists the API's own request schema (GET /api/openapi.json's CreateVideoRequest). */
async function expectApiSchemas(client: Client, baseUrl: string): Promise<void> {
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(TOOLS));
  const openapi = await (await fetch(`${baseUrl}/api/openapi.json`)).json();
  const request = openapi.components.schemas.CreateVideoRequest;
  const create = tools.find((t) => t.name === 'create_video')!;
  expect(create.inputSchema.type).toBe('object');
  // Every field of the API's body, exactly as the API documents it; the Idempotency-Key header as one more.
  for (const [name, schema] of Object.entries(request.properties)) expect(create.inputSchema.properties?.[name], name).toEqual(schema);
  expect(Object.keys(create.inputSchema.properties ?? {}).sort()).toEqual([...Object.keys(request.properties), 'idempotencyKey'].sort());
  expect(create.inputSchema.required).toEqual(request.required);
  expect((create.inputSchema as { additionalProperties?: unknown }).additionalProperties).toBe(false);
  for (const tool of tools) expect(tool.description?.length, tool.name).toBeGreaterThan(40);
  const list = tools.find((t) => t.name === 'list_videos')!;
  expect(Object.keys(list.inputSchema.properties ?? {}).sort()).toEqual(['cursor', 'limit']);
}

/** Orders a 10 s video, follows it to SUCCEEDED, downloads its MP4 and checks the debit. */
async function makeVideo(client: Client): Promise<void> {
  const before = await call(client, 'get_credits');
  expect(before.isError, text(before)).toBeFalsy();
  const balance: number = before.structuredContent.balance;

  const created = await call(client, 'create_video', { prompt: 'Why octopuses have three hearts', seconds: 10, aspect: '1:1' });
  expect(created.isError, text(created)).toBeFalsy();
  const id: string = created.structuredContent.id;
  expect(created.structuredContent).toMatchObject({ status: 'QUEUED', credits: 1 });
  expect(text(created)).toContain(id);

  let video: any;
  const deadline = Date.now() + 300_000;
  for (;;) {
    const answer = await call(client, 'get_video', { id });
    expect(answer.isError, text(answer)).toBeFalsy();
    video = answer.structuredContent;
    if (video.status === 'SUCCEEDED') {
      expect(text(answer)).toContain(video.videoUrl);
      break;
    }
    expect(video.status, JSON.stringify(video.error)).not.toBe('FAILED');
    expect(Date.now()).toBeLessThan(deadline);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const file = await fetch(video.videoUrl);
  expect(file.status).toBe(200);
  const bytes = new Uint8Array(await file.arrayBuffer());
  expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe('ftyp'); // an MP4's first box
  expect(bytes.byteLength).toBeGreaterThan(10_000);

  const after = await call(client, 'get_credits');
  expect(after.structuredContent.balance).toBe(balance - 1);
  expect(after.structuredContent.entries).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'debit', delta: -1, jobId: id })]));

  const listed = await call(client, 'list_videos', { limit: 5 });
  expect(listed.structuredContent.videos.map((v: { id: string }) => v.id)).toContain(id);
}

/** Bad input is a tool error with the API's message naming the field; nothing is ordered. */
async function expectToolErrors(client: Client): Promise<void> {
  const short = await call(client, 'create_video', { prompt: 'Why octopuses have three hearts', seconds: 5 });
  expect(short.isError).toBe(true);
  expect(text(short)).toContain('seconds must be at least 10');
  const unknown = await call(client, 'create_video', { prompt: 'Why octopuses have three hearts', colour: 'red' });
  expect(unknown.isError).toBe(true);
  expect(text(unknown)).toContain('colour is not a known field');
  const missing = await call(client, 'create_video', {});
  expect(missing.isError).toBe(true);
  expect(text(missing)).toContain('prompt');
  const badKey = await call(client, 'create_video', { prompt: 'Why octopuses have three hearts', idempotencyKey: '' });
  expect(badKey.isError).toBe(true);
  expect(text(badKey)).toContain('Idempotency-Key');
  const limit = await call(client, 'list_videos', { limit: 500 });
  expect(limit.isError).toBe(true);
  expect(text(limit)).toContain('limit must be at most 50');
  const nobody = await call(client, 'get_video', { id: '00000000-0000-4000-8000-000000000000' });
  expect(nobody.isError).toBe(true);
  expect(text(nobody)).toMatch(/no video/i);
  const notAnId = await call(client, 'get_video', { id: 'x'.repeat(5000) });
  expect(notAnId.isError).toBe(true);
  expect(text(notAnId).length).toBeLessThan(500);
}

describe('the MCP route', () => {
  it('uses exactly the grants of the routes its tools run, and takes its own throttle', () => {
    const mcp = API_ROUTES.find((r) => r.path === '/api/mcp')!;
    expect(mcp).toMatchObject({ method: 'POST', auth: 'user' });
    const tools = MCP_TOOLS.map((tool) => API_ROUTES.find((r) => r.id === tool.route)!);
    const union = <T>(pick: (r: (typeof API_ROUTES)[number]) => readonly T[] | undefined) => [...new Set(tools.flatMap((r) => pick(r) ?? []))].sort();
    expect([...mcp.access.store].sort()).toEqual(union((r) => r.access.store));
    expect([...(mcp.access.objects?.read ?? [])].sort()).toEqual(union((r) => r.access.objects?.read));
    expect(mcp.access.objects?.delete ?? []).toEqual(union((r) => r.access.objects?.delete));
    expect([...(mcp.access.env ?? [])].sort()).toEqual(union((r) => r.access.env));
    expect(mcp.access.secrets ?? []).toEqual(union((r) => r.access.secrets));
    expect(mcp.access.queue ?? false).toBe(tools.some((r) => r.access.queue));
    expect(mcp.access.ops).toBeUndefined();
    expect(MCP_TOOLS.map((t) => t.name).sort()).toEqual([...TOOLS].sort());
  });
});

describe('MCP over Streamable HTTP (/api/mcp)', () => {
  let server: DevServer;
  let client: Client;

  beforeAll(async () => {
    const alterTemplate = withRouteThrottle('POST /api/mcp', { rate: 1000, burst: 1000 });
    server = await startDevServer({ port: 0, inMemory: true, quiet: true, maxRunningPipelines: 1, alterTemplate });
    const user = await ApiClient.signIn(server.url, 'user_mcp_http');
    client = new Client({ name: 'mcp-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/api/mcp`), { requestInit: { headers: { authorization: `Bearer ${user.token}` } } }));
  });

  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  it('answers 401 without a token, and with a bad one, before any JSON-RPC', async () => {
    const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } };
    for (const authorization of [undefined, 'Bearer not.a.token']) {
      const answer = await fetch(`${server.url}/api/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(initialize),
      });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      expect((await answer.json()).error.code).toBe('unauthorized');
    }
  });

  it('lists the tools with the API input schemas', async () => {
    await expectApiSchemas(client, server.url);
  });

  it('answers bad input with a tool error naming the field', async () => {
    await expectToolErrors(client);
  });

  it('makes a video: create_video, get_video until SUCCEEDED, an MP4 at its URL, the debit in get_credits', { timeout: 360_000 }, async () => {
    await makeVideo(client);
  });

  it('answers hostile JSON-RPC with 4xx or a JSON-RPC error, never a 5xx', async () => {
    const user = await ApiClient.signIn(server.url, 'user_mcp_hostile');
    const bodies = [
      '',
      'not json',
      '[]',
      '{}',
      '{"jsonrpc":"2.0"}',
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'create_video', arguments: 'x' } }),
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'create_video', arguments: { prompt: 'a\u0000b\u0007c' } } }),
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'nope' } }),
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_video', arguments: { id: 7 } } }),
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'list_videos', arguments: { limit: { a: 1 }, cursor: ['x'] } } }),
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_credits', arguments: { cursor: 'not-a-cursor' } } }),
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'x'.repeat(10_000) }),
      `${'['.repeat(5000)}${']'.repeat(5000)}`,
    ];
    for (const body of bodies) {
      const answer = await fetch(`${server.url}/api/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${user.token}` },
        body,
      });
      const textBody = await answer.text();
      expect(answer.status, `${body.slice(0, 80)} → ${textBody.slice(0, 300)}`).toBeLessThan(500);
      expect(textBody).not.toMatch(/arn:aws|Exception|\/work\/|node_modules/);
    }
    // The transport's refusals come in the API's error shape, like every other refusal.
    const notJson = await fetch(`${server.url}/api/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${user.token}` },
      body: 'not json',
    });
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error).toMatchObject({ code: 'invalid_request', jsonrpcCode: -32700 });
    const noAccept = await fetch(`${server.url}/api/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(noAccept.status).toBe(406);
    expect((await noAccept.json()).error.code).toBe('not_acceptable');
    const oversized = await fetch(`${server.url}/api/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${user.token}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(100 * 1024) } }),
    });
    expect(oversized.status).toBe(413);
  });
});

describe('npx shorts mcp (stdio)', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'shorts-mcp-'));
  });

  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const env = () => Object.fromEntries(Object.entries({ ...process.env, POWERTOOLS_LOG_LEVEL: 'INFO' }).filter((e): e is [string, string] => e[1] !== undefined));

  it('runs its own local cloud: tools/list, then a video made, downloaded and paid for', { timeout: 600_000 }, async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', '--data-dir', dataDir, '--user', 'user_mcp_stdio'], cwd: ROOT, env: env(), stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: 'mcp-test', version: '1.0.0' });
    // A line on stdout that is not JSON-RPC (a log) would be reported here.
    const protocolErrors: Error[] = [];
    client.onerror = (error) => protocolErrors.push(error);
    try {
      // The first answer waits for the local cloud to start (the JVM of DynamoDB Local, the stack's contract).
      await client.connect(transport, { timeout: 240_000 });
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(TOOLS));
      await makeVideo(client);
      await expectToolErrors(client);
      expect(protocolErrors).toEqual([]);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- shorts mcp stderr ---\n${stderr.slice(-4000)}`, { cause: error });
    } finally {
      await client.close();
    }
    // The local cloud told its story on stderr (stdout carried only the protocol, or the client would have failed).
    expect(stderr).toContain('local cloud');
  });

  describe('with --api, against a running server', () => {
    let server: DevServer;
    beforeAll(async () => {
      server = await startDevServer({ port: 0, inMemory: true, quiet: true, maxRunningPipelines: 0 });
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('signs in as --user on a local server and answers with its API', { timeout: 120_000 }, async () => {
      const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', '--api', server.url, '--user', 'user_mcp_remote'], cwd: ROOT, env: env(), stderr: 'pipe' });
      const client = new Client({ name: 'mcp-test', version: '1.0.0' });
      const protocolErrors: Error[] = [];
      client.onerror = (error) => protocolErrors.push(error);
      try {
        await client.connect(transport);
        await expectApiSchemas(client, server.url);
        const created = await call(client, 'create_video', { prompt: 'How tides work', seconds: 10, idempotencyKey: 'mcp-remote-1' });
        expect(created.isError, text(created)).toBeFalsy();
        const again = await call(client, 'create_video', { prompt: 'How tides work', seconds: 10, idempotencyKey: 'mcp-remote-1' });
        expect(again.structuredContent).toMatchObject({ id: created.structuredContent.id, replayed: true });
        // The video belongs to the --user: the API shows it to that user.
        const user = await ApiClient.signIn(server.url, 'user_mcp_remote');
        expect((await user.videos()).map((v) => v.id)).toEqual([created.structuredContent.id]);
        expect(protocolErrors).toEqual([]);
      } finally {
        await client.close();
      }
    });

    it('refuses a bad token with the API answer', { timeout: 60_000 }, async () => {
      const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', '--api', server.url, '--token', 'not.a.token'], cwd: ROOT, env: env(), stderr: 'pipe' });
      const client = new Client({ name: 'mcp-test', version: '1.0.0' });
      // The waiting initialize is answered with the API's refusal (and the command exits 1).
      await expect(client.connect(transport)).rejects.toThrow(/could not start: .*answered 401: .*session token/i);
      await client.close().catch(() => undefined);
    });
  });
});
