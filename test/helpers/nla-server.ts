/**
 * A SCRIPTED CredSSP/NTLMv2 server for tests: a loopback TCP listener that does the X.224 step (RDP_NEG_RSP
 * selecting PROTOCOL_HYBRID or PROTOCOL_HYBRID_EX), the TLS upgrade with a throw-away self-signed certificate,
 * then the server side of CredSSP with NTLMv2 for one known account, built from rdprobe's own codecs. It is a
 * test double, not a reference: its behaviours are scripted to reach outcomes no open-source server in the lab
 * produces (AUTHZ_ACCESS_DENIED, STATUS_PASSWORD_MUST_CHANGE, a server that cannot prove its key...).
 *
 * It verifies what a real server verifies (NTProofStr, MIC, MsvAvChannelBindings, the client's pubKeyAuth) and
 * records everything it received, so tests can check that the password never arrives in 'auth' depth and does
 * arrive, decrypted, in 'authz'.
 */
import { execFile } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { subjectPublicKeyOf, tlsServerEndPointHash } from '../../protocol/certificate-key.js';
import { decodeTsRequest, encodeTsRequest, tsRequestLength, type TsRequest } from '../../protocol/credssp.js';
import {
  checkPubKeyAuth,
  clientPubKeyAuthPlaintext,
  decodeTsCredentials,
  decodeTsPasswordCreds,
  effectiveCredsspVersion,
  serverPubKeyAuthPlaintext,
} from '../../protocol/credssp-auth.js';
import { AUTHZ_ACCESS_DENIED, AUTHZ_SUCCESS, encodeEarlyUserAuthResult } from '../../protocol/early-user-auth.js';
import {
  MSV_AV_CHANNEL_BINDINGS,
  MSV_AV_DNS_COMPUTER_NAME,
  MSV_AV_NB_COMPUTER_NAME,
  MSV_AV_NB_DOMAIN_NAME,
  NTLMSSP_NEGOTIATE_KEY_EXCH,
  avString,
  avTimestamp,
  dateToFiletime,
  decodeNtlmNegotiate,
  encodeNtlmChallenge,
} from '../../protocol/ntlm.js';
import {
  computeMic,
  channelBindingsHash,
  decodeNtlmAuthenticate,
  ntowfv2,
  ntProofStr,
  hmacMd5,
  rc4SessionKey,
  tlsServerEndPointData,
  type DecodedNtlmAuthenticate,
} from '../../protocol/ntlm-auth.js';
import { NtlmSessionSecurity, constantTimeEqual } from '../../protocol/ntlm-session.js';
import {
  STATUS_ACCOUNT_LOCKED_OUT,
  STATUS_BAD_BINDINGS,
  STATUS_LOGON_FAILURE,
  STATUS_NOT_SUPPORTED,
  STATUS_PASSWORD_MUST_CHANGE,
  ntStatus,
} from '../../protocol/ntstatus.js';
import { PROTOCOL_HYBRID, PROTOCOL_HYBRID_EX, decodeRdpNegReq, encodeRdpNegRsp } from '../../protocol/negotiation.js';
import { decodeTpkt, encodeTpkt, tpktFrameLength } from '../../protocol/tpkt.js';
import { decodeConnectionRequest } from '../../protocol/x224.js';
import { utf16le } from '../../protocol/utf16.js';
import { ByteStream } from './byte-stream.js';

export type NlaServerBehaviour =
  /** Verifies the client; a right password gets its pubKeyAuth answer, a wrong one STATUS_LOGON_FAILURE. */
  | 'normal'
  /** Right password, then errorCode STATUS_PASSWORD_MUST_CHANGE (what Windows sends for "must change at next logon"). */
  | 'password_must_change'
  /** Right password, then errorCode STATUS_ACCOUNT_LOCKED_OUT. */
  | 'account_locked_out'
  /** Full success, then Early User Authorization Result AUTHZ_ACCESS_DENIED after TSCredentials (HYBRID_EX). */
  | 'authz_denied'
  /** Answers with a pubKeyAuth sealed correctly over the wrong value: it cannot prove it holds the TLS key. */
  | 'wrong_pub_key_auth'
  /** Answers the NEGOTIATE with errorCode STATUS_NOT_SUPPORTED. */
  | 'not_ntlm';

export interface NlaServerOptions {
  user: string;
  domain: string;
  password: string;
  /** The RDP_NEG_RSP selectedProtocol. */
  selectedProtocol: typeof PROTOCOL_HYBRID | typeof PROTOCOL_HYBRID_EX;
  /** The TSRequest version the server speaks. Version 2 has no errorCode: it refuses by closing. */
  credsspVersion: number;
  behaviour: NlaServerBehaviour;
  /**
   * After the TSCredentials (and the Early User Authorization Result, when it says AUTHZ_SUCCESS): go on with the
   * RDP connection sequence on the same TLS connection (test/helpers/logon-peer.ts serveSession) instead of closing.
   */
  afterAuthz?: (sock: tls.TLSSocket, readTpkt: () => Promise<Uint8Array | null>) => Promise<void>;
}

