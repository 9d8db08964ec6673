/**
 * DynamoDB Local (the official jar, shipped inside the npm package `amplify-dynamodb-simulator`)
 * as a child process on loopback, and table creation from lib/cloud/table-definitions.ts.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { createTableInput, type TableDefinition } from '../cloud/table-definitions.js';
import { DEFAULT_CACHE_DIR } from './contract/synthesize.js';

export const JAVA_REQUIRED_MESSAGE = 'Java 17+ is required for DynamoDB Local: run npm run setup';

export interface DynamoDbLocalOptions {
  /** Keep tables on disk in this directory. Without it the data lives in memory and dies with the process. */
  dbPath?: string;
  /** Port to listen on; a free one when omitted. */
  port?: number;
  /** How long to wait for the first answer. Default 60 s (it takes ~2 s on an idle 2-core machine). */
  startTimeoutMs?: number;
  /** The java executable. Default `java` from PATH. */
  java?: string;
}

export interface DynamoDbLocal {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  port: number;
  /** Stops the process and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

/** The folder holding DynamoDBLocal.jar and DynamoDBLocal_lib inside amplify-dynamodb-simulator. */
export function dynamoDbLocalDirectory(): string {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('amplify-dynamodb-simulator/package.json');
  const directory = path.join(path.dirname(packageJson), 'emulator');
  if (!existsSync(path.join(directory, 'DynamoDBLocal.jar'))) {
    throw new Error(`DynamoDBLocal.jar not found in ${directory}: reinstall amplify-dynamodb-simulator`);
  }
  return directory;
}

/** The launcher that binds DynamoDB Local to 127.0.0.1 (its own main listens on every interface). */
const LAUNCHER_SOURCE = fileURLToPath(new URL('./java/LoopbackDynamoDbLocal.java', import.meta.url));
const LAUNCHER_CLASS = 'LoopbackDynamoDbLocal';

/** The emulator's classpath: its jar and its libraries. */
function emulatorClasspath(directory: string): string[] {
  return [path.join(directory, 'DynamoDBLocal.jar'), path.join(directory, 'DynamoDBLocal_lib', '*')];
}

/**
 * The folder holding the compiled launcher, compiled on first use and kept in
 * node_modules/.cache/ai-shorts/ by a hash of its source and the java executable. It is compiled
 * with javac run from the JVM's own module image (`java -m jdk.compiler/…`), which Debian's
 * openjdk-17-jre-headless ships, so no JDK is needed. Concurrent first starts each compile into a
 * folder of their own and the first rename wins.
 */
export async function loopbackLauncher(java = 'java', cacheDir = DEFAULT_CACHE_DIR): Promise<string> {
  const source = readFileSync(LAUNCHER_SOURCE);
  const hash = createHash('sha256').update(source).update('\0').update(java).digest('hex').slice(0, 16);
  const directory = path.join(cacheDir, `dynamodb-local-launcher-${hash}`);
  if (existsSync(path.join(directory, `${LAUNCHER_CLASS}.class`))) return directory;
  await mkdir(cacheDir, { recursive: true });
  const scratch = `${directory}.${process.pid}-${randomUUID().slice(0, 8)}`;
  const classpath = emulatorClasspath(dynamoDbLocalDirectory()).join(path.delimiter);
  try {
    await promisify(execFile)(java, ['-m', 'jdk.compiler/com.sun.tools.javac.Main', '-nowarn', '-cp', classpath, '-d', scratch, LAUNCHER_SOURCE], {
      timeout: 120_000,
    });
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    const { code, stderr } = error as { code?: string | number; stderr?: string };
    if (code === 'ENOENT') throw new Error(JAVA_REQUIRED_MESSAGE, { cause: error });
    // Refuse rather than fall back to the jar's own main, which would listen on every interface.
    throw new Error(
      `DynamoDB Local's loopback launcher could not be compiled with ${java} (the JVM needs its jdk.compiler module: ` +
        `install openjdk-17-jre-headless or a full JDK):\n${(stderr ?? (error as Error).message).trim()}`,
      { cause: error },
    );
  }
  try {
    await rename(scratch, directory);
  } catch (error) {
    // Another process compiled it first (rename onto a non-empty folder fails): use theirs.
    await rm(scratch, { recursive: true, force: true });
    if (!existsSync(path.join(directory, `${LAUNCHER_CLASS}.class`))) throw error;
  }
  return directory;
}

/** A port nobody listens on right now (there is a small race until java binds it; start() retries). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A client for the emulator itself; it accepts any credentials and region (-sharedDb). */
function probeClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    // A probe that hangs (something else holds the port and never answers) must not stop the
    // start loop from seeing that java exited.
    requestHandler: { connectionTimeout: 1000, requestTimeout: 2000 },
  });
}

