/**
 * SCRIPTED logon peers: loopback TCP + TLS servers that play the server side of the RDP connection sequence after
 * security negotiation, following a script. No open-source server in the lab sends these PDUs (FreeRDP's shadow
 * server never sends Save Session Info, Set Error Info or a licensing error other than STATUS_VALID_CLIENT; xrdp
 * stops at its License Request without sesman), so these scripts are how the sans-IO LogonSequence meets every
 * branch over real sockets. Every server PDU is built with the project's own encoders; every client PDU is decoded
 * with the project's decoders and recorded, so a test can assert what the client sent.
 *
 * Flow: X.224 Connection Request -> Confirm selecting PROTOCOL_SSL -> TLS (self-signed certificate made with
 * `openssl req` at setup) -> MCS Connect Initial -> Connect Response (gcc/mcs encoders) -> Attach User and Channel
 * Join confirms -> Client Info -> the script's steps -> record whatever else the client sends until it closes.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeConnectionRequest, decodeDataTpdu, encodeDataTpdu, X224_TPDU_CONNECTION_CONFIRM } from '../../protocol/x224.js';
import { decodeTpkt, encodeTpkt } from '../../protocol/tpkt.js';
import { decodeRdpNegReq, encodeRdpNegRsp, PROTOCOL_SSL } from '../../protocol/negotiation.js';
import { DEFAULT_TARGET_PARAMETERS, decodeMcsConnectInitial, encodeMcsConnectResponse } from '../../protocol/mcs.js';
import { encodeConferenceCreateResponse, encodeServerUserData } from '../../protocol/gcc.js';
import { RDP_VERSION_10_7 } from '../../protocol/rdp-security.js';
import { Reader } from '../../protocol/reader.js';
import { Writer } from '../../protocol/writer.js';
import {
  decodeMcsDomainPdu,
  encodeAttachUserConfirm,
  encodeChannelJoinConfirm,
  encodeDisconnectProviderUltimatum,
  encodeSendDataIndication,
  MCS_SERVER_CHANNEL_ID,
  RN_PROVIDER_INITIATED,
} from '../../protocol/mcs-domain.js';
import { decodeClientInfoPduData, type ClientInfo } from '../../protocol/rdp/client-info.js';
import { encodeLicenseErrorPdu, encodeLicenseRequestPdu } from '../../protocol/rdp/licensing.js';
import { encodeDemandActivePdu, readConfirmActive, serverCapabilities } from '../../protocol/rdp/capabilities.js';
import {
  CTRLACTION_COOPERATE,
  CTRLACTION_GRANTED_CONTROL,
  encodeControlPdu,
  encodeFontMapPdu,
  encodeShutdownDeniedPdu,
  encodeSynchronizePdu,
  readControl,
} from '../../protocol/rdp/finalization.js';
import { encodeSetErrorInfoPdu } from '../../protocol/rdp/error-info.js';
import { encodeSaveSessionInfoPdu, type SaveSessionInfoSpec } from '../../protocol/rdp/session-info.js';
import { encodeDeactivateAll, encodeEnhancedServerRedirection, PDUTYPE_CONFIRMACTIVEPDU, PDUTYPE_DATAPDU, readShareControlPdu, readShareDataHeader } from '../../protocol/rdp/share.js';

export const PEER_IO_CHANNEL = 1003;
export const PEER_USER_CHANNEL = 1007;
export const PEER_SHARE_ID = 0x000103ea;

/** One scripted server action after the Client Info PDU. */
export type PeerStep =
  | { send: 'license_error'; errorCode: number; stateTransition: number }
  | { send: 'license_request' }
  /** Demand Active, then wait for Confirm Active and the client's Font List. */
  | { send: 'demand_active'; sessionId?: number }
  /** Server Synchronize, Control Cooperate, Control Granted, Font Map (2.2.1.19-22). */
  | { send: 'server_finalization' }
  | { send: 'set_error_info'; code: number }
  | { send: 'save_session_info'; info: SaveSessionInfoSpec }
  | { send: 'deactivate_all' }
  | { send: 'redirection'; sessionId: number; redirFlags: number }
  | { send: 'ultimatum'; reason?: number }
  /** Close the connection now (TLS close_notify, then FIN). */
  | { close: true };

