/**
 * The TCP sockets a process tree listens on, read from /proc (Linux): /proc/net/tcp{,6} lists
 * every listening socket with its inode, and /proc/<pid>/fd links name the inodes a process holds.
 * Used to prove the local cloud is reachable from this machine only.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ListeningSocket {
  pid: number;
  /** The process's name (/proc/<pid>/comm): node, java, chromium… */
  command: string;
  /** The bound address as text: `127.0.0.1`, `0.0.0.0`, `::`, `::1`, `::ffff:127.0.0.1`. */
  address: string;
  port: number;
}

/** `0100007F` → 127.0.0.1; /proc writes IPv4 addresses as one little-endian word. */
function ipv4(hex: string): string {
  const bytes = Buffer.from(hex, 'hex');
  return [...bytes.reverse()].join('.');
}

/** 32 hex digits as four little-endian words → `::`-compressed IPv6 text (with ::ffff:a.b.c.d for mapped IPv4). */
function ipv6(hex: string): string {
  const words = [0, 1, 2, 3].map((i) => Buffer.from(hex.slice(i * 8, i * 8 + 8), 'hex').reverse());
  const bytes = Buffer.concat(words);
  if (bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return `::ffff:${[...bytes.subarray(12)].join('.')}`;
  }
  const groups = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => bytes.readUInt16BE(i * 2).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::').replace(/:{3,}/, '::');
}

/** Listening sockets by inode, from /proc/net/tcp and tcp6 (state 0A is LISTEN). */
function listeningByInode(): Map<string, { address: string; port: number }> {
  const found = new Map<string, { address: string; port: number }>();
  for (const [file, parse] of [
    ['/proc/net/tcp', ipv4],
    ['/proc/net/tcp6', ipv6],
  ] as const) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // no IPv6 on this machine
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== '0A') continue;
      const [addressHex, portHex] = fields[1]!.split(':');
      found.set(fields[9]!, { address: parse(addressHex!), port: parseInt(portHex!, 16) });
    }
  }
  return found;
}

/** The pid and every descendant of it, from each process's parent in /proc/<pid>/stat. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command may hold spaces and parentheses: the fields after its last ')' are fixed.
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  const tree: number[] = [];
  const pending = [root];
  while (pending.length) {
    const pid = pending.pop()!;
    tree.push(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Every TCP socket that `root` or any of its descendants listens on. */
export function listeningSockets(root: number): ListeningSocket[] {
  const listening = listeningByInode();
  const sockets: ListeningSocket[] = [];
  for (const pid of processTree(root)) {
    let descriptors: string[];
    let command = '';
    try {
      descriptors = readdirSync(`/proc/${pid}/fd`);
      command = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    for (const fd of descriptors) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      const socket = inode ? listening.get(inode) : undefined;
      if (socket) sockets.push({ pid, command, ...socket });
    }
  }
  return sockets;
}

/** Addresses only this machine can reach. */
export function isLoopback(address: string): boolean {
  return address === '::1' || /^127\./.test(address) || /^::ffff:127\./.test(address);
}
