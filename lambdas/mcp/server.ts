/**
 * The MCP server (Model Context Protocol, the official SDK): one definition of the tools an agent
 * uses to make videos, whatever carries it — Streamable HTTP at POST /api/mcp in Lambda
 * (lambdas/api/mcp/handler.ts), stdio through `npx shorts mcp` (lib/local/mcp-stdio.ts).
 *
 * Each tool is one API route run for the caller: its input schema is the route's own zod schema
 * (as GET /api/openapi.json shows it), its arguments become the route's request, and the route's
 * answer is the tool's result — the same validation, limits, debits and messages as over HTTP.
 * The SDK's low-level `Server` is used rather than `McpServer` because `McpServer` would validate
 * the arguments itself, with its own messages, before the route does.
 */
// zod before the SDK: in an esbuild bundle the SDK's modules use zod as they load (lambdas/api/mcp/handler.ts).
import { z } from 'zod';
import { CreateVideoBody, IdempotencyKeySchema, ListQuery, VideoIdSchema, VoicesQuery } from '../api/schemas.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';

/** The request a tool makes of its route. */
export interface RouteCall {
  pathParameters?: Record<string, string>;
  /** Query string parameters, as API Gateway passes them (strings). */
  query?: Record<string, string>;
  /** The JSON body. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** A route's answer: its status and parsed JSON body. */
export interface RouteAnswer {
  status: number;
  body: unknown;
}

/** Runs the route `routeId` (lambdas/api/routes.ts) for the caller the server was made for. */
export type RouteInvoker = (routeId: string, call: RouteCall) => Promise<RouteAnswer>;

/** One tool: the route it runs, its input schema, how its arguments become the request, and a sentence about the answer. */
export interface McpTool {
  name: string;
  /** The id of the route it runs (its grants are the MCP function's: routes.ts). */
  route: string;
  title: string;
  description: string;
  input: z.ZodObject;
  request(args: Record<string, unknown>): RouteCall;
  summary(body: any): string;
}

/** A query string parameter as API Gateway would pass it: the text, never an object. */
const asQuery = (args: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(args).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]));

/** An argument that cannot be put into the route's request: a tool error naming it. */
export class ToolArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolArgumentError';
  }
}

const VideoIdArgs = z.object({ id: VideoIdSchema.describe("The video's id, as create_video or list_videos returned it.") }).strict();
const CreateVideoArgs = CreateVideoBody.extend({
  idempotencyKey: IdempotencyKeySchema.optional().describe(
    'Any unique string (a UUID). Repeating create_video with the same key within 24 h returns the first video and debits once: use it when retrying.',
  ),
});

function videoLine(video: { id: string; status: string; title?: string; prompt: string; progress: number }): string {
  return `- ${video.id} ${video.status}${video.status === 'RUNNING' ? ` ${Math.round(video.progress)}%` : ''}: ${video.title ?? video.prompt}`;
}

export const MCP_TOOLS: readonly McpTool[] = [
  {
    name: 'create_video',
    route: 'CreateVideo',
    title: 'Order a short video',
    description:
      'Orders a narrated, captioned short video about `prompt` (3–500 characters). It costs credits: 1 for up to 60 seconds, 2 above ' +
      '(get_credits shows the balance). Optional: `seconds` (10–90, default 30), `aspect` (9:16, 1:1 or 16:9), `voice` (an id from ' +
      'list_voices), `captionStyle`, `music` (none, calm, upbeat, dramatic, inspiring, lofi, or a checked track id trk_…), and `idempotencyKey` to make retries safe. Returns the video id at once; the video takes a few ' +
      'minutes: call get_video with the id until its status is SUCCEEDED (its videoUrl is the MP4) or FAILED (its credits are refunded).',
    input: CreateVideoArgs,
    request({ idempotencyKey, ...body }) {
      if (idempotencyKey !== undefined && typeof idempotencyKey !== 'string') throw new ToolArgumentError('idempotencyKey must be a string (Idempotency-Key).');
      return { body, ...(idempotencyKey !== undefined ? { headers: { 'idempotency-key': idempotencyKey } } : {}) };
    },
    summary: (video: { id: string; status: string; credits: number; replayed: boolean }) =>
      `Video ${video.id} is ${video.status}; ${video.credits} credit${video.credits === 1 ? '' : 's'} debited` +
      `${video.replayed ? ' (this idempotencyKey was used before: this is the video it ordered, debited once)' : ''}. ` +
      `Call get_video with id "${video.id}" every 10 seconds or so until its status is SUCCEEDED or FAILED.`,
  },
  {
    name: 'get_video',
    route: 'GetVideo',
    title: 'A video: status, progress, URL',
    description:
      'One of your videos by id: its status (QUEUED, RUNNING, SUCCEEDED, FAILED), progress in percent, the step it is at, and the error ' +
      'of a failed one. When it has SUCCEEDED, `videoUrl` is a download URL of the MP4, valid for one hour (call get_video again for a fresh one).',
    input: VideoIdArgs,
    request: ({ id }) => ({ pathParameters: { id: typeof id === 'string' ? id : JSON.stringify(id ?? '') } }),
    summary(video: { id: string; status: string; title?: string; progress: number; currentStep?: string; videoUrl?: string; videoUrlExpiresAt?: string; error?: { message: string }; refunded?: boolean }) {
      const name = video.title ? ` "${video.title}"` : '';
      if (video.status === 'SUCCEEDED' && video.videoUrl) return `Video ${video.id}${name} is done. MP4: ${video.videoUrl} (valid until ${video.videoUrlExpiresAt}).`;
      if (video.status === 'FAILED') return `Video ${video.id}${name} failed: ${video.error?.message ?? 'no reason recorded'}${video.refunded ? ' Its credits were refunded.' : ''}`;
      return `Video ${video.id}${name} is ${video.status}, ${Math.round(video.progress)}% done${video.currentStep ? ` (step: ${video.currentStep})` : ''}. Ask again in about 10 seconds.`;
    },
  },
  {
    name: 'list_videos',
    route: 'ListVideos',
    title: 'Your videos',
    description:
      'Your videos, newest first, with their status and progress: `limit` (1–50, default 20) at a time; pass the answer\'s `nextCursor` as `cursor` for the next page.',
    input: ListQuery,
    request: (args) => ({ query: asQuery(args) }),
    summary: (page: { videos: Parameters<typeof videoLine>[0][]; nextCursor?: string }) =>
      [
        page.videos.length ? `${page.videos.length} video${page.videos.length === 1 ? '' : 's'}, newest first:` : 'No videos yet.',
        ...page.videos.map(videoLine),
        ...(page.nextCursor ? [`More: call list_videos with cursor "${page.nextCursor}".`] : []),
      ].join('\n'),
  },
  {
    name: 'get_credits',
    route: 'GetCredits',
    title: 'Your credits',
    description:
      'Your credit balance and the newest ledger entries (grants, debits for videos, refunds of failed ones, purchases): `limit` (1–50) at a ' +
      'time, `cursor` for the next page. A video costs 1 credit up to 60 seconds, 2 above.',
    input: ListQuery,
    request: (args) => ({ query: asQuery(args) }),
    summary: (credits: { balance: number; entries: unknown[]; nextCursor?: string }) =>
      `Balance: ${credits.balance} credit${credits.balance === 1 ? '' : 's'}. ${credits.entries.length} ledger entr${credits.entries.length === 1 ? 'y' : 'ies'} below, newest first.`,
  },
  {
    name: 'list_voices',
    route: 'ListVoices',
    title: 'Voices',
    description:
      "The voices create_video's `voice` takes with this deployment's voice provider, and the default voice of a video that names none; " +
      '`language` (e.g. es, pt-BR) lists only the voices of that language and its default.',
    input: VoicesQuery,
    request: (args) => ({ query: asQuery(args) }),
    summary: (voices: { provider: string; defaultVoice: string; voices: { id: string; name: string }[] }) =>
      `${voices.voices.length} voices (${voices.provider}); the default is ${voices.defaultVoice}. Ids: ${voices.voices.map((v) => v.id).join(', ')}.`,
  },
];

