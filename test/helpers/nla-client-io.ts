/**
 * Drives the sans-IO CredsspClient over a real loopback socket, as a probe would: X.224 Connection Request with
 * RDP_NEG_REQ, the server's RDP_NEG_RSP, TLS (node:tls, certificate not verified: the point is to read it),
 * CredSSP through the client, then the Early User Authorization Result PDU when HYBRID_EX was selected and
 * TSCredentials were sent. Bounded in time; the client's outcome is returned as it is.
 */
import net from 'node:net';
import tls from 'node:tls';
import { buildConnectionRequest, parseConnectionAnswer, type ConnectionAnswer } from '../../protocol/connection.js';
import { tsRequestLength } from '../../protocol/credssp.js';
import { CredsspClient, type CredsspClientOptions, type CredsspOutcome } from '../../protocol/credssp-client.js';
import { EARLY_USER_AUTH_RESULT_LENGTH, decodeEarlyUserAuthResult, type EarlyUserAuthResult } from '../../protocol/early-user-auth.js';
import { PROTOCOL_HYBRID_EX } from '../../protocol/negotiation.js';
import { tpktFrameLength } from '../../protocol/tpkt.js';
import { ByteStream } from './byte-stream.js';

export interface NlaRun {
  answer: ConnectionAnswer;
  /** Set when CredSSP ran. */
  outcome: CredsspOutcome | null;
  /** The Early User Authorization Result, when HYBRID_EX and credentials were sent. */
  earlyUserAuth: EarlyUserAuthResult | null;
  /** Whether the server closed the connection without a TSRequest at some point (before or after the outcome). */
  serverClosed: boolean;
  /** Every value the client returned (steps and outcomes), for the secrets test. */
  returned: unknown[];
}

export type NlaClientParams = Omit<CredsspClientOptions, 'serverCertificate' | 'targetHost'> & { requestedProtocols: number; timeoutMs?: number };

export async function runNlaClient(host: string, port: number, params: NlaClientParams): Promise<NlaRun> {
  const { requestedProtocols, timeoutMs = 8000, ...clientOptions } = params;
  const socket = net.connect({ host, port });
  socket.on('error', () => {});
  const killer = setTimeout(() => socket.destroy(), timeoutMs);
  const returned: unknown[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const raw = new ByteStream(socket, timeoutMs);
    socket.write(buildConnectionRequest(requestedProtocols, 'rdprobe'));
    const cc = await raw.frame(tpktFrameLength, 'X.224 Connection Confirm');
    if (cc === null) throw new Error('server closed before the Connection Confirm');
    const answer = parseConnectionAnswer(cc);
    if (answer.type !== 'response') return { answer, outcome: null, earlyUserAuth: null, serverClosed: false, returned };

    const tlsSocket = tls.connect({ socket, rejectUnauthorized: false });
    tlsSocket.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      tlsSocket.once('secureConnect', resolve);
      tlsSocket.once('error', reject);
    });
    const s = new ByteStream(tlsSocket, timeoutMs);
    const client = new CredsspClient({ ...clientOptions, serverCertificate: Uint8Array.from(tlsSocket.getPeerCertificate().raw), targetHost: host });
    tlsSocket.write(client.start());
    let outcome: CredsspOutcome | null = null;
    let serverClosed = false;
    while (outcome === null) {
      const frame = await s.frame(tsRequestLength, 'TSRequest');
      if (frame === null) {
        serverClosed = true;
        outcome = client.connectionClosed();
        returned.push(outcome);
        break;
      }
      const step = client.receive(frame);
      returned.push(step);
      if (step.send) tlsSocket.write(step.send);
      if (step.outcome) outcome = step.outcome;
    }
    let earlyUserAuth: EarlyUserAuthResult | null = null;
    if (outcome.kind === 'success' && outcome.credentialsSent && answer.selectedProtocol === PROTOCOL_HYBRID_EX) {
      const pdu = await s.exactly(EARLY_USER_AUTH_RESULT_LENGTH, 'Early User Authorization Result PDU');
      if (pdu !== null) earlyUserAuth = decodeEarlyUserAuthResult(pdu);
      else serverClosed = true;
    }
    // After a refusal, note whether the server also closed (Windows does after an errorCode; it is worth knowing).
    if (!serverClosed && outcome.kind !== 'success') {
      serverClosed = await Promise.race([s.closed(), new Promise<boolean>((r) => setTimeout(() => r(false), 1000))]);
    }
    client.dispose();
    tlsSocket.destroy();
    return { answer, outcome, earlyUserAuth, serverClosed, returned };
  } finally {
    clearTimeout(killer);
    socket.destroy();
  }
}
