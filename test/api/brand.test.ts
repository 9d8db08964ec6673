/**
 * The brand kit through the local runtime (each route under its own grants): GET/PUT /api/brand
 * and their 4xx naming each field, the logo's presigned upload, its check (type by bytes, size,
 * sides) and removal, and `brand: true` on an order: refused without a kit, the kit copied onto
 * the job as it was (a later edit does not change a queued video).
 */
import './quiet-logs.js';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../lib/local/dev-server.js';
import { greyPng } from '../support/png.js';
import { ApiClient, type Answer } from './api-client.js';

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ port: 0, inMemory: true, quiet: true, maxRunningPipelines: 0, startingCredits: 5 });
});

afterAll(async () => {
  await server?.stop();
});

const fieldsOf = (answer: Answer) => (answer.body.error?.fields ?? []).map((f: { field: string }) => f.field);
const newUser = (prefix: string) => ApiClient.signIn(server.url, `${prefix}-${randomUUID()}`);

/** A real PNG: a plain grey square. */
async function picture(side: number): Promise<Uint8Array> {
  return greyPng(side);
}

/** Asks for an upload, PUTs the bytes to the presigned URL, and sets the logo. */
async function uploadLogo(user: ApiClient, bytes: Uint8Array, contentType = 'image/png'): Promise<{ uploadId: string; answer: Answer }> {
  const ticket = await user.call('POST', '/api/brand/logo/upload', { contentType, bytes: bytes.byteLength });
  expect(ticket.status, JSON.stringify(ticket.body)).toBe(201);
  expect(ticket.body).toMatchObject({ uploadId: expect.any(String), uploadUrl: expect.stringMatching(/^http/), headers: { 'content-type': contentType } });
  const put = await fetch(ticket.body.uploadUrl, { method: 'PUT', headers: ticket.body.headers, body: Buffer.from(bytes) });
  expect(put.status).toBe(200);
  return { uploadId: ticket.body.uploadId, answer: await user.call('POST', '/api/brand/logo', { uploadId: ticket.body.uploadId }) };
}