export interface PeerScript {
  steps: PeerStep[];
  /** Answer a Shutdown Request with Shutdown Request Denied (as Windows does for a logged-on session). */
  denyShutdown?: boolean;
}

/** What the peer read from the client, in order. */
export type Received =
  | { pdu: 'x224_connection_request'; requestedProtocols: number | null }
  | { pdu: 'mcs_connect_initial' }
  | { pdu: 'erect_domain_request' }
  | { pdu: 'attach_user_request' }
  | { pdu: 'channel_join_request'; channelId: number }
  | { pdu: 'client_info'; securityFlags: number; info: ClientInfo }
  | { pdu: 'confirm_active'; shareId: number; originatorId: number; capabilitySets: number[] }
  | { pdu: 'synchronize' }
  | { pdu: 'control'; action: string }
  | { pdu: 'font_list' }
  | { pdu: 'shutdown_request' }
  | { pdu: 'disconnect_provider_ultimatum'; reasonName: string }
  | { pdu: 'other'; detail: string };

export interface LogonPeer {
  host: string;
  port: number;
  /** Per accepted connection, what the client sent. */
  readonly sessions: Received[][];
  close(): Promise<void>;
}

// ------------------------------------------------------------------------------------------------ certificate

export interface PeerCert {
  key: Buffer;
  cert: Buffer;
}

