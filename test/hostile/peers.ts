/**
 * Hostile and broken RDP servers for the tests in this folder: real TCP listeners on loopback (127.0.60.x, our
 * own range; the shared lab uses 127.0.10-40.x), each answering every connection the probe opens with one
 * misbehaviour. Server answers are built with the project's own codecs (protocol/*), then damaged on purpose.
 * README.md in this folder lists every peer and the record it must produce.
 */
import net from 'node:net';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { encodeTpkt } from '../../protocol/tpkt.js';
import { encodeDataTpdu } from '../../protocol/x224.js';
import {
  encodeRdpNegFailure,
  encodeRdpNegRsp,
  PROTOCOL_HYBRID,
  PROTOCOL_RDP,
  PROTOCOL_RDSAAD,
  PROTOCOL_SSL,
  SSL_NOT_ALLOWED_BY_SERVER,
  HYBRID_REQUIRED_BY_SERVER,
  SSL_REQUIRED_BY_SERVER,
} from '../../protocol/negotiation.js';
import { encodeTsRequest } from '../../protocol/credssp.js';
import {
  avString,
  avTimestamp,
  dateToFiletime,
  encodeNtlmChallenge,
  MSV_AV_DNS_COMPUTER_NAME,
  MSV_AV_DNS_DOMAIN_NAME,
  MSV_AV_DNS_TREE_NAME,
  MSV_AV_NB_COMPUTER_NAME,
  MSV_AV_NB_DOMAIN_NAME,
  NTLMSSP_NEGOTIATE_TARGET_INFO,
  NTLMSSP_NEGOTIATE_UNICODE,
  NTLMSSP_NEGOTIATE_VERSION,
  NTLMSSP_REVISION_W2K3,
  NTLMSSP_TARGET_TYPE_SERVER,
  type AvPair,
} from '../../protocol/ntlm.js';
import { DEFAULT_TARGET_PARAMETERS, encodeMcsConnectResponse, RT_UNSPECIFIED_FAILURE } from '../../protocol/mcs.js';
import { encodeConferenceCreateResponse, encodeServerUserData } from '../../protocol/gcc.js';
import { ENCRYPTION_LEVEL_CLIENT_COMPATIBLE, ENCRYPTION_METHOD_128BIT, RDP_VERSION_10_7 } from '../../protocol/rdp-security.js';
import { requestedOf } from '../helpers/replay.js';

// ------------------------------------------------------------------------------------------------ fixtures

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
export const CERTS = {
  server: { key: fixture('server.key'), cert: fixture('server.crt') },
  huge: { key: fixture('huge.key'), cert: fixture('huge.crt') },
  hostile: { key: fixture('hostile.key'), cert: fixture('hostile.crt') },
};
export type CertName = keyof typeof CERTS;

// ------------------------------------------------------------------------------------------------ listeners

export interface Peer {
  host: string;
  port: number;
  /** TCP connections accepted so far. */
  readonly accepted: number;
  /** Bytes this peer wrote to its clients (streams stop when the client goes away). */
  readonly written: number;
  close(): Promise<void>;
}

/** What a peer does with one accepted connection. `count` adds to the peer's written-bytes tally. */
export type Behaviour = (sock: net.Socket, count: (n: number) => void) => void | Promise<void>;