/** The tool's input schema as JSON Schema: the zod schema the route validates with, as GET /api/openapi.json shows it. */
export function inputJsonSchema(schema: z.ZodObject): Tool['inputSchema'] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  delete json.id;
  return json as Tool['inputSchema'];
}

interface ErrorBody {
  error?: { code?: string; message?: string; retryAfterSeconds?: number };
}

/** A route's error answer as a tool error: its message first (it names the field, the limit, the balance), then code and status. */
function toolError(answer: RouteAnswer): CallToolResult {
  const error = (answer.body as ErrorBody | undefined)?.error;
  const message = error?.message ?? `The API answered ${answer.status}.`;
  const retry = error?.retryAfterSeconds !== undefined ? ` Try again in ${error.retryAfterSeconds} s.` : '';
  return {
    isError: true,
    content: [{ type: 'text', text: `${message}${retry} (${error?.code ?? 'error'}, HTTP ${answer.status})` }],
    ...(answer.body && typeof answer.body === 'object' ? { structuredContent: answer.body as Record<string, unknown> } : {}),
  };
}

/** The package's version is the server's. */
const SERVER_INFO = { name: 'ai-shorts', title: 'ai-shorts', version: '1.0.0' };

/**
 * An MCP server whose tools run their routes through `invoke`; connect it to a transport. A tool
 * that fails unexpectedly is a tool error without details; `onError` (a log) gets them.
 */
export function mcpServer(invoke: RouteInvoker, onError: (error: unknown) => void = () => {}): Server {
  const server = new Server(SERVER_INFO, {
    capabilities: { tools: {} },
    instructions:
      'ai-shorts makes narrated, captioned short videos from a prompt. Order one with create_video, then call get_video with its id ' +
      'until it has SUCCEEDED (videoUrl is the MP4) or FAILED. Videos cost credits (get_credits).',
  });
  const tools = new Map(MCP_TOOLS.map((tool) => [tool.name, tool]));
  const listed: Tool[] = MCP_TOOLS.map((tool) => ({
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: inputJsonSchema(tool.input),
    annotations: { title: tool.title, readOnlyHint: tool.name !== 'create_video', openWorldHint: false },
  }));
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listed }));
  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const tool = tools.get(request.params.name);
    if (!tool) {
      return { isError: true, content: [{ type: 'text', text: `There is no tool "${request.params.name.slice(0, 40)}"; the tools are ${[...tools.keys()].join(', ')}.` }] };
    }
    let call: RouteCall;
    try {
      call = tool.request(request.params.arguments ?? {});
    } catch (error) {
      if (error instanceof ToolArgumentError) return { isError: true, content: [{ type: 'text', text: error.message }] };
      throw error;
    }
    let answer: RouteAnswer;
    try {
      answer = await invoke(tool.route, call);
    } catch (error) {
      onError(error);
      return { isError: true, content: [{ type: 'text', text: 'Something went wrong on our side; try again.' }] };
    }
    if (answer.status >= 400) return toolError(answer);
    const body = answer.body as Record<string, unknown>;
    return {
      content: [
        { type: 'text', text: tool.summary(body) },
        { type: 'text', text: JSON.stringify(body) },
      ],
      structuredContent: body,
    };
  });
  return server;
}
