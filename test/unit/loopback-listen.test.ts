import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { narrowedListenArguments, narrowWildcardListens } from '../../lambdas/adapters/offline/loopback-listen.js';

const callback = () => undefined;

describe('narrowedListenArguments', () => {
  it.each([
    [[{ port: 3000, host: '::' }], [{ port: 3000, host: '127.0.0.1' }]],
    [[{ port: 3000, host: '0.0.0.0' }, callback], [{ port: 3000, host: '127.0.0.1' }, callback]],
    [[{ port: 0 }], [{ port: 0, host: '127.0.0.1' }]],
    [[3000], [3000, '127.0.0.1']],
    [[3000, callback], [3000, '127.0.0.1', callback]],
    [[3000, 511, callback], [3000, '127.0.0.1', 511, callback]],
    [[3000, '::', callback], [3000, '127.0.0.1', callback]],
    [['3000', '0.0.0.0'], ['3000', '127.0.0.1']],
    [[], [0, '127.0.0.1']],
  ])('narrows a listen on all interfaces: %j', (args, expected) => {
    expect(narrowedListenArguments(args)).toEqual(expected);
  });

  it.each([
    [[3000, '127.0.0.1']],
    [[3000, '::1', callback]],
    [[{ port: 3000, host: '192.168.1.5' }]],
    [['/tmp/some.sock']],
    [[{ path: '/tmp/some.sock' }]],
    [[{ fd: 3 }]],
  ])('leaves an explicit address, a socket path or a descriptor alone: %j', (args) => {
    expect(narrowedListenArguments(args)).toEqual(args);
  });
});

describe('narrowWildcardListens', () => {
  it('makes a server that asks for every interface listen on loopback', async () => {
    narrowWildcardListens();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '::' }, resolve));
    const address = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    expect(address.address).toBe('127.0.0.1');
  });
});