/** Starts a listener on host:port running `behaviour` for every connection; close() destroys every socket. */
export async function startPeer(host: string, behaviour: Behaviour, port = 3389): Promise<Peer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  let written = 0;
  const server = net.createServer((sock) => {
    accepted++;
    sockets.add(sock);
    sock.on('error', () => {});
    sock.on('close', () => sockets.delete(sock));
    Promise.resolve(behaviour(sock, (n) => (written += n))).catch(() => sock.destroy());
  });
  server.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => resolve());
  });
  return {
    host,
    port,
    get accepted() {
      return accepted;
    },
    get written() {
      return written;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

// ------------------------------------------------------------------------------------------------ reading

/** Buffered reads on a server-side socket (plain or TLS): whole TPKTs, or whatever arrives next. */
export class Wire {
  private buf = Buffer.alloc(0);
  private closed = false;
  private wake: (() => void) | null = null;
  private readonly onData = (d: Buffer) => {
    this.buf = Buffer.concat([this.buf, d]);
    this.kick();
  };
  private readonly onEnd = () => {
    this.closed = true;
    this.kick();
  };

  constructor(readonly sock: net.Socket) {
    sock.on('data', this.onData);
    sock.on('end', this.onEnd);
    sock.on('close', this.onEnd);
    sock.on('error', this.onEnd);
  }

  private kick(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** Resolves with the frame `lengthOf` finds at the front (null when the client went away first). */
  async frame(lengthOf: (b: Buffer) => number | null): Promise<Buffer | null> {
    for (;;) {
      const n = lengthOf(this.buf);
      if (n !== null && this.buf.length >= n) {
        const f = this.buf.subarray(0, n);
        this.buf = this.buf.subarray(n);
        return f;
      }
      if (this.closed) return null;
      await new Promise<void>((r) => (this.wake = r));
    }
  }

  /** One TPKT from the client (its Connection Request or MCS Connect Initial). */
  tpkt(): Promise<Buffer | null> {
    return this.frame((b) => (b.length >= 4 ? b.readUInt16BE(2) : null));
  }

  /** Whatever the client sends next (e.g. its ClientHello, or a TSRequest inside TLS). */
  any(): Promise<Buffer | null> {
    return this.frame((b) => (b.length > 0 ? b.length : null));
  }

  /** Stops reading and hands unread bytes back to the socket (before TLS takes it over). */
  detach(): net.Socket {
    this.sock.off('data', this.onData);
    this.sock.off('end', this.onEnd);
    this.sock.off('close', this.onEnd);
    this.sock.off('error', this.onEnd);
    if (this.buf.length > 0) this.sock.unshift(this.buf);
    this.buf = Buffer.alloc(0);
    return this.sock;
  }
}

/** The Connection Request's requestedProtocols (null without RDP_NEG_REQ). */
export const requested = (cr: Uint8Array): number | null => requestedOf(cr);

// ------------------------------------------------------------------------------------------------ answers

/** TPKT + X.224 Connection Confirm ([MS-RDPBCGR] 2.2.1.2) carrying `negotiation` (8 bytes, or none). */
export function connectionConfirm(negotiation: Uint8Array = new Uint8Array(0)): Buffer {
  const tpdu = Buffer.concat([Buffer.from([6 + negotiation.length, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00]), negotiation]);
  return Buffer.from(encodeTpkt(tpdu));
}

export const confirmSelecting = (selectedProtocol: number, flags = 0) => connectionConfirm(encodeRdpNegRsp({ flags, selectedProtocol }));
export const confirmRefusing = (failureCode: number) => connectionConfirm(encodeRdpNegFailure({ flags: 0, failureCode }));

/** A CHALLENGE_MESSAGE like Windows sends, with the names given. */
export function challenge(names: { target?: string; nbDomain?: string; nbComputer?: string; dnsDomain?: string; dnsComputer?: string; dnsTree?: string } = {}): Uint8Array {
  const pairs: AvPair[] = [
    avString(MSV_AV_NB_DOMAIN_NAME, names.nbDomain ?? 'HOSTILE'),
    avString(MSV_AV_NB_COMPUTER_NAME, names.nbComputer ?? 'PEER'),
    avString(MSV_AV_DNS_DOMAIN_NAME, names.dnsDomain ?? 'hostile.test'),
    avString(MSV_AV_DNS_COMPUTER_NAME, names.dnsComputer ?? 'peer.hostile.test'),
    avString(MSV_AV_DNS_TREE_NAME, names.dnsTree ?? 'hostile.test'),
    avTimestamp(dateToFiletime(new Date())),
  ];
  return encodeNtlmChallenge({
    flags: NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_TARGET_TYPE_SERVER | NTLMSSP_NEGOTIATE_TARGET_INFO | NTLMSSP_NEGOTIATE_VERSION,
    targetName: names.target ?? 'HOSTILE',
    serverChallenge: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8),
    targetInfo: pairs,
    version: { major: 10, minor: 0, build: 20348, revision: NTLMSSP_REVISION_W2K3 },
  });
}

/** A CHALLENGE whose TargetName and TargetInfo offset fields point outside the message. */
export function challengeWithBadOffsets(which: 'target_name' | 'target_info' | 'av_len'): Uint8Array {
  const b = Buffer.from(challenge());
  if (which === 'target_name') b.writeUInt32LE(0xfff0, 16); // TargetNameBufferOffset
  if (which === 'target_info') b.writeUInt32LE(b.length + 0x100, 44); // TargetInfoBufferOffset
  if (which === 'av_len') {
    // First AV_PAIR's AvLen far beyond the TargetInfo buffer.
    const infoAt = b.readUInt32LE(44);
    b.writeUInt16LE(0xfff0, infoAt + 2);
  }
  return b;
}

export const tsRequestWith = (token: Uint8Array) => Buffer.from(encodeTsRequest({ version: 6, negoTokens: [token] }));

/** TPKT + X.224 Data + MCS Connect-Response with the given result and GCC user data. */
export function mcsConnectResponse(result: number, userData: Uint8Array): Buffer {
  return Buffer.from(
    encodeTpkt(encodeDataTpdu(encodeMcsConnectResponse({ result, calledConnectId: 0, domainParameters: DEFAULT_TARGET_PARAMETERS, userData }))),
  );
}

/** GCC Conference Create Response whose first server data block (SC_CORE) claims more bytes than there are. */
export function gccWithOverlongBlock(): Uint8Array {
  const blocks = Buffer.from(
    encodeServerUserData({
      core: { version: RDP_VERSION_10_7, clientRequestedProtocols: 0, earlyCapabilityFlags: 0 },
      security: { encryptionMethod: ENCRYPTION_METHOD_128BIT, encryptionLevel: ENCRYPTION_LEVEL_CLIENT_COMPATIBLE, serverRandom: null, serverCertificate: null },
    }),
  );
  blocks.writeUInt16LE(0x0fff, 2); // TS_UD_HEADER.length of SC_CORE
  return encodeConferenceCreateResponse({ nodeId: 1001 + 6, tag: 1, result: 0, userData: blocks });
}

// ------------------------------------------------------------------------------------------------ TLS

/** Takes over `wire`'s socket as a TLS server with one of the fixture certificates. */
export function serverTls(wire: Wire, cert: CertName, extra: tls.TlsOptions = {}): tls.TLSSocket {
  const raw = wire.detach();
  const s = new tls.TLSSocket(raw, { isServer: true, key: CERTS[cert].key, cert: CERTS[cert].cert, ...extra });
  s.on('error', () => raw.destroy());
  return s;
}

/** Writes `chunk` over and over while the client listens (at most `cap` bytes); never throws. */
export function flood(sock: net.Socket, next: () => Buffer, count: (n: number) => void, cap = 256 * 1024 * 1024): void {
  let sent = 0;
  const pump = () => {
    while (!sock.destroyed && sock.writable && sent < cap) {
      const b = next();
      sent += b.length;
      count(b.length);
      if (!sock.write(b)) {
        sock.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------------------------------------ behaviours

/** Accepts and never says a word. */
export const silent: Behaviour = () => {};

/** A valid Connection Confirm (SSL), one byte every `gapMs`. */
export const dribble =
  (gapMs = 150): Behaviour =>
  async (sock, count) => {
    const wire = new Wire(sock);
    if (!(await wire.tpkt())) return;
    for (const byte of confirmSelecting(PROTOCOL_SSL)) {
      if (sock.destroyed) return;
      sock.write(Buffer.of(byte));
      count(1);
      await sleep(gapMs);
    }
  };

/** Endless random bytes (never starting with 0x03) from the moment of accept. */
export const garbageStream: Behaviour = (sock, count) => {
  const chunk = randomBytes(16 * 1024);
  chunk[0] = 0x48; // 'H': not a TPKT version
  flood(sock, () => chunk, count);
};

/** Endless TPKT headers claiming the maximum length (03 00 ff ff, repeated). */
export const tpktHeaderStream: Behaviour = (sock, count) => {
  const chunk = Buffer.alloc(16 * 1024);
  for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32BE(0x0300ffff, i);
  flood(sock, () => chunk, count);
};

/** Answers the Connection Request with a TPKT header claiming 65535 bytes and 12 bytes of it, then nothing. */
export const tpktClaimThenStop: Behaviour = async (sock, count) => {
  const wire = new Wire(sock);
  if (!(await wire.tpkt())) return;
  const b = Buffer.concat([Buffer.from([0x03, 0x00, 0xff, 0xff]), Buffer.alloc(12, 0x41)]);
  sock.write(b);
  count(b.length);
};

/** Connection Confirm selecting SSL, then `after` with the raw socket once the ClientHello is in. */
const sslThen =
  (after: (sock: net.Socket, hello: Buffer, count: (n: number) => void) => void): Behaviour =>
  async (sock, count) => {
    const wire = new Wire(sock);
    const cr = await wire.tpkt();
    if (!cr) return;
    const req = requested(cr) ?? 0;
    if (!(req & PROTOCOL_SSL)) {
      sock.end(confirmRefusing(SSL_REQUIRED_BY_SERVER));
      return;
    }
    sock.write(confirmSelecting(PROTOCOL_SSL));
    const hello = await wire.any();
    if (!hello) return;
    wire.detach();
    after(sock, hello, count);
  };

/** TCP RST in the middle of the TLS handshake (right after the ClientHello). */
export const tlsReset: Behaviour = sslThen((sock) => sock.resetAndDestroy());

/** Answers the ClientHello with bytes that are not TLS, then keeps the socket open. */
export const tlsGarbage: Behaviour = sslThen((sock, _hello, count) => {
  const b = Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n' + 'x'.repeat(200));
  sock.write(b);
  count(b.length);
});

/** One TLS alert record (level, description) with the given record version. */
export const alertRecord = (level: number, description: number) => Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, level, description]);

/** Answers the ClientHello with `n` alert records in one burst, then keeps the socket open. */
export const alertStorm = (level: number, description: number, n = 5000): Behaviour =>
  sslThen((sock, _hello, count) => {
    const rec = alertRecord(level, description);
    const b = Buffer.concat(Array.from({ length: n }, () => rec));
    sock.write(b);
    count(b.length);
  });

/**
 * A TLS server reached the way a real one is: for a request with HYBRID it selects HYBRID (when `hybrid`), for
 * one with SSL it selects SSL, anything else gets RDP_NEG_FAILURE. After the TLS handshake, `credssp` runs on the
 * TLS socket of HYBRID connections (SSL ones wait for the client to close).
 */
export function tlsServer(
  cert: CertName,
  opts: { hybrid?: boolean; credssp?: (s: tls.TLSSocket, wire: Wire, count: (n: number) => void) => void | Promise<void> } = {},
): Behaviour {
  return async (sock, count) => {
    const wire = new Wire(sock);
    const cr = await wire.tpkt();
    if (!cr) return;
    const req = requested(cr) ?? 0;
    let selected: number;
    if (opts.hybrid && req & PROTOCOL_HYBRID) selected = PROTOCOL_HYBRID;
    else if (req & PROTOCOL_SSL) selected = PROTOCOL_SSL;
    else {
      sock.end(confirmRefusing(opts.hybrid ? HYBRID_REQUIRED_BY_SERVER : SSL_REQUIRED_BY_SERVER));
      return;
    }
    sock.write(confirmSelecting(selected));
    const s = serverTls(wire, cert);
    s.once('secure', () => {
      if (selected !== PROTOCOL_HYBRID || !opts.credssp) return;
      const inner = new Wire(s);
      Promise.resolve(opts.credssp(s, inner, count)).catch(() => s.destroy());
    });
  };
}

/** CredSSP answers for tlsServer: read the client's TSRequest (NTLM NEGOTIATE), then misbehave. */
export const credssp = {
  /** Answers with this TSRequest. */
  answer: (bytes: Uint8Array) => async (s: tls.TLSSocket, wire: Wire, count: (n: number) => void) => {
    if (!(await wire.any())) return;
    s.write(bytes);
    count(bytes.length);
  },
  /** A TSRequest header claiming 65536 bytes of content, and a little of it. */
  tooLarge: async (s: tls.TLSSocket, wire: Wire, count: (n: number) => void) => {
    if (!(await wire.any())) return;
    const b = Buffer.concat([Buffer.from([0x30, 0x83, 0x01, 0x00, 0x00]), Buffer.alloc(1000, 0xa0)]);
    s.write(b);
    count(b.length);
  },
  /**
   * Answers the client's TSRequest only after the client's close_notify (a server that waits, then talks into a
   * connection the client has given up on), then closes. Such a server once made rdprobe exit silently with code 13:
   * the only handle left was an unref'd timer while a close was still pending.
   */
  answerAfterCloseNotify: (bytes: Uint8Array) => async (s: tls.TLSSocket, wire: Wire, count: (n: number) => void) => {
    if (!(await wire.any())) return;
    s.once('end', () => {
      s.write(bytes);
      count(bytes.length);
      s.end();
    });
  },
  /** Closes (close_notify + FIN) as soon as the NTLM NEGOTIATE arrives. */
  close: async (s: tls.TLSSocket, wire: Wire) => {
    if (!(await wire.any())) return;
    s.end();
  },
};

/** Selects PROTOCOL_RDP for everything, then answers the MCS Connect Initial with `answer`. */
export const mcsPeer =
  (answer: () => Buffer): Behaviour =>
  async (sock, count) => {
    const wire = new Wire(sock);
    if (!(await wire.tpkt())) return;
    sock.write(confirmSelecting(PROTOCOL_RDP));
    if (!(await wire.tpkt())) return;
    const b = answer();
    sock.write(b);
    count(b.length);
  };

/** A valid Connect Response: Server Core, Network and Security Data (128-bit, client compatible, no certificate). */
export function gccValid(): Uint8Array {
  const blocks = encodeServerUserData({
    core: { version: RDP_VERSION_10_7, clientRequestedProtocols: 0, earlyCapabilityFlags: 0 },
    network: { mcsChannelId: 1003, channelIds: [] },
    security: { encryptionMethod: ENCRYPTION_METHOD_128BIT, encryptionLevel: ENCRYPTION_LEVEL_CLIENT_COMPATIBLE, serverRandom: new Uint8Array(32).fill(7), serverCertificate: null },
  });
  return encodeConferenceCreateResponse({ nodeId: 1001 + 6, tag: 1, result: 0, userData: blocks });
}

/**
 * Slowloris: a correct Standard RDP Security server that waits `delayMs` (just under the step timeout) before
 * each answer, so no single step times out and only the host deadline can end the probe.
 */
export const slowButValid =
  (delayMs: number): Behaviour =>
  async (sock, count) => {
    const wire = new Wire(sock);
    if (!(await wire.tpkt())) return;
    await sleep(delayMs);
    if (sock.destroyed) return;
    sock.write(confirmSelecting(PROTOCOL_RDP));
    if (!(await wire.tpkt())) return;
    await sleep(delayMs);
    if (sock.destroyed) return;
    const b = mcsConnectResponse(0, gccValid());
    sock.write(b);
    count(b.length);
  };

export const mcsOverlongBlock = mcsPeer(() => mcsConnectResponse(0, gccWithOverlongBlock()));
export const mcsFailure = mcsPeer(() => mcsConnectResponse(RT_UNSPECIFIED_FAILURE, new Uint8Array(0)));

/** Selects RDSAAD whatever was requested. */
export const wrongProtocol: Behaviour = async (sock) => {
  const wire = new Wire(sock);
  if (!(await wire.tpkt())) return;
  sock.write(confirmSelecting(PROTOCOL_RDSAAD));
};

/** RDP_NEG_FAILURE (SSL_NOT_ALLOWED_BY_SERVER) to everything, and the socket stays open. */
export const negFailureKeepOpen: Behaviour = async (sock) => {
  const wire = new Wire(sock);
  if (!(await wire.tpkt())) return;
  sock.write(confirmRefusing(SSL_NOT_ALLOWED_BY_SERVER));
};

// ------------------------------------------------------------------------------------------------ processes

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** true when the outer timeout had to kill it. */
  killed: boolean;
}

/** Runs `node <script> args` and collects everything; kills only this child, and only after `limitMs`. */
export function runNode(script: string[], args: string[], limitMs = 60_000): Promise<CliRun> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [...script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '0' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let killed = false;
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: Date.now() - t0, killed });
    });
  });
}