describe('brand kit', () => {
  it('GET answers null until a PUT makes the kit; a PUT changes only what it names', async () => {
    const user = await newUser('brand-get');
    expect(await user.call('GET', '/api/brand')).toMatchObject({ status: 200, body: { brand: null } });
    const saved = await user.call('PUT', '/api/brand', { primaryColor: '#112233', font: 'anton' });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.brand).toMatchObject({ primaryColor: '#112233', font: 'anton', textColor: '#FFFFFF', logoPosition: 'top-right', logoOpacity: 0.85 });
    expect(saved.body.brand.logoUrl).toBeUndefined();
    const again = await user.call('PUT', '/api/brand', { logoOpacity: 0.4, logoPosition: 'bottom-left' });
    expect(again.body.brand).toMatchObject({ primaryColor: '#112233', font: 'anton', logoOpacity: 0.4, logoPosition: 'bottom-left' });
    expect((await user.call('GET', '/api/brand')).body.brand).toEqual(again.body.brand);
    // Another user's kit is not this one's.
    expect((await (await newUser('brand-other')).call('GET', '/api/brand')).body).toEqual({ brand: null });
  });

  it('PUT refuses each bad field with a 400 naming it, and keeps the kit as it was', async () => {
    const user = await newUser('brand-bad');
    await user.call('PUT', '/api/brand', { primaryColor: '#000000' });
    const cases: [Record<string, unknown>, string][] = [
      [{ logoPosition: 'center' }, 'logoPosition'],
      [{ logoOpacity: 0 }, 'logoOpacity'],
      [{ logoOpacity: 1.5 }, 'logoOpacity'],
      [{ logoOpacity: '0.5' }, 'logoOpacity'],
      [{ primaryColor: 'red' }, 'primaryColor'],
      [{ primaryColor: '#12345' }, 'primaryColor'],
      [{ textColor: '#GGGGGG' }, 'textColor'],
      [{ font: 'comic-sans' }, 'font'],
      [{ logoKey: 'brand/someone-else/logo.png' }, 'logoKey'],
    ];
    for (const [body, field] of cases) {
      const answer = await user.call('PUT', '/api/brand', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(fieldsOf(answer), JSON.stringify(body)).toContain(field);
    }
    expect((await user.call('PUT', '/api/brand', [])).status).toBe(400);
    expect((await user.call('GET', '/api/brand')).body.brand).toMatchObject({ primaryColor: '#000000', logoOpacity: 0.85 });
  });

  it('a logo: a presigned PUT of the declared type and size, checked, shown presigned; DELETE takes it off', async () => {
    const user = await newUser('brand-logo');
    expect(fieldsOf(await user.call('POST', '/api/brand/logo/upload', { contentType: 'image/gif', bytes: 10 }))).toEqual(['contentType']);
    expect(fieldsOf(await user.call('POST', '/api/brand/logo/upload', { contentType: 'image/png', bytes: 3 * 1024 * 1024 }))).toEqual(['bytes']);
    expect(fieldsOf(await user.call('POST', '/api/brand/logo', { uploadId: 'brand/../x' }))).toEqual(['uploadId']);
    expect(fieldsOf(await user.call('POST', '/api/brand/logo', { uploadId: randomUUID() }))).toEqual(['uploadId']);

    const bytes = await picture(256);
    const { answer } = await uploadLogo(user, bytes);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.brand).toMatchObject({ logoUrl: expect.stringMatching(/^http/), logoPosition: 'top-right' });
    expect(JSON.stringify(answer.body)).not.toMatch(/"logoKey"/);
    const logo = await fetch(answer.body.brand.logoUrl);
    expect(logo.status).toBe(200);
    expect(Buffer.from(await logo.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
    expect((await user.call('GET', '/api/brand')).body.brand.logoUrl).toMatch(/^http/);

    const removed = await user.call('DELETE', '/api/brand/logo');
    expect(removed.status).toBe(200);
    expect(removed.body.brand.logoUrl).toBeUndefined();
    expect((await user.call('GET', '/api/brand')).body.brand.logoUrl).toBeUndefined();
  });

  it('a bad logo file is refused naming `file` and removed: not a picture, too small, not the declared type', async () => {
    const user = await newUser('brand-badfile');
    const text = await uploadLogo(user, new TextEncoder().encode('<svg>not a png</svg>'));
    expect(text.answer.status).toBe(400);
    expect(fieldsOf(text.answer)).toEqual(['file']);
    // Removed: setting it again finds nothing.
    expect(fieldsOf(await user.call('POST', '/api/brand/logo', { uploadId: text.uploadId }))).toEqual(['uploadId']);
    const tiny = await uploadLogo(user, await picture(32));
    expect(fieldsOf(tiny.answer)).toEqual(['file']);
    expect(tiny.answer.body.error.message).toMatch(/32x32 px/);
    const mislabelled = await uploadLogo(user, await picture(128), 'image/jpeg');
    expect(fieldsOf(mislabelled.answer)).toEqual(['file']);
    // Nothing reached the kit.
    expect((await user.call('GET', '/api/brand')).body.brand).toBeNull();
  });

  it('brand: true without a kit is a 400 naming `brand`, before anything is debited', async () => {
    const user = await newUser('brand-none');
    const answer = await user.createVideo({ prompt: 'A branded short', seconds: 10, brand: true });
    expect(answer.status).toBe(400);
    expect(fieldsOf(answer)).toEqual(['brand']);
    expect(answer.body.error.message).toMatch(/PUT \/api\/brand/);
    expect((await user.call('GET', '/api/credits')).body.balance).toBe(5);
  });

  it('brand: true copies the kit onto the job as it is; a later edit does not change the queued video', async () => {
    const user = await newUser('brand-copy');
    await uploadLogo(user, await picture(200));
    await user.call('PUT', '/api/brand', { primaryColor: '#AA0000', textColor: '#00FF00', font: 'montserrat', logoPosition: 'bottom-right', logoOpacity: 0.5 });
    const ordered = await user.createVideo({ prompt: 'A branded short', seconds: 10, brand: true, captionStyle: 'outline', captionPosition: 'top', captionSize: 'large' });
    expect(ordered.status, JSON.stringify(ordered.body)).toBe(202);
    const plain = await user.createVideo({ prompt: 'An unbranded short', seconds: 10 });
    await user.call('PUT', '/api/brand', { primaryColor: '#0000AA' });

    const job = (await server.runtime.jobs.get(ordered.body.id))!;
    expect(job.request).toMatchObject({
      brand: true,
      captionStyle: 'outline',
      captionPosition: 'top',
      captionSize: 'large',
      brandKit: { primaryColor: '#AA0000', textColor: '#00FF00', font: 'montserrat', logoPosition: 'bottom-right', logoOpacity: 0.5, logoKey: expect.stringMatching(/^brand\/[0-9a-f]{32}\/logo-/) },
    });
    expect((await server.runtime.jobs.get(plain.body.id))!.request.brandKit).toBeUndefined();
    // A kit in the body is never taken: refused, or dropped.
    const injected = await user.createVideo({ prompt: 'A forged kit', seconds: 10, brandKit: { logoKey: 'brand/0000/logo-x.png', primaryColor: '#000000' } } as never);
    if (injected.status === 202) expect((await server.runtime.jobs.get(injected.body.id))!.request.brandKit).toBeUndefined();
    else expect(injected.status).toBe(400);
    // The API shows the choice, never the stored key.
    const detail = await user.call('GET', `/api/videos/${ordered.body.id}`);
    expect(detail.status).toBe(200);
    expect(JSON.stringify(detail.body)).not.toContain('brand/');
  });
});
