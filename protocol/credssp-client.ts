import { randomBytes as nodeRandomBytes } from './node-crypto.js';
import { subjectPublicKeyOf, tlsServerEndPointHash } from './certificate-key.js';
import { TS_REQUEST_VERSION_MAX_KNOWN, decodeTsRequest, encodeTsRequest, type TsRequest } from './credssp.js';
import {
  CREDSSP_HASHED_PUBKEYAUTH_VERSION,
  CREDSSP_NONCE_LENGTH,
  checkPubKeyAuth,
  clientPubKeyAuthPlaintext,
  effectiveCredsspVersion,
  encodeTsPasswordCredentials,
  passwordCreds,
  serverPubKeyAuthPlaintext,
} from './credssp-auth.js';
import { DecodeError } from './errors.js';
import {
  DEFAULT_CLIENT_VERSION,
  NTLMSSP_SIGNATURE,
  dateToFiletime,
  decodeNtlmChallenge,
  encodeNtlmNegotiate,
  type NtlmChallenge,
  type NtlmVersion,
} from './ntlm.js';
import { buildClientAuthenticate, channelBindingsHash, negotiateAuthenticateFlags, ntowfv2, tlsServerEndPointData } from './ntlm-auth.js';
import { NtlmSessionSecurity } from './ntlm-session.js';
import { SEC_E_UNSUPPORTED_FUNCTION, STATUS_NOT_SUPPORTED, ntStatus, type NtStatusName } from './ntstatus.js';
import { utf16le, utf8ToUtf16le } from './utf16.js';

/**
 * A sans-IO CredSSP client authenticating with NTLMv2 ([MS-CSSP] 3.1.5, [MS-NLMP] 3.1.5): it turns the server's
 * TSRequests into the next TSRequest to send and, at the end, one outcome. No sockets, timers or retries: the
 * caller does the X.224 negotiation, the TLS upgrade, the framing (credssp.ts tsRequestLength), and reads the
 * Early User Authorization Result PDU (early-user-auth.ts) itself after a HYBRID_EX success, since that PDU is
 * outside CredSSP.
 *
 *   start()      -> TSRequest { negoTokens: [NEGOTIATE] }
 *   receive(CHALLENGE TSRequest)
 *                -> TSRequest { negoTokens: [AUTHENTICATE with MIC], pubKeyAuth, clientNonce (5+) }
 *   receive(the server's pubKeyAuth TSRequest)
 *                -> 'auth':  outcome success (the server proved it holds the TLS key), nothing sent
 *                -> 'authz': TSRequest { authInfo: sealed TSCredentials } to send, then outcome success
 *
 * How servers say no:
 *  - Windows answers a wrong password and an unknown user alike, with TSRequest.errorCode STATUS_LOGON_FAILURE
 *    (0xC000006D), to the AUTHENTICATE (CredSSP version 3 and up; errorCode does not exist before). States that
 *    only a right password reaches come the same way: STATUS_PASSWORD_MUST_CHANGE, STATUS_PASSWORD_EXPIRED,
 *    STATUS_ACCOUNT_LOCKED_OUT, STATUS_ACCOUNT_DISABLED... Outcome `server_error` with the status by name.
 *  - Version 2 servers have no errorCode: they close the connection. The caller reports that with
 *    connectionClosed(), outcome `server_closed` naming the last message sent.
 *  - A server that cannot speak NTLM answers the NEGOTIATE with STATUS_NOT_SUPPORTED or with something that is
 *    not a CHALLENGE: outcome `ntlm_refused`.
 *
 * Secrets (the password's UTF-16LE bytes, the NT hash, ResponseKeyNT, session keys) live in #private fields
 * (invisible to JSON.stringify and util.inspect), never reach an outcome, a reason or an Error message, and are
 * zeroed as soon as they are no longer needed and in any case when the exchange ends.
 */

export type CredsspDepth = 'auth' | 'authz';