/** What one connection brought. */
export interface NlaConnectionRecord {
  requestedProtocols: number | null;
  /** Every TSRequest received, as decrypted from TLS. */
  received: Uint8Array[];
  authenticate: DecodedNtlmAuthenticate | null;
  ntProofVerified: boolean | null;
  micVerified: boolean | null;
  channelBindingsVerified: boolean | null;
  clientPubKeyAuthVerified: boolean | null;
  /** The decrypted TSPasswordCreds, UTF-16LE (only after 'authz'). */
  credentials: { domainName: string; userName: string; password: Uint8Array } | null;
  /** The NTLM exported session key of this connection (for tests that look for it where it must never be). */
  sessionKey: Uint8Array | null;
  /** What the server did, in order: 'cc', 'challenge', 'error STATUS_...', 'pubKeyAuth', 'authz AUTHZ_...', 'close'. */
  actions: string[];
  /** A helper-side failure (a bug in the test double or the client), for assertions. */
  error: string | null;
}

export interface NlaServer {
  host: string;
  port: number;
  certificateDer: Uint8Array;
  connections: NlaConnectionRecord[];
  /** Resolves when every connection so far has finished its script. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const run = promisify(execFile);

/** A throw-away self-signed RSA certificate made with openssl at test setup. */
export async function makeCertificate(cn = 'nla-scripted.test'): Promise<{ key: string; cert: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'rdprobe-nla-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2', '-subj', `/CN=${cn}`, '-keyout', key, '-out', cert]);
    return { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** X.224 Connection Confirm + RDP_NEG_RSP ([MS-RDPBCGR] 2.2.1.2): LI 14, CC 0xD0, refs, class 0. */
function connectionConfirm(selectedProtocol: number): Uint8Array {
  const neg = encodeRdpNegRsp({ flags: 0, selectedProtocol });
  return encodeTpkt(Uint8Array.from([6 + neg.length, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00, ...neg]));
}

/** Windows Server's CHALLENGE flags (0xE28A8235 less what we do not do): Unicode NTLMv2, ESS, 128, KEY_EXCH, 56. */
const SERVER_FLAGS = 0xe28a8235;

export async function startNlaServer(opts: NlaServerOptions, pem: { key: string; cert: string }, host = '127.0.0.1'): Promise<NlaServer> {
  const certificateDer = Uint8Array.from(new X509Certificate(pem.cert).raw);
  const spk = subjectPublicKeyOf(certificateDer);
  const bindings = channelBindingsHash(tlsServerEndPointData(tlsServerEndPointHash(certificateDer)!));
  const connections: NlaConnectionRecord[] = [];
  const running = new Set<Promise<void>>();
  const sockets = new Set<net.Socket>();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const rec: NlaConnectionRecord = {
      requestedProtocols: null,
      received: [],
      authenticate: null,
      ntProofVerified: null,
      micVerified: null,
      channelBindingsVerified: null,
      clientPubKeyAuthVerified: null,
      credentials: null,
      sessionKey: null,
      actions: [],
      error: null,
    };
    connections.push(rec);
    const p = serve(socket, rec).catch((e: unknown) => {
      rec.error = e instanceof Error ? e.message : String(e);
      socket.destroy();
    });
    running.add(p);
    void p.finally(() => running.delete(p));
  });

  async function serve(socket: net.Socket, rec: NlaConnectionRecord): Promise<void> {
    const raw = new ByteStream(socket);
    const cr = await raw.frame(tpktFrameLength, 'X.224 Connection Request');
    if (cr === null) return;
    const x224 = decodeConnectionRequest(decodeTpkt(cr), 4);
    rec.requestedProtocols = decodeRdpNegReq(x224.negotiation).requestedProtocols;
    socket.write(connectionConfirm(opts.selectedProtocol));
    rec.actions.push('cc');

    const tlsSocket = new tls.TLSSocket(socket, { isServer: true, key: pem.key, cert: pem.cert });
    tlsSocket.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      tlsSocket.once('secure', resolve);
      tlsSocket.once('error', reject);
      tlsSocket.once('close', () => reject(new Error('closed during the TLS handshake')));
    });
    const s = new ByteStream(tlsSocket);
    const version = opts.credsspVersion;
    const send = (ts: TsRequest): void => void tlsSocket.write(encodeTsRequest({ ...ts, version }));
    const close = (): void => {
      rec.actions.push('close');
      tlsSocket.end();
    };
    /** Windows sends errorCode (versions 3+); a version 2 server just closes. */
    const refuse = (status: number): void => {
      if (version >= 3) {
        send({ version, errorCode: status });
        rec.actions.push(`error ${ntStatus(status).name}`);
      }
      close();
    };
    const nextTsRequest = async (): Promise<TsRequest | null> => {
      const b = await s.frame(tsRequestLength, 'TSRequest');
      if (b === null) return null;
      rec.received.push(b);
      return decodeTsRequest(b);
    };

    // Round 1: NEGOTIATE -> CHALLENGE.
    const first = await nextTsRequest();
    if (first === null) return;
    if (opts.behaviour === 'not_ntlm') return refuse(STATUS_NOT_SUPPORTED);
    const negotiateMessage = first.negoTokens![0]!;
    decodeNtlmNegotiate(negotiateMessage);
    const serverChallenge = Uint8Array.from(randomBytes(8));
    const challengeMessage = encodeNtlmChallenge({
      flags: SERVER_FLAGS,
      targetName: 'SCRIPTED',
      serverChallenge,
      targetInfo: [
        avString(MSV_AV_NB_DOMAIN_NAME, 'SCRIPTED'),
        avString(MSV_AV_NB_COMPUTER_NAME, 'SCRIPTED'),
        avString(MSV_AV_DNS_COMPUTER_NAME, 'scripted.test'),
        avTimestamp(dateToFiletime(new Date())),
      ],
      version: { major: 10, minor: 0, build: 20348, revision: 15 },
    });
    send({ version, negoTokens: [challengeMessage] });
    rec.actions.push('challenge');

    // Round 2: AUTHENTICATE + pubKeyAuth -> the server's pubKeyAuth, or a refusal.
    const second = await nextTsRequest();
    if (second === null) return;
    const authenticateMessage = second.negoTokens![0]!;
    const a = decodeNtlmAuthenticate(authenticateMessage);
    rec.authenticate = a;
    if (a.ntlmV2 === null || a.userName.toUpperCase() !== opts.user.toUpperCase()) return refuse(STATUS_LOGON_FAILURE);
    const key = ntowfv2(utf16le(opts.password), a.userName, a.domainName);
    rec.ntProofVerified = constantTimeEqual(ntProofStr(key, serverChallenge, a.ntlmV2.temp), a.ntlmV2.ntProofStr);
    if (!rec.ntProofVerified) return refuse(STATUS_LOGON_FAILURE);
    const sessionBaseKey = hmacMd5(key, a.ntlmV2.ntProofStr);
    const exported = a.flags & NTLMSSP_NEGOTIATE_KEY_EXCH ? rc4SessionKey(sessionBaseKey, a.encryptedRandomSessionKey) : sessionBaseKey;
    rec.sessionKey = Uint8Array.from(exported);
    rec.micVerified = a.mic !== null && constantTimeEqual(computeMic(exported, negotiateMessage, challengeMessage, authenticateMessage), a.mic);
    if (!rec.micVerified) return refuse(STATUS_LOGON_FAILURE);
    const cb = a.ntlmV2.clientChallenge.avPairs.find((p) => p.id === MSV_AV_CHANNEL_BINDINGS);
    rec.channelBindingsVerified = cb !== undefined && constantTimeEqual(cb.value, bindings);
    if (!rec.channelBindingsVerified) return refuse(STATUS_BAD_BINDINGS);
    if (opts.behaviour === 'password_must_change') return refuse(STATUS_PASSWORD_MUST_CHANGE);
    if (opts.behaviour === 'account_locked_out') return refuse(STATUS_ACCOUNT_LOCKED_OUT);

    const security = new NtlmSessionSecurity(exported, a.flags, 'server');
    const effective = effectiveCredsspVersion(version, second.version);
    const nonce = second.clientNonce ?? null;
    rec.clientPubKeyAuthVerified = checkPubKeyAuth(security, second.pubKeyAuth!, clientPubKeyAuthPlaintext(effective, spk, nonce)).ok;
    if (!rec.clientPubKeyAuthVerified) return close();
    const proof = serverPubKeyAuthPlaintext(effective, spk, nonce);
    if (opts.behaviour === 'wrong_pub_key_auth') proof[proof.length - 1]! ^= 0x01;
    send({ version, pubKeyAuth: security.seal(proof) });
    rec.actions.push('pubKeyAuth');

    // Round 3 ('authz' clients only): TSCredentials, then the Early User Authorization Result (HYBRID_EX).
    const third = await nextTsRequest();
    if (third === null) return;
    const u = security.unseal(third.authInfo!);
    if (!u.ok) throw new Error(`authInfo did not verify: ${u.reason}`);
    const creds = decodeTsPasswordCreds(decodeTsCredentials(u.message).credentials);
    const text = (b: Uint8Array): string => Buffer.from(b).toString('utf16le');
    rec.credentials = { domainName: text(creds.domainName), userName: text(creds.userName), password: creds.password };
    const denied = opts.behaviour === 'authz_denied';
    if (opts.selectedProtocol === PROTOCOL_HYBRID_EX) {
      const result = denied ? AUTHZ_ACCESS_DENIED : AUTHZ_SUCCESS;
      tlsSocket.write(encodeEarlyUserAuthResult(result));
      rec.actions.push(`authz ${result === AUTHZ_SUCCESS ? 'AUTHZ_SUCCESS' : 'AUTHZ_ACCESS_DENIED'}`);
    }
    if (opts.afterAuthz && !denied) {
      rec.actions.push('session');
      await opts.afterAuthz(tlsSocket, () => s.frame(tpktFrameLength, 'TPKT'));
    }
    close();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: 0 }, resolve);
  });
  const address = server.address() as net.AddressInfo;
  return {
    host,
    port: address.port,
    certificateDer,
    connections,
    settled: async () => {
      await Promise.all([...running]);
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