/**
 * Runs "$@" (java …) in the background and kills it when stdin reaches EOF or the shell gets
 * TERM/INT/HUP; exits with the JVM's status. fd 3 keeps our stdin for the watcher, because a
 * background job's own stdin is /dev/null.
 */
const GUARD_SCRIPT = `
exec 3<&0
"$@" </dev/null 3<&- &
child=$!
( cat <&3 >/dev/null; kill "$child" 2>/dev/null ) &
exec 3<&-
trap 'kill "$child" 2>/dev/null' TERM INT HUP
wait "$child"
status=$?
while kill -0 "$child" 2>/dev/null; do wait "$child"; status=$?; done
exit "$status"
`;

/**
 * JVM settings for a small, single-user emulator. Without them the JVM sizes itself for a
 * server (G1, a heap of up to a quarter of RAM, both JIT tiers) and sits at ~215–235 MB PSS;
 * with them ~135–145 MB, and it starts and answers no slower (measured with 100 concurrent
 * transactions and 3000 writes on disk). Its live heap under the test suite stays ~20–30 MB.
 * IgnoreUnrecognizedVMOptions keeps older Java 17 builds (no TrimNativeHeapInterval) working.
 */
export const DYNAMODB_LOCAL_JVM_OPTIONS = [
  '-XX:+IgnoreUnrecognizedVMOptions',
  '-Xms16m',
  '-Xmx96m',
  // One GC thread and no concurrent GC machinery: nothing here needs short pauses.
  '-XX:+UseSerialGC',
  // The C1 compiler only: C2's compiler threads and code cost memory for no gain in an emulator.
  '-XX:TieredStopAtLevel=1',
  '-XX:ReservedCodeCacheSize=32m',
  // Gives freed native memory (sqlite's page cache, per-thread malloc arenas) back to the OS.
  '-XX:TrimNativeHeapInterval=2000',
];

class StartFailed extends Error {
  constructor(
    message: string,
    readonly portTaken: boolean,
  ) {
    super(message);
    this.name = 'StartFailed';
  }
}

