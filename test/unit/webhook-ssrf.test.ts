import { describe, expect, it } from 'vitest';
import { blockedAddressKind, checkTarget, type Resolver } from '../../lambdas/core/webhooks/ssrf.js';

const AWS = { allowLoopbackHttp: false };
const LOCAL = { allowLoopbackHttp: true };
const resolver =
  (table: Record<string, string[]>): Resolver =>
  async (host) => {
    const found = table[host];
    if (!found) throw new Error('ENOTFOUND');
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
const publicDns = resolver({ 'hooks.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'] });

describe('webhook targets (SSRF)', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['224.0.0.1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fd00::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2002:a9fe:a9fe::1', 'link-local'],
  ])('refuses %s (%s)', (address, kind) => {
    expect(blockedAddressKind(address)).toBe(kind);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '172.32.0.1'])('allows the public address %s', (address) => {
    expect(blockedAddressKind(address)).toBeUndefined();
  });

  it.each([
    'https://169.254.169.254/latest/meta-data/',
    'https://2130706433/', // 127.0.0.1 in decimal
    'https://0177.0.0.1/', // octal
    'https://0x7f.1/', // hex, short form
    'https://[::ffff:127.0.0.1]/',
    'https://[::ffff:169.254.169.254]/',
    'https://[fd12::1]/',
    'https://10.0.0.5:8443/hook',
  ])('refuses %s in AWS', async (url) => {
    await expect(checkTarget(url, AWS, publicDns)).rejects.toThrow(/address, which may not receive webhooks/);
  });

  it('refuses a name that resolves to a private address, even if another of its addresses is public', async () => {
    const dns = resolver({ 'rebind.example.com': ['93.184.216.34', '10.0.0.1'], 'meta.example.com': ['169.254.169.254'] });
    await expect(checkTarget('https://rebind.example.com/', AWS, dns)).rejects.toThrow(/private/);
    await expect(checkTarget('https://meta.example.com/', AWS, dns)).rejects.toThrow(/link-local/);
  });

  it('accepts a public https target and names the checked address to connect to', async () => {
    const target = await checkTarget('https://hooks.example.com/ai-shorts', AWS, publicDns);
    expect(target).toMatchObject({ hostname: 'hooks.example.com', address: '93.184.216.34', family: 4 });
  });

  it('refuses http, credentials, bad URLs and names that do not resolve in AWS', async () => {
    await expect(checkTarget('http://hooks.example.com/', AWS, publicDns)).rejects.toThrow(/https/);
    await expect(checkTarget('https://u:p@hooks.example.com/', AWS, publicDns)).rejects.toThrow(/user name/);
    await expect(checkTarget('not a url', AWS, publicDns)).rejects.toThrow(/valid URL/);
    await expect(checkTarget('https://nowhere.example.com/', AWS, publicDns)).rejects.toThrow(/does not resolve/);
    await expect(checkTarget('ftp://hooks.example.com/', AWS, publicDns)).rejects.toThrow(/https/);
  });

  it('refuses loopback http in AWS and allows it with the local setting (and only loopback)', async () => {
    await expect(checkTarget('http://127.0.0.1:8080/hook', AWS, publicDns)).rejects.toThrow();
    await expect(checkTarget('http://localhost:8080/hook', AWS, publicDns)).rejects.toThrow();
    expect((await checkTarget('http://127.0.0.1:8080/hook', LOCAL, publicDns)).address).toBe('127.0.0.1');
    expect((await checkTarget('http://localhost:8080/hook', LOCAL, publicDns)).address).toBe('127.0.0.1');
    // Still no metadata service, no private network, no plain http to the internet.
    await expect(checkTarget('http://169.254.169.254/', LOCAL, publicDns)).rejects.toThrow(/link-local/);
    await expect(checkTarget('http://192.168.1.1/', LOCAL, publicDns)).rejects.toThrow(/private/);
    await expect(checkTarget('http://hooks.example.com/', LOCAL, publicDns)).rejects.toThrow(/https/);
  });
});
