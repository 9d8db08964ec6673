/**
 * Where a webhook may be sent (docs/security.md "SSRF"): never to an address inside the cloud's
 * network or the machine itself — private, loopback, link-local (the instance metadata service at
 * 169.254.169.254), unique-local, CGNAT, multicast, reserved or unspecified, in IPv4 and IPv6
 * (IPv4-mapped, NAT64 and 6to4 addresses are judged by the IPv4 address they carry). A name is
 * judged by every address it resolves to, and the delivery connects to the address that was
 * checked, so a DNS answer that changes between the check and the connection cannot bypass it.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** What a target URL may be. */
export interface TargetPolicy {
  /**
   * Allow `http://` to loopback addresses (127.0.0.0/8, ::1, `localhost`): the local runtime's
   * setting, so a receiver on this machine can be tested. The stack never sets it: in AWS only
   * `https://` to public addresses is allowed.
   */
  allowLoopbackHttp: boolean;
}

/** Resolves a host name to its addresses (default: the system resolver, every address). */
export type Resolver = (hostname: string) => Promise<{ address: string; family: 4 | 6 }[]>;

/** A target checked for delivery: the URL and the address to connect to. */
export interface CheckedTarget {
  url: URL;
  /** The host name for the Host header and TLS's SNI (no brackets around an IPv6 literal). */
  hostname: string;
  address: string;
  family: 4 | 6;
}

/** A webhook target that may not be called; the message says why (without resolving anything secret). */
export class UnsafeWebhookTarget extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeWebhookTarget';
  }
}

/** The longest URL accepted. */
export const MAX_URL_LENGTH = 2048;

const RANGES: Record<string, { v4?: [string, number][]; v6?: [string, number][] }> = {
  unspecified: { v4: [['0.0.0.0', 8]], v6: [['::', 128]] },
  loopback: { v4: [['127.0.0.0', 8]], v6: [['::1', 128]] },
  private: { v4: [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16]] },
  'link-local': { v4: [['169.254.0.0', 16]], v6: [['fe80::', 10]] },
  'unique-local': { v6: [['fc00::', 7]] },
  'shared (CGNAT)': { v4: [['100.64.0.0', 10]] },
  multicast: { v4: [['224.0.0.0', 4]], v6: [['ff00::', 8]] },
  reserved: {
    v4: [['192.0.0.0', 24], ['192.0.2.0', 24], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['240.0.0.0', 4]],
    v6: [['100::', 64], ['2001:db8::', 32], ['::', 96], ['fec0::', 10]],
  },
};

const LISTS = Object.entries(RANGES).map(([kind, { v4 = [], v6 = [] }]) => {
  const list = new BlockList();
  for (const [net, prefix] of v4) list.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of v6) list.addSubnet(net, prefix, 'ipv6');
  return { kind, list };
});

/** Expands an IPv6 address into its eight 16-bit groups. */
function groups(ipv6: string): number[] {
  let text = ipv6.toLowerCase().split('%')[0]!;
  // A dotted IPv4 tail (::ffff:1.2.3.4) as two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -dotted[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16));
}

/** The IPv4 address an IPv6 address carries (IPv4-mapped, IPv4-compatible, NAT64, 6to4), if any. */
export function embeddedIPv4(ipv6: string): string | undefined {
  const g = groups(ipv6);
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zero(0, 5) && g[5] === 0xffff) return v4(g[6]!, g[7]!); // ::ffff:a.b.c.d
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) return v4(g[6]!, g[7]!); // 64:ff9b::a.b.c.d (NAT64)
  if (g[0] === 0x2002) return v4(g[1]!, g[2]!); // 2002:aabb:ccdd::/48 (6to4)
  return undefined;
}

/**
 * Why an address may not receive webhooks ("loopback", "private" …), or undefined when it may.
 * An IPv6 address that carries an IPv4 address is judged by that address.
 */
export function blockedAddressKind(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  if (family === 6) {
    const inner = embeddedIPv4(address);
    if (inner) return blockedAddressKind(inner);
    const bare = address.split('%')[0]!;
    return LISTS.find(({ list }) => list.check(bare, 'ipv6'))?.kind;
  }
  return LISTS.find(({ list }) => list.check(address, 'ipv4'))?.kind;
}

const isLoopback = (address: string) => blockedAddressKind(address) === 'loopback';

/** The system resolver: every address of the name. */
export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/**
 * Parses a URL and checks only what needs no DNS: length, scheme, credentials, a literal address.
 * The WHATWG parser turns decimal, octal and hex IPv4 spellings (`http://2130706433/`,
 * `http://0177.1/`) into dotted form, so they are judged as the address they mean.
 */
export function parseTargetUrl(raw: string, policy: TargetPolicy): URL {
  if (raw.length > MAX_URL_LENGTH) throw new UnsafeWebhookTarget(`the URL is longer than ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeWebhookTarget('not a valid URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowLoopbackHttp)) {
    throw new UnsafeWebhookTarget(policy.allowLoopbackHttp ? 'must be an https:// URL (or http:// to this machine)' : 'must be an https:// URL');
  }
  if (url.username || url.password) throw new UnsafeWebhookTarget('must not contain a user name or password');
  return url;
}

/**
 * Checks a webhook target and picks the address to connect to: every address the host resolves
 * to must be public (or, with `allowLoopbackHttp`, loopback); plain http only to loopback.
 */
export async function checkTarget(raw: string, policy: TargetPolicy, resolve: Resolver = systemResolver): Promise<CheckedTarget> {
  const url = parseTargetUrl(raw, policy);
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  let addresses: { address: string; family: 4 | 6 }[];
  if (isIP(hostname)) addresses = [{ address: hostname, family: isIP(hostname) === 6 ? 6 : 4 }];
  else if (hostname === 'localhost' || hostname.endsWith('.localhost')) addresses = [{ address: '127.0.0.1', family: 4 }];
  else {
    try {
      addresses = await resolve(hostname);
    } catch {
      throw new UnsafeWebhookTarget(`the host ${hostname} does not resolve`);
    }
    if (addresses.length === 0) throw new UnsafeWebhookTarget(`the host ${hostname} does not resolve`);
  }
  for (const { address } of addresses) {
    const kind = blockedAddressKind(address);
    if (kind === undefined) continue;
    if (kind === 'loopback' && policy.allowLoopbackHttp) continue;
    throw new UnsafeWebhookTarget(`the host ${hostname} is (or resolves to) a ${kind} address, which may not receive webhooks`);
  }
  if (url.protocol === 'http:' && !addresses.every(({ address }) => isLoopback(address))) {
    throw new UnsafeWebhookTarget('must be an https:// URL (http:// only to this machine)');
  }
  return { url, hostname, ...addresses[0]! };
}