async function startOnce(options: DynamoDbLocalOptions, port: number): Promise<DynamoDbLocal> {
  const cwd = dynamoDbLocalDirectory();
  const storage = options.dbPath ? ['-dbPath', path.resolve(options.dbPath)] : ['-inMemory'];
  if (options.dbPath) await mkdir(options.dbPath, { recursive: true });
  const launcher = await loopbackLauncher(options.java ?? 'java');
  const args = [
    ...DYNAMODB_LOCAL_JVM_OPTIONS,
    `-Djava.library.path=${path.join(cwd, 'DynamoDBLocal_lib')}`,
    '-cp',
    [launcher, ...emulatorClasspath(cwd)].join(path.delimiter),
    LAUNCHER_CLASS,
    '-port',
    String(port),
    ...storage,
    // One database for every access key and region, so the CLI, tests and handlers agree.
    '-sharedDb',
    '-disableTelemetry',
  ];

  // Through a small shell that kills the JVM when our end of its stdin closes: that happens on
  // stop() and also when this process dies without cleaning up (SIGKILL, a killed test worker,
  // Ctrl-C), which would otherwise leave DynamoDB Local running and holding its port and files.
  const child: ChildProcess = spawn('/bin/sh', ['-c', GUARD_SCRIPT, 'dynamodb-local', options.java ?? 'java', ...args], {
    cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.stdin?.on('error', () => {}); // EPIPE when the shell is already gone

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      child.stdin?.destroy(); // lets the watcher shell (if still reading) finish
      resolve();
    });
    child.once('error', (error) => {
      spawnError = error;
      resolve();
    });
  });

  const stop = async () => {
    if (exited || spawnError) return;
    child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exit;
    clearTimeout(timer);
  };

  const endpoint = `http://127.0.0.1:${port}`;
  const client = probeClient(endpoint);
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  try {
    for (;;) {
      if (spawnError) throw new Error(`DynamoDB Local could not start: ${spawnError.message}`, { cause: spawnError });
      if (exited) {
        // 127/126: the shell found no runnable java; UnsupportedClassVersionError: Java older than 17.
        if (exited.code === 127 || exited.code === 126 || /UnsupportedClassVersionError/.test(output)) {
          throw new Error(`${JAVA_REQUIRED_MESSAGE}\n${output.trim()}`);
        }
        throw new StartFailed(
          `DynamoDB Local exited (${exited.code ?? exited.signal}) before answering:\n${output.trim()}`,
          /Address already in use|BindException/i.test(output),
        );
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return { endpoint, port, stop };
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${options.startTimeoutMs ?? 60_000} ms:\n${output.trim()}`);
      }
      await sleep(100);
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
}

/**
 * Starts DynamoDB Local on 127.0.0.1 and resolves once it answers ListTables.
 * Needs Java 17+ on PATH.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await startOnce(options, port);
    } catch (error) {
      // Someone took the free port between our probe and java's bind: pick another.
      if (error instanceof StartFailed && error.portTaken && options.port === undefined && attempt < 3) continue;
      throw error;
    }
  }
}

async function describe(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

function isActive(table: TableDescription | undefined): boolean {
  return table?.TableStatus === 'ACTIVE' && (table.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
}

async function waitActive(client: DynamoDBClient, tableName: string, timeoutMs: number): Promise<TableDescription> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const table = await describe(client, tableName);
    if (table && isActive(table)) return table;
    if (Date.now() > deadline) throw new Error(`table ${tableName} did not become ACTIVE within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** The key schema of a table as `name:TYPE/HASH,…`, for comparing a stored table with its definition. */
function keySignature(table: TableDescription): string {
  const types = new Map((table.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]));
  return (table.KeySchema ?? []).map((k) => `${k.AttributeName}:${types.get(k.AttributeName)}/${k.KeyType}`).join(',');
}

export interface EnsureTablesOptions {
  /** The name to give each table. Default: its `localTableName`. */
  tableName?: (definition: TableDefinition) => string;
  timeoutMs?: number;
}

/** One table to make sure of: what CreateTable would be given, and its TTL attribute if any. */
export interface WantedTable {
  logicalName: string;
  createTableInput: CreateTableCommandInput;
  timeToLiveAttribute?: string;
}

/**
 * Creates the tables that do not exist yet, adds indexes a table on disk is missing (a
 * definition grew since the data directory was made), and waits until all are ACTIVE.
 * Returns the table names by logical name.
 */
export async function ensureTables(
  client: DynamoDBClient,
  definitions: readonly TableDefinition[],
  options: EnsureTablesOptions = {},
): Promise<Record<string, string>> {
  return ensureWantedTables(
    client,
    definitions.map((definition) => ({
      logicalName: definition.logicalName,
      createTableInput: createTableInput(definition, options.tableName?.(definition) ?? definition.localTableName),
      ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
    })),
    options.timeoutMs,
  );
}

/** {@link ensureTables} for tables given as CreateTable inputs (the synthesized template's, lib/local/contract). */
export async function ensureWantedTables(client: DynamoDBClient, tables: readonly WantedTable[], timeoutMs = 60_000): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  for (const { logicalName, createTableInput: wanted, timeToLiveAttribute } of tables) {
    const tableName = wanted.TableName!;
    names[logicalName] = tableName;

    let table = await describe(client, tableName);
    if (!table) {
      try {
        await client.send(new CreateTableCommand(wanted));
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error; // created meanwhile by someone else
      }
      table = await waitActive(client, tableName, timeoutMs);
      if (timeToLiveAttribute) {
        await client.send(
          new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: timeToLiveAttribute, Enabled: true } }),
        );
      }
    }

    const expectedKeys = keySignature({ KeySchema: wanted.KeySchema, AttributeDefinitions: wanted.AttributeDefinitions });
    if (keySignature(table) !== expectedKeys) {
      throw new Error(
        `table ${tableName} has key ${keySignature(table)} but ${logicalName} defines ${expectedKeys}: ` +
          'delete the local data directory to recreate it',
      );
    }

    const present = new Set((table.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    for (const index of wanted.GlobalSecondaryIndexes ?? []) {
      if (present.has(index.IndexName)) continue;
      const used = new Set((index.KeySchema ?? []).map((k) => k.AttributeName));
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: (wanted.AttributeDefinitions ?? []).filter((a) => used.has(a.AttributeName)),
          GlobalSecondaryIndexUpdates: [{ Create: { IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection } }],
        }),
      );
      await waitActive(client, tableName, timeoutMs);
    }
  }
  return names;
}
