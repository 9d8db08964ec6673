/** A webhook receiver on 127.0.0.1 and helpers for the webhook API tests. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { expect } from 'vitest';
import type { ApiClient } from './api-client.js';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on 127.0.0.1: records every request, answers each path by its script (then 200). */
export class Receiver {
  readonly received: Received[] = [];
  private readonly scripts = new Map<string, number[]>();
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        this.received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const script = this.scripts.get(path);
        res.statusCode = script && script.length > 0 ? script.shift()! : 200;
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The next answers of a path (e.g. 500, 500 then the default 200). */
  answer(path: string, ...statuses: number[]): void {
    this.scripts.set(path, statuses);
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Verifies a received delivery with the secret, as a receiver does; returns the payload. */
export function verified(secret: string, delivery: Received): any {
  const headers = {
    'webhook-id': String(delivery.headers['webhook-id']),
    'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
    'webhook-signature': String(delivery.headers['webhook-signature']),
  };
  return new Webhook(secret).verify(delivery.body, headers);
}

export async function register(user: ApiClient, url: string, events?: string[]): Promise<{ id: string; secret: string }> {
  const answer = await user.call('POST', '/api/webhooks', { url, ...(events ? { events } : {}) });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  expect(answer.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  return answer.body;
}

export async function deliveries(user: ApiClient, endpointId: string): Promise<any[]> {
  const answer = await user.call('GET', `/api/webhooks/${endpointId}/deliveries`);
  expect(answer.status).toBe(200);
  return answer.body.deliveries;
}

