/**
 * udpExchange (src/transport/udp.ts) against real sockets: the replay peer on loopback (answered), a loopback
 * port nobody listens on (refused: ICMP port unreachable), a bound port that never answers (timeout, deadline),
 * the lab's TCP-only RDP servers (refused, with RDPROBE_LAB=1), and a network namespace whose iptables drops
 * UDP 3389 (timeout: no answer and no ICMP). Every exchange is bounded to well under a second.
 */
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSyn, decodeSynAck, RDPUDP_PROTOCOL_VERSION_2, RDPUDP_PROTOCOL_VERSION_3 } from '../../protocol/rdpeudp.js';
import { Budget } from '../../src/transport/clock.js';
import { TransportError } from '../../src/transport/errors.js';
import { classifyUdpError, udpExchange, type DatagramCounter } from '../../src/transport/udp.js';
import { startUdpReplayPeer, type UdpReplayPeer } from '../helpers/udp-replay-peer.js';
import { NETNS_SKIP, RULES, runNode, skipNote, withNetns } from '../helpers/netns.js';

const DRIVER = new URL('./fixtures/udp-exchange-driver.ts', import.meta.url);

/** Everything this file opens, closed after each test even when it fails. */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function peer(answer: 'version-2' | 'version-3' = 'version-3'): Promise<UdpReplayPeer> {
  const p = await startUdpReplayPeer({ answer });
  cleanups.push(() => p.close());
  return p;
}

/** A bound UDP port that reads and never answers: silence without ICMP, like a filtered port. */
async function silentPort(): Promise<{ port: number; received: () => number }> {
  const s = dgram.createSocket('udp4');
  let n = 0;
  s.on('message', () => n++);
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  cleanups.push(() => new Promise<void>((r) => s.close(() => r())));
  return { port: s.address().port, received: () => n };
}

/** A loopback UDP port with nothing bound to it (bound once to learn a free number, then released). */
async function closedPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Handles of a kind that are still open (UDPWrap sockets, Timeout timers), after pending closes complete. */
async function openHandles(kind: 'UDPWrap' | 'Timeout'): Promise<number> {
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  return process.getActiveResourcesInfo().filter((k) => k === kind).length;
}

async function failure(p: Promise<unknown>): Promise<TransportError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(TransportError);
    return e as TransportError;
  }
  throw new Error('expected the exchange to fail');
}

describe('udpExchange with the replay peer', () => {
  it('a SYN is answered with the recorded SYN+ACK acknowledging it: version 3, one exchange counted', async () => {
    const p = await peer('version-3');
    const counter: DatagramCounter = { datagramExchanges: 0 };
    const { bytes, params } = buildSyn();
    const r = await udpExchange(p.address, p.port, bytes, Budget.start(1000, 5000), counter);
    const a = decodeSynAck(r.response, params.snInitialSequenceNumber);
    expect(a.ack).toBe('matches');
    expect(a.version).toBe(RDPUDP_PROTOCOL_VERSION_3);
    expect(a.serverInitialSequenceNumber).toBe(0x0547d72b); // the recorded server's, untouched
    expect(p.answered).toEqual([params.snInitialSequenceNumber]);
    expect(counter.datagramExchanges).toBe(1);
    expect(r.rttMs).toBeGreaterThanOrEqual(0);
    // Only snSourceAck differs from the recording.
    expect(Buffer.from(r.response.subarray(4)).equals(Buffer.from(p.recorded.subarray(4)))).toBe(true);
  });

  it('the version-2 recording answers version 2', async () => {
    const p = await peer('version-2');
    const { bytes, params } = buildSyn();
    const r = await udpExchange(p.address, p.port, bytes, Budget.start(1000, 5000));
    expect(decodeSynAck(r.response, params.snInitialSequenceNumber)).toMatchObject({ ack: 'matches', version: RDPUDP_PROTOCOL_VERSION_2 });
  });

  it('the peer ignores what is not a SYN, so the exchange times out after the step timeout', async () => {
    const p = await peer();
    const t0 = Date.now();
    const e = await failure(udpExchange(p.address, p.port, p.recorded, Budget.start(200, 5000)));
    expect(e.kind).toBe('timeout');
    expect(e.detail).toMatch(/within 200 ms.*cannot tell a filtered port/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(p.ignored).toHaveLength(1);
    expect(p.ignored[0]).toMatch(/with ACK/);
    expect(p.answered).toEqual([]);
  });
});

describe('the replay peer', () => {
  it('answers only client SYNs, rewriting nothing but snSourceAck', async () => {
    const p = await peer();
    const s = dgram.createSocket('udp4');
    cleanups.push(() => new Promise<void>((r) => s.close(() => r())));
    const replies: Buffer[] = [];
    s.on('message', (m) => replies.push(m));
    await new Promise<void>((r) => s.connect(p.port, p.address, () => r()));
    const syn = Buffer.from(buildSyn({ snInitialSequenceNumber: 0x01020304 }).bytes);
    const notSyn = (at: number, v: number) => {
      const b = Buffer.from(syn);
      b.writeUInt32BE(v, at);
      return b;
    };
    for (const d of [Buffer.alloc(8), notSyn(4, 0x00401800), notSyn(4, 0x00401805), notSyn(0, 7), syn]) s.send(d);
    for (let i = 0; i < 50 && replies.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 30)); // room for a wrong extra answer to arrive
    expect(p.ignored.map((x) => x.split(':')[0])).toEqual(['8 bytes, too short for FEC header + SYNDATA', 'uFlags 0x1800 without SYN', 'uFlags 0x1805 with ACK', 'snSourceAck 0x7, not -1']);
    expect(p.answered).toEqual([0x01020304]);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.readUInt32BE(0)).toBe(0x01020304);
    expect(replies[0]!.subarray(4).equals(Buffer.from(p.recorded.subarray(4)))).toBe(true);
  });
});