export interface CredsspClientOptions {
  user: string;
  /** '' for a local account. */
  domain: string;
  /** The password: a string, or its UTF-8 bytes (copied; the caller zeroes its own buffer). */
  password: Uint8Array | string;
  /** The NTLM Workstation field; '' by default. */
  workstation?: string;
  /** The server's TLS certificate (DER): its public key is what pubKeyAuth binds, its hash the channel binding. */
  serverCertificate: Uint8Array;
  /** Host part of the SPN sent as MsvAvTargetName "TERMSRV/<host>". */
  targetHost: string;
  /** 'auth' stops once the server proved its key; 'authz' goes on to delegate TSCredentials. */
  depth: CredsspDepth;
  /** TSRequest version to announce (2 to 6); 6 by default. */
  credsspVersion?: number;
  /** Random source (tests inject a fixed one); node:crypto randomBytes by default. */
  randomBytes?: (n: number) => Uint8Array;
  /** Clock for the NTLMv2 timestamp when the CHALLENGE has none. */
  now?: () => Date;
  ntlmVersion?: NtlmVersion;
}

/** The last message the client sent when the exchange ended. */
export type CredsspStage = 'negotiate' | 'authenticate' | 'credentials';

export type CredsspOutcome =
  | { kind: 'success'; depth: CredsspDepth; serverVersion: number; credentialsSent: boolean }
  | { kind: 'server_error'; status: NtStatusName; serverVersion: number; after: CredsspStage }
  | { kind: 'server_key_proof_failed'; reason: string; serverVersion: number }
  | { kind: 'ntlm_refused'; reason: string; status: NtStatusName | null }
  | { kind: 'malformed'; reason: string; after: CredsspStage }
  | { kind: 'server_closed'; after: CredsspStage };

export interface CredsspStep {
  /** A complete TSRequest to write (one write: Windows rejects a TSRequest split across TLS records). */
  send?: Uint8Array;
  /** The end of the exchange (with `send`, after sending it). */
  outcome?: CredsspOutcome;
}

/** Statuses that mean "no NTLM here" when they answer the NEGOTIATE. */
const NTLM_REFUSAL_STATUSES: ReadonlySet<number> = new Set([STATUS_NOT_SUPPORTED, SEC_E_UNSUPPORTED_FUNCTION]);

type State = 'new' | 'sent_negotiate' | 'sent_authenticate' | 'done';

export class CredsspClient {
  readonly #user: string;
  readonly #domain: string;
  readonly #workstation: string;
  readonly #targetHost: string;
  readonly #depth: CredsspDepth;
  readonly #version: number;
  readonly #random: (n: number) => Uint8Array;
  readonly #now: () => Date;
  readonly #ntlmVersion: NtlmVersion;
  readonly #certificate: Uint8Array;
  #password: Uint8Array;
  #security: NtlmSessionSecurity | null = null;
  #state: State = 'new';
  #negotiate: Uint8Array | null = null;
  #serverVersion = 0;
  #nonce: Uint8Array | null = null;
  #subjectPublicKey: Uint8Array | null = null;
  #challenge: NtlmChallenge | null = null;
  #outcome: CredsspOutcome | null = null;
  #lastSent: CredsspStage = 'negotiate';

  constructor(o: CredsspClientOptions) {
    const v = o.credsspVersion ?? TS_REQUEST_VERSION_MAX_KNOWN;
    if (!Number.isInteger(v) || v < 2 || v > TS_REQUEST_VERSION_MAX_KNOWN) throw new RangeError(`CredSSP version ${v} (2 to ${TS_REQUEST_VERSION_MAX_KNOWN})`);
    this.#user = o.user;
    this.#domain = o.domain;
    this.#workstation = o.workstation ?? '';
    this.#targetHost = o.targetHost;
    this.#depth = o.depth;
    this.#version = v;
    this.#random = o.randomBytes ?? ((n) => Uint8Array.from(nodeRandomBytes(n)));
    this.#now = o.now ?? (() => new Date());
    this.#ntlmVersion = o.ntlmVersion ?? DEFAULT_CLIENT_VERSION;
    this.#certificate = Uint8Array.from(o.serverCertificate);
    this.#password = typeof o.password === 'string' ? utf16le(o.password) : utf8ToUtf16le(o.password);
  }