/** A throwaway self-signed P-256 certificate, made with `openssl req` (one per test file). */
export function makeSelfSignedCert(): PeerCert {
  const dir = mkdtempSync(join(tmpdir(), 'rdprobe-logon-peer-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=rdprobe-scripted-logon-peer'], { stdio: 'ignore' });
    return { key: readFileSync(key), cert: readFileSync(cert) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------------------------ wire

class Frames {
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
  private kick(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
  /** The next whole TPKT, or null once the client is gone. */
  async tpkt(): Promise<Buffer | null> {
    for (;;) {
      if (this.buf.length >= 4) {
        const n = this.buf.readUInt16BE(2);
        if (this.buf.length >= n) {
          const f = this.buf.subarray(0, n);
          this.buf = this.buf.subarray(n);
          return f;
        }
      }
      if (this.ended) return null;
      await new Promise<void>((r) => (this.wake = r));
    }
  }
}

const sdin = (userData: Uint8Array) => encodeTpkt(encodeDataTpdu(encodeSendDataIndication(MCS_SERVER_CHANNEL_ID, PEER_IO_CHANNEL, userData)));
const mcsFrame = (pdu: Uint8Array) => encodeTpkt(encodeDataTpdu(pdu));

/** Decodes one client frame after MCS Connect into what the recorder keeps. */
function classify(frame: Uint8Array, afterClientInfo: boolean): Received {
  const mcs = decodeMcsDomainPdu(decodeDataTpdu(decodeTpkt(frame), 4), 7);
  switch (mcs.kind) {
    case 'erect_domain_request':
      return { pdu: 'erect_domain_request' };
    case 'attach_user_request':
      return { pdu: 'attach_user_request' };
    case 'channel_join_request':
      return { pdu: 'channel_join_request', channelId: mcs.channelId };
    case 'disconnect_provider_ultimatum':
      return { pdu: 'disconnect_provider_ultimatum', reasonName: mcs.reasonName };
    case 'send_data_request': {
      if (!afterClientInfo) {
        const { securityFlags, info } = decodeClientInfoPduData(mcs.userData);
        return { pdu: 'client_info', securityFlags, info };
      }
      const { header, body } = readShareControlPdu(new Reader(mcs.userData, 'rdp'));
      if (header.pduType === PDUTYPE_CONFIRMACTIVEPDU) {
        const ca = readConfirmActive(body);
        return { pdu: 'confirm_active', shareId: ca.shareId, originatorId: ca.originatorId, capabilitySets: ca.capabilitySets.map((s) => s.type) };
      }
      if (header.pduType === PDUTYPE_DATAPDU) {
        const dh = readShareDataHeader(body);
        if (dh.pduType2 === 0x1f) return { pdu: 'synchronize' };
        if (dh.pduType2 === 0x14) return { pdu: 'control', action: readControl(body).actionName };
        if (dh.pduType2 === 0x27) return { pdu: 'font_list' };
        if (dh.pduType2 === 0x24) return { pdu: 'shutdown_request' };
        return { pdu: 'other', detail: dh.pduType2Name };
      }
      return { pdu: 'other', detail: header.pduTypeName };
    }
    default:
      return { pdu: 'other', detail: mcs.kind };
  }
}

// ------------------------------------------------------------------------------------------------ the peer

async function serve(raw: net.Socket, script: PeerScript, cert: PeerCert, log: Received[]): Promise<void> {
  raw.on('error', () => {});
  const plain = new Frames(raw);
  const cr = await plain.tpkt();
  if (!cr) return;
  const request = decodeConnectionRequest(decodeTpkt(cr), 4);
  log.push({ pdu: 'x224_connection_request', requestedProtocols: request.negotiation.length ? decodeRdpNegReq(request.negotiation).requestedProtocols : null });
  // X.224 Connection Confirm with RDP_NEG_RSP selecting PROTOCOL_SSL ([MS-RDPBCGR] 2.2.1.2).
  const neg = encodeRdpNegRsp({ flags: 0, selectedProtocol: PROTOCOL_SSL });
  const cc = new Writer().u8(6 + neg.length).u8(X224_TPDU_CONNECTION_CONFIRM).u16be(0).u16be(0x1234).u8(0).bytes(neg).finish();
  raw.removeAllListeners('data');
  raw.write(encodeTpkt(cc));
  const sock = new tls.TLSSocket(raw, { isServer: true, key: cert.key, cert: cert.cert });
  sock.on('error', () => {});
  const wire = new Frames(sock);
  await serveSession(sock, () => wire.tpkt(), script, log, PROTOCOL_SSL);
}

/**
 * The server side from the MCS Connect Initial on, over a connection whose security phase is done (TLS here, TLS
 * plus CredSSP in the scripted NLA server): `readTpkt` yields the client's next whole TPKT, null once it is gone.
 */
export async function serveSession(sock: Duplex, readTpkt: () => Promise<Uint8Array | null>, script: PeerScript, log: Received[], selectedProtocol: number): Promise<void> {
  const ci = await readTpkt();
  if (!ci) return;
  decodeMcsConnectInitial(decodeDataTpdu(decodeTpkt(ci), 4));
  log.push({ pdu: 'mcs_connect_initial' });
  const userData = encodeServerUserData({
    core: { version: RDP_VERSION_10_7, clientRequestedProtocols: selectedProtocol, earlyCapabilityFlags: 0 },
    network: { mcsChannelId: PEER_IO_CHANNEL, channelIds: [] },
    security: { encryptionMethod: 0, encryptionLevel: 0, serverRandom: null, serverCertificate: null },
  });
  const gcc = encodeConferenceCreateResponse({ nodeId: 0x79f3, tag: 1, result: 0, userData });
  sock.write(mcsFrame(encodeMcsConnectResponse({ result: 0, calledConnectId: 0, domainParameters: DEFAULT_TARGET_PARAMETERS, userData: gcc })));

  let afterClientInfo = false;
  let shutdownDenied = false;
  const next = async (): Promise<Received | null> => {
    const f = await readTpkt();
    if (!f) return null;
    const r = classify(f, afterClientInfo);
    log.push(r);
    if (r.pdu === 'client_info') afterClientInfo = true;
    if (r.pdu === 'attach_user_request') sock.write(mcsFrame(encodeAttachUserConfirm(0, PEER_USER_CHANNEL)));
    if (r.pdu === 'channel_join_request') sock.write(mcsFrame(encodeChannelJoinConfirm(0, PEER_USER_CHANNEL, r.channelId, r.channelId)));
    if (r.pdu === 'shutdown_request' && script.denyShutdown && !shutdownDenied) {
      shutdownDenied = true;
      sock.write(sdin(encodeShutdownDeniedPdu(PEER_SHARE_ID, MCS_SERVER_CHANNEL_ID)));
    }
    return r;
  };
  const until = async (pdu: Received['pdu']): Promise<boolean> => {
    for (;;) {
      const r = await next();
      if (!r) return false;
      if (r.pdu === pdu) return true;
    }
  };

  if (!(await until('client_info'))) return;
  for (const step of script.steps) {
    if ('close' in step) {
      await new Promise<void>((resolve) => sock.end(resolve));
      return;
    }
    switch (step.send) {
      case 'license_error':
        sock.write(sdin(encodeLicenseErrorPdu(step.errorCode, step.stateTransition)));
        break;
      case 'license_request':
        sock.write(sdin(encodeLicenseRequestPdu()));
        break;
      case 'demand_active':
        sock.write(sdin(encodeDemandActivePdu(PEER_SHARE_ID, serverCapabilities(1024, 768), step.sessionId ?? 2)));
        if (!(await until('font_list'))) return;
        break;
      case 'server_finalization':
        sock.write(sdin(encodeSynchronizePdu(PEER_SHARE_ID, MCS_SERVER_CHANNEL_ID, 0)));
        sock.write(sdin(encodeControlPdu(PEER_SHARE_ID, MCS_SERVER_CHANNEL_ID, CTRLACTION_COOPERATE)));
        sock.write(sdin(encodeControlPdu(PEER_SHARE_ID, MCS_SERVER_CHANNEL_ID, CTRLACTION_GRANTED_CONTROL, PEER_USER_CHANNEL, MCS_SERVER_CHANNEL_ID)));
        sock.write(sdin(encodeFontMapPdu(PEER_SHARE_ID, MCS_SERVER_CHANNEL_ID)));
        break;
      case 'set_error_info':
        sock.write(sdin(encodeSetErrorInfoPdu(step.code, PEER_SHARE_ID)));
        break;
      case 'save_session_info':
        sock.write(sdin(encodeSaveSessionInfoPdu(step.info, PEER_SHARE_ID, MCS_SERVER_CHANNEL_ID)));
        break;
      case 'deactivate_all':
        sock.write(sdin(encodeDeactivateAll(PEER_SHARE_ID, MCS_SERVER_CHANNEL_ID)));
        break;
      case 'redirection':
        sock.write(sdin(encodeEnhancedServerRedirection(step.sessionId, step.redirFlags, MCS_SERVER_CHANNEL_ID)));
        break;
      case 'ultimatum':
        sock.write(mcsFrame(encodeDisconnectProviderUltimatum(step.reason ?? RN_PROVIDER_INITIATED)));
        break;
    }
  }
  // Keep reading (and recording) until the client hangs up.
  while (await next()) {
    /* recorded by next() */
  }
}

/** Starts a scripted peer on host (port 0: an ephemeral port). Every connection runs the same script. */
export async function startLogonPeer(script: PeerScript, cert: PeerCert, host = '127.0.0.1'): Promise<LogonPeer> {
  const sessions: Received[][] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    const log: Received[] = [];
    sessions.push(log);
    serve(sock, script, cert, log).catch((e: unknown) => {
      log.push({ pdu: 'other', detail: `peer error: ${e instanceof Error ? e.message : String(e)}` });
      sock.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: 0 }, () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  return {
    host,
    port: address.port,
    sessions,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