describe('udpExchange failures', () => {
  it('a loopback port with nothing listening is refused (ICMP port unreachable; a timeout on Windows, see udp.ts)', async () => {
    const port = await closedPort();
    const counter = { datagramExchanges: 0 };
    const t0 = Date.now();
    const e = await failure(udpExchange('127.0.0.1', port, buildSyn().bytes, Budget.start(500, 5000), counter));
    if (process.platform === 'win32') {
      expect(e.kind).toBe('timeout');
    } else {
      expect(e.kind).toBe('refused');
      expect(e.detail).toMatch(/ECONNREFUSED/);
      expect(Date.now() - t0).toBeLessThan(400); // the ICMP answer, not the timer
    }
    expect(counter.datagramExchanges).toBe(1);
  });

  it('silence is `timeout` when the step limit is shorter, `deadline` when the host deadline is', async () => {
    const silent = await silentPort();
    expect((await failure(udpExchange('127.0.0.1', silent.port, buildSyn().bytes, Budget.start(150, 5000)))).kind).toBe('timeout');
    const t0 = Date.now();
    const e = await failure(udpExchange('127.0.0.1', silent.port, buildSyn().bytes, Budget.start(5000, 150)));
    expect(e.kind).toBe('deadline');
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(silent.received()).toBe(2);
  });

  it('a spent deadline sends nothing and counts nothing', async () => {
    const silent = await silentPort();
    const counter = { datagramExchanges: 0 };
    const e = await failure(udpExchange('127.0.0.1', silent.port, buildSyn().bytes, new Budget(1000, Date.now() - 1), counter));
    expect(e.kind).toBe('deadline');
    expect(counter.datagramExchanges).toBe(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(silent.received()).toBe(0);
  });

  it('a name or a bad port is an `error` before any socket exists', async () => {
    expect((await failure(udpExchange('rdp.example', 3389, new Uint8Array(1), Budget.start(100, 1000)))).kind).toBe('error');
    expect((await failure(udpExchange('127.0.0.1', 0, new Uint8Array(1), Budget.start(100, 1000)))).kind).toBe('error');
    expect((await failure(udpExchange('127.0.0.1', 70000, new Uint8Array(1), Budget.start(100, 1000)))).kind).toBe('error');
  });

  it('maps the per-OS forms of ICMP port unreachable to refused, and routing errors to unreachable', () => {
    const err = (code: string, syscall = 'recvmsg') => Object.assign(new Error(code), { code, syscall });
    expect(classifyUdpError(err('ECONNREFUSED')).kind).toBe('refused'); // Linux, macOS
    expect(classifyUdpError(err('ECONNRESET')).kind).toBe('refused'); // Windows WSAECONNRESET, should it surface
    expect(classifyUdpError(err('ENETUNREACH', 'connect')).kind).toBe('unreachable');
    expect(classifyUdpError(err('EHOSTUNREACH')).kind).toBe('unreachable');
    expect(classifyUdpError(err('EMSGSIZE', 'send')).kind).toBe('error');
  });
});

describe('udpExchange releases everything', () => {
  it('no socket and no timer stays open after an answer, a refusal, a timeout or an early error', async () => {
    const p = await peer();
    const silent = await silentPort();
    const closed = await closedPort();
    const sockets = await openHandles('UDPWrap');
    const timers = await openHandles('Timeout');
    const { bytes } = buildSyn();
    await udpExchange(p.address, p.port, bytes, Budget.start(1000, 5000));
    await udpExchange('127.0.0.1', closed, bytes, Budget.start(300, 5000)).catch(() => {});
    await udpExchange('127.0.0.1', silent.port, bytes, Budget.start(100, 5000)).catch(() => {});
    await udpExchange('not-an-ip', 1, bytes, Budget.start(100, 5000)).catch(() => {});
    expect(await openHandles('UDPWrap')).toBe(sockets);
    expect(await openHandles('Timeout')).toBeLessThanOrEqual(timers); // other code's timers may have ended meanwhile
  });

  it('a process whose only work is a silent exchange waits for the timeout instead of exiting early', async () => {
    const silent = await silentPort();
    const r = await runNode(DRIVER, ['127.0.0.1', String(silent.port), '300', '2000'], { timeoutMs: 20_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { kind: string; ms: number; counter: DatagramCounter };
    expect(out.kind).toBe('timeout');
    expect(out.ms).toBeGreaterThanOrEqual(290);
    expect(out.counter.datagramExchanges).toBe(1);
    expect(silent.received()).toBe(1);
  });
});

describe.runIf(process.env['RDPROBE_LAB'] === '1')('udpExchange against the lab (RDPROBE_LAB=1)', () => {
  it('UDP 3389 on a lab server is refused: its RDP servers listen on TCP only', async () => {
    const e = await failure(udpExchange('127.0.10.2', 3389, buildSyn().bytes, Budget.start(1000, 5000)));
    expect(e.kind).toBe('refused');
  });
});

describe.skipIf(NETNS_SKIP.iptables !== null)(`udpExchange in a network namespace${skipNote(NETNS_SKIP.iptables)}`, () => {
  interface DriverOut {
    kind: string;
    detail: string | null;
    ms: number;
    isn?: number;
    response?: string;
  }
  const drive = async (ns: { node: (s: URL, a: string[], o: { timeoutMs: number }) => Promise<{ code: number | null; stdout: string; stderr: string }> }, args: string[]): Promise<DriverOut> => {
    const r = await ns.node(DRIVER, args, { timeoutMs: 20_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as DriverOut;
  };

  it('UDP 3389 dropped by iptables is a timeout within the budget; an undropped closed port is still refused', async () => {
    await withNetns({ iptables: [RULES.dropUdp(3389)] }, async (ns) => {
      const dropped = await drive(ns, ['127.0.0.1', '3389', '400', '3000']);
      expect(dropped.kind).toBe('timeout');
      expect(dropped.ms).toBeGreaterThanOrEqual(390);
      expect(dropped.ms).toBeLessThan(1500);
      // Same namespace, a port the rule does not cover: the ICMP comes back. The DROP is what made the silence.
      expect((await drive(ns, ['127.0.0.1', '3390', '400', '3000'])).kind).toBe('refused');
      // The host deadline, when shorter than the step, is what ends the wait.
      expect((await drive(ns, ['127.0.0.1', '3389', '5000', '300'])).kind).toBe('deadline');
    });
  });

  it('a destination with no route (a fresh namespace has only lo) is unreachable at once', async () => {
    await withNetns({}, async (ns) => {
      const out = await drive(ns, ['10.77.0.1', '3389', '1000', '3000']);
      expect(out.kind).toBe('unreachable');
      expect(out.detail).toMatch(/ENETUNREACH/);
      expect(out.ms).toBeLessThan(500);
    });
  });
});