  /** The decoded CHALLENGE (server names, build, clock) once received; null before. Holds no secret. */
  get challenge(): NtlmChallenge | null {
    return this.#challenge;
  }

  /** The outcome once the exchange ended, else null. */
  get outcome(): CredsspOutcome | null {
    return this.#outcome;
  }

  /** The first TSRequest: NEGOTIATE_MESSAGE in negoTokens. */
  start(): Uint8Array {
    if (this.#state !== 'new') throw new Error(`CredsspClient.start() in state ${this.#state}`);
    this.#negotiate = encodeNtlmNegotiate();
    this.#state = 'sent_negotiate';
    return encodeTsRequest({ version: this.#version, negoTokens: [this.#negotiate] });
  }

  /** One complete TSRequest from the server (as framed by tsRequestLength). */
  receive(tsRequest: Uint8Array): CredsspStep {
    if (this.#state !== 'sent_negotiate' && this.#state !== 'sent_authenticate') {
      throw new Error(`CredsspClient.receive() in state ${this.#state}`);
    }
    const stage = this.#lastSent;
    let ts: TsRequest;
    try {
      ts = decodeTsRequest(tsRequest);
    } catch (e) {
      if (e instanceof DecodeError) return this.#end({ kind: 'malformed', reason: e.message, after: stage });
      throw e;
    }
    try {
      return this.#state === 'sent_negotiate' ? this.#onChallenge(ts) : this.#onServerProof(ts);
    } catch (e) {
      // Server bytes nested deeper (the CHALLENGE, the certificate, a sealed pubKeyAuth) failed to decode.
      if (e instanceof DecodeError) return this.#end({ kind: 'malformed', reason: e.message, after: stage });
      this.#wipe();
      throw e;
    }
  }

  /** The server closed the connection before the exchange ended (version 2 servers refuse that way). */
  connectionClosed(): CredsspOutcome {
    if (this.#outcome !== null) return this.#outcome;
    return this.#end({ kind: 'server_closed', after: this.#lastSent }).outcome!;
  }

  /** Zeroes every secret now (idempotent); the client is finished afterwards. */
  dispose(): void {
    this.#wipe();
    this.#state = 'done';
  }

  #onChallenge(ts: TsRequest): CredsspStep {
    this.#serverVersion = ts.version;
    if (ts.errorCode !== undefined) {
      const status = ntStatus(ts.errorCode);
      if (NTLM_REFUSAL_STATUSES.has(ts.errorCode)) return this.#end({ kind: 'ntlm_refused', reason: `server answered NEGOTIATE with ${status.name}`, status });
      return this.#end({ kind: 'server_error', status, serverVersion: ts.version, after: 'negotiate' });
    }
    const tokens = ts.negoTokens ?? [];
    if (tokens.length === 0) return this.#end({ kind: 'ntlm_refused', reason: 'TSRequest without a negoToken: no NTLM CHALLENGE', status: null });
    if (tokens.length > 1) return this.#end({ kind: 'malformed', reason: `${tokens.length} negoTokens, expected one CHALLENGE`, after: 'negotiate' });
    const token = tokens[0]!;
    if (token.length < 8 || !NTLMSSP_SIGNATURE.every((b, i) => token[i] === b)) {
      return this.#end({ kind: 'ntlm_refused', reason: 'the negoToken is not an NTLM message (no NTLMSSP signature)', status: null });
    }
    const challenge = decodeNtlmChallenge(token);
    this.#challenge = challenge;
    const { flags, missing } = negotiateAuthenticateFlags(challenge.flags);
    if (missing.length > 0) return this.#end({ kind: 'ntlm_refused', reason: `server did not negotiate ${missing.join(', ')}`, status: null });

    const spk = subjectPublicKeyOf(this.#certificate);
    if (spk.length === 0) return this.#end({ kind: 'malformed', reason: 'the TLS certificate has an empty public key', after: 'negotiate' });
    this.#subjectPublicKey = spk;
    const certHash = tlsServerEndPointHash(this.#certificate);
    const responseKeyNT = ntowfv2(this.#password, this.#user, this.#domain);
    const clientChallenge = this.#random(8);
    const randomSessionKey = this.#random(16);
    let auth;
    try {
      auth = buildClientAuthenticate({
        negotiateMessage: this.#negotiate!,
        challengeMessage: token,
        challenge,
        flags,
        userName: this.#user,
        domainName: this.#domain,
        workstation: this.#workstation,
        responseKeyNT,
        clientChallenge,
        randomSessionKey,
        clientTime: dateToFiletime(this.#now()),
        channelBindings: channelBindingsHash(certHash === null ? null : tlsServerEndPointData(certHash)),
        targetName: `TERMSRV/${this.#targetHost}`,
        version: this.#ntlmVersion,
      });
    } finally {
      responseKeyNT.fill(0);
      randomSessionKey.fill(0);
    }
    this.#security = new NtlmSessionSecurity(auth.exportedSessionKey, flags, 'client');
    auth.exportedSessionKey.fill(0);
    // 'auth' never sends the password itself: nothing needs it any more.
    if (this.#depth === 'auth') this.#password.fill(0);

    const effective = effectiveCredsspVersion(this.#version, ts.version);
    if (effective >= CREDSSP_HASHED_PUBKEYAUTH_VERSION) {
      this.#nonce = this.#random(CREDSSP_NONCE_LENGTH);
      if (this.#nonce.length !== CREDSSP_NONCE_LENGTH) throw new RangeError('randomBytes returned the wrong length');
    }
    const plaintext = clientPubKeyAuthPlaintext(effective, spk, this.#nonce);
    const pubKeyAuth = this.#security.seal(plaintext);
    plaintext.fill(0);
    const out: TsRequest = { version: this.#version, negoTokens: [auth.message], pubKeyAuth };
    if (this.#nonce !== null) out.clientNonce = this.#nonce;
    this.#state = 'sent_authenticate';
    this.#lastSent = 'authenticate';
    return { send: encodeTsRequest(out) };
  }

  #onServerProof(ts: TsRequest): CredsspStep {
    if (ts.errorCode !== undefined) {
      return this.#end({ kind: 'server_error', status: ntStatus(ts.errorCode), serverVersion: ts.version, after: 'authenticate' });
    }
    const serverVersion = this.#serverVersion;
    if (ts.pubKeyAuth === undefined) return this.#end({ kind: 'server_key_proof_failed', reason: 'the answer to AUTHENTICATE has no pubKeyAuth', serverVersion });
    const effective = effectiveCredsspVersion(this.#version, serverVersion);
    const expected = serverPubKeyAuthPlaintext(effective, this.#subjectPublicKey!, this.#nonce);
    const check = checkPubKeyAuth(this.#security!, ts.pubKeyAuth, expected);
    expected.fill(0);
    if (!check.ok) {
      const why = {
        bad_signature: "the server's pubKeyAuth does not verify with the NTLM session keys",
        bad_sequence_number: "the server's pubKeyAuth has the wrong sequence number",
        wrong_public_key: "the server's pubKeyAuth does not match the TLS certificate's public key",
      }[check.reason];
      return this.#end({ kind: 'server_key_proof_failed', reason: why, serverVersion });
    }
    if (this.#depth === 'auth') return this.#end({ kind: 'success', depth: 'auth', serverVersion, credentialsSent: false });

    const credentials = encodeTsPasswordCredentials(passwordCreds(this.#user, this.#domain, this.#password));
    const authInfo = this.#security!.seal(credentials);
    credentials.fill(0);
    this.#lastSent = 'credentials';
    const send = encodeTsRequest({ version: this.#version, authInfo });
    return { send, outcome: this.#end({ kind: 'success', depth: 'authz', serverVersion, credentialsSent: true }).outcome! };
  }

  #end(outcome: CredsspOutcome): CredsspStep {
    this.#outcome = outcome;
    this.#state = 'done';
    this.#wipe();
    return { outcome };
  }

  #wipe(): void {
    this.#password.fill(0);
    this.#security?.dispose();
    this.#security = null;
  }
}
