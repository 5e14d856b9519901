/**
 * A loopback UDP peer that answers an RDP-over-UDP SYN with a SYN+ACK recorded from a Windows server
 * (captures/windows-rdpeudp.json), so the UDP check can be tested without one.
 *
 * It is a recording, not a server: the answer is the recorded datagram with exactly one change, snSourceAck
 * (bytes 0-3) set to the snInitialSequenceNumber of the SYN it answers, as 3.1.5.1.3 requires. Everything else,
 * including the negotiated version, is what the recorded server sent, whatever the SYN offered. A datagram that
 * is not a SYN (too short, RDPUDP_FLAG_SYN clear, RDPUDP_FLAG_ACK set, or snSourceAck not -1) is logged and
 * ignored, never answered. The SYN check reads the bytes directly rather than through protocol/rdpeudp.ts, so a
 * codec bug cannot hide behind a peer that shares it.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { fromHex } from '../../protocol/writer.js';
import { loadTranscript } from './replay.js';

/** Which recorded SYN+ACK to answer with, by the version the recorded server chose. */
export type RecordedSynAck = 'version-2' | 'version-3';

export interface UdpReplayPeerOptions {
  answer?: RecordedSynAck;
  /** Loopback address to bind (default 127.0.0.1; '::1' works too). */
  host?: string;
  /** Port to bind (default 0: an ephemeral port, read it from `port`). */
  port?: number;
}

export interface UdpReplayPeer {
  readonly address: string;
  readonly port: number;
  /** The snInitialSequenceNumber of every SYN answered, in order. */
  readonly answered: number[];
  /** Every datagram ignored: why, and its first 16 bytes as hex. */
  readonly ignored: string[];
  /** The recorded SYN+ACK before rewriting (1232 bytes). */
  readonly recorded: Uint8Array;
  close(): Promise<void>;
}

const RDPUDP_FLAG_SYN = 0x0001;
const RDPUDP_FLAG_ACK = 0x0004;

/** The recorded server datagrams, keyed by the uUdpVer in their SYNDATAEX (bytes 18-19 of a SYN+ACK). */
export function recordedSynAck(which: RecordedSynAck): Uint8Array {
  const want = which === 'version-2' ? 0x0002 : 0x0101;
  for (const c of loadTranscript('windows-rdpeudp').connections) {
    for (const e of c.flow) {
      if (!('server' in e)) continue;
      const b = fromHex(e.server);
      if (((b[18]! << 8) | b[19]!) === want) return b;
    }
  }
  throw new Error(`captures/windows-rdpeudp.json has no SYN+ACK choosing ${which}`);
}

/** Why `d` is not a client SYN, or null when it is one. */
function notASyn(d: Buffer): string | null {
  if (d.length < 16) return `${d.length} bytes, too short for FEC header + SYNDATA`;
  const flags = d.readUInt16BE(6);
  if ((flags & RDPUDP_FLAG_SYN) === 0) return `uFlags 0x${flags.toString(16)} without SYN`;
  if (flags & RDPUDP_FLAG_ACK) return `uFlags 0x${flags.toString(16)} with ACK`;
  if (d.readUInt32BE(0) !== 0xffffffff) return `snSourceAck 0x${d.readUInt32BE(0).toString(16)}, not -1`;
  return null;
}

export async function startUdpReplayPeer(o: UdpReplayPeerOptions = {}): Promise<UdpReplayPeer> {
  const recorded = recordedSynAck(o.answer ?? 'version-3');
  const host = o.host ?? '127.0.0.1';
  const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
  const answered: number[] = [];
  const ignored: string[] = [];
  socket.on('error', () => {}); // a test peer must never crash the test run
  socket.on('message', (msg, rinfo) => {
    const why = notASyn(msg);
    if (why !== null) {
      ignored.push(`${why}: ${msg.subarray(0, 16).toString('hex')}`);
      return;
    }
    const isn = msg.readUInt32BE(8); // snInitialSequenceNumber of RDPUDP_SYNDATA_PAYLOAD
    const answer = Buffer.from(recorded);
    answer.writeUInt32BE(isn, 0); // snSourceAck: the only byte range that changes
    answered.push(isn);
    socket.send(answer, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(o.port ?? 0, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const { address, port } = socket.address();
  let closing: Promise<void> | null = null;
  return {
    address,
    port,
    answered,
    ignored,
    recorded,
    close: () => (closing ??= new Promise<void>((resolve) => socket.close(() => resolve()))),
  };
}
