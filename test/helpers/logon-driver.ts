/**
 * A tiny test-only socket loop around the sans-IO LogonSequence (protocol/rdp/logon-sequence.ts): TCP, X.224
 * Connection Request for PROTOCOL_SSL, TLS (any certificate), MCS Connect Initial / Response, then the sequence
 * fed frame by frame until it stops, the server closes, a stop condition holds, or the deadline passes (the
 * sequence has no timers; this loop is the caller that owns them). Not the probe: rdprobe's own transport lives in
 * src/, which protocol/ never imports and these tests do not need.
 */
import net from 'node:net';
import tls from 'node:tls';
import { buildConnectionRequest, parseConnectionAnswer } from '../../protocol/connection.js';
import { PROTOCOL_SSL } from '../../protocol/negotiation.js';
import { decodeConnectResponse, encodeConnectInitial } from '../../protocol/rdp-security.js';
import { decodeTpkt, encodeTpkt, tpktFrameLength } from '../../protocol/tpkt.js';
import { decodeDataTpdu, encodeDataTpdu } from '../../protocol/x224.js';
import { rdpFrameLength } from '../../protocol/rdp/server-frame.js';
import { LogonSequence, type LogonProgress, type LogonSequenceOptions } from '../../protocol/rdp/logon-sequence.js';

/** Buffered whole-frame reads from a socket; resolves null when the peer closes or the deadline passes. */
export class FrameReader {
  private buf = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | null = null;

  constructor(sock: net.Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.kick();
    });
    const end = () => {
      this.ended = true;
      this.kick();
    };
    sock.on('end', end);
    sock.on('close', end);
    sock.on('error', end);
  }

  get closed(): boolean {
    return this.ended;
  }

  private kick(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  async frame(lengthOf: (b: Uint8Array) => number | null, deadline: number): Promise<Buffer | 'closed' | 'timeout'> {
    for (;;) {
      const n = lengthOf(this.buf);
      if (n !== null && this.buf.length >= n) {
        const f = this.buf.subarray(0, n);
        this.buf = this.buf.subarray(n);
        return Buffer.from(f);
      }
      if (this.ended) return 'closed';
      const left = deadline - Date.now();
      if (left <= 0) return 'timeout';
      const timer = setTimeout(() => this.kick(), left);
      await new Promise<void>((r) => (this.wake = r));
      clearTimeout(timer);
    }
  }
}

export interface DriveOptions {
  host: string;
  port?: number;
  sequence: Omit<LogonSequenceOptions, 'selectedProtocol' | 'ioChannelId' | 'staticChannelIds' | 'messageChannelId'>;
  /** Overall budget in ms (default 8000). */
  timeoutMs?: number;
  /** Stop early (and run the disconnect sequence) once this holds. Default: reached logon_notified. */
  stopWhen?: (p: LogonProgress) => boolean;
  /** Sees every frame of the logon sequence (after MCS Connect), for recording captures. */
  record?: (direction: 'client' | 'server', frame: Uint8Array) => void;
}

export interface DriveResult {
  progress: LogonProgress;
  /** How the loop ended. */
  ended: 'sequence_done' | 'server_closed' | 'timeout' | 'stop_condition';
  /** Server frames fed to the sequence. */
  framesReceived: number;
  /** Client frames written (after the MCS Connect Initial). */
  framesSent: number;
}

function connect(host: string, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Connects, negotiates PROTOCOL_SSL, does MCS Connect, then runs the logon sequence. */
export async function driveLogon(o: DriveOptions): Promise<DriveResult> {
  const deadline = Date.now() + (o.timeoutMs ?? 8000);
  const raw = await connect(o.host, o.port ?? 3389);
  raw.on('error', () => {});
  let sock: net.Socket = raw;
  try {
    const rawReader = new FrameReader(raw);
    raw.write(buildConnectionRequest(PROTOCOL_SSL, 'rdprobe'));
    const cc = await rawReader.frame(tpktFrameLength, deadline);
    if (!(cc instanceof Buffer)) throw new Error(`no X.224 Connection Confirm (${cc})`);
    const answer = parseConnectionAnswer(cc);
    if (answer.type !== 'response' || answer.selectedProtocol !== PROTOCOL_SSL) throw new Error(`server did not select SSL: ${JSON.stringify(answer)}`);
    raw.removeAllListeners('data');
    raw.removeAllListeners('end');
    raw.removeAllListeners('close');
    raw.removeAllListeners('error');
    raw.on('error', () => {});
    const t = tls.connect({ socket: raw, rejectUnauthorized: false, servername: undefined });
    t.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      t.once('secureConnect', () => resolve());
      t.once('error', reject);
    });
    sock = t;
    const reader = new FrameReader(t);
    t.write(encodeTpkt(encodeDataTpdu(encodeConnectInitial({ serverSelectedProtocol: PROTOCOL_SSL, encryptionMethods: 0 }))));
    const crFrame = await reader.frame(tpktFrameLength, deadline);
    if (!(crFrame instanceof Buffer)) throw new Error(`no MCS Connect Response (${crFrame})`);
    const cr = decodeConnectResponse(decodeDataTpdu(decodeTpkt(crFrame), 4));
    if (cr.result !== 0 || !cr.serverNetwork) throw new Error(`MCS Connect Response ${cr.resultName} without network data`);

    const seq = new LogonSequence({
      ...o.sequence,
      selectedProtocol: PROTOCOL_SSL,
      ioChannelId: cr.serverNetwork.mcsChannelId,
      staticChannelIds: cr.serverNetwork.channelIds,
      messageChannelId: cr.serverMessageChannel?.mcsChannelId ?? null,
    });
    const stopWhen = o.stopWhen ?? ((p: LogonProgress) => p.reached === 'logon_notified');
    let framesReceived = 0;
    let framesSent = 0;
    const write = (frames: Uint8Array[]) => {
      for (const f of frames) {
        o.record?.('client', f);
        t.write(f);
      }
      framesSent += frames.length;
    };
    write(seq.start());
    for (;;) {
      if (seq.done) {
        // Stopped on our side (license exchange, redirection, failure): hang up cleanly unless the server already did.
        const progress = seq.progress;
        if (progress.disconnect === null) write(seq.disconnect());
        return { progress, ended: 'sequence_done', framesReceived, framesSent };
      }
      if (stopWhen(seq.progress)) {
        write(seq.disconnect());
        return { progress: seq.progress, ended: 'stop_condition', framesReceived, framesSent };
      }
      const f = await reader.frame(rdpFrameLength, deadline);
      if (f === 'closed') {
        seq.closed();
        return { progress: seq.progress, ended: 'server_closed', framesReceived, framesSent };
      }
      if (f === 'timeout') {
        // The sequence has no clock: a silent server is the caller's timeout, and the caller hangs up cleanly.
        const progress = seq.progress;
        write(seq.disconnect());
        return { progress, ended: 'timeout', framesReceived, framesSent };
      }
      framesReceived++;
      o.record?.('server', f);
      write(seq.receive(f));
    }
  } finally {
    await new Promise<void>((resolve) => {
      sock.end(() => resolve());
      setTimeout(resolve, 200);
    });
    sock.destroy();
    raw.destroy();
  }
}
