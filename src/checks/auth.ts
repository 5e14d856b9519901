/**
 * The authentication test (opt-in: `--user`; docs/auth.md): one connection per host, requesting what mstsc
 * requests (SSL|HYBRID|HYBRID_EX), TLS verified against Node's CA list plus --ca-file, then CredSSP with NTLMv2
 * for the test account ([MS-CSSP] 3.1.5, [MS-NLMP] 3.1.5) through the sans-IO CredsspClient.
 *
 *  - depth `auth` stops once the server proved it holds the TLS key (its pubKeyAuth answer): the credentials are
 *    verified and the password itself is never delegated;
 *  - depth `authz` sends TSCredentials as mstsc does and, when HYBRID_EX was selected, reads the Early User
 *    Authorization Result PDU ([MS-RDPBCGR] 2.2.10.2); then the session rides (the logon check) continue on the
 *    same connection, or it is closed before MCS, so no session is created.
 *
 * Credentials go only to hosts of --auth-hosts, only inside CredSSP, only over a trusted certificate (auth-trust.ts),
 * once per host, never retried, and only while the scan's credential gate is open (src/scan/auth-gate.ts): the
 * first rejection or lockout closes it for every other host. Kerberos is out of scope: a server that refuses NTLM is
 * reported as such, apart from bad credentials.
 */
import type { TLSSocket } from 'node:tls';
import { tsRequestLength, TS_REQUEST_MAX_LENGTH } from '../../protocol/credssp.js';
import { CredsspClient, type CredsspOutcome } from '../../protocol/credssp-client.js';
import { AUTHZ_ACCESS_DENIED, AUTHZ_SUCCESS, EARLY_USER_AUTH_RESULT_LENGTH, decodeEarlyUserAuthResult } from '../../protocol/early-user-auth.js';
import { PROTOCOL_HYBRID_EX } from '../../protocol/negotiation.js';
import {
  STATUS_ACCOUNT_DISABLED,
  STATUS_ACCOUNT_EXPIRED,
  STATUS_ACCOUNT_LOCKED_OUT,
  STATUS_ACCOUNT_RESTRICTION,
  STATUS_INVALID_LOGON_HOURS,
  STATUS_INVALID_WORKSTATION,
  STATUS_LOGON_FAILURE,
  STATUS_LOGON_TYPE_NOT_GRANTED,
  STATUS_NO_SUCH_USER,
  STATUS_PASSWORD_EXPIRED,
  STATUS_PASSWORD_MUST_CHANGE,
  STATUS_WRONG_PASSWORD,
} from '../../protocol/ntstatus.js';
import type { AuthFailure, AuthRecord, AuthResultKind, LogonRecord } from '../record.js';
import { FrameReader } from '../transport/frame-reader.js';
import { TransportError } from '../transport/errors.js';
import { closeTlsAndWait } from '../transport/tls.js';
import { hostPortKey } from '../targets/key.js';
import type { AuthOptions } from './auth-options.js';
import { judgeTrust } from './auth-trust.js';
import type { ClientResult } from './client.js';
import type { AuthSession, Check, CheckContext, CredentialGate, GateStop, GateTurn, GateVerdict } from './contract.js';
import { logonNotAttempted } from './logon.js';
import { clientAnswered } from './protocols.js';
import { toFailure } from './steps/failure.js';
import { negotiate, PROBE_REQUESTS, selectedKey } from './steps/negotiation.js';
import { tlsStep } from './steps/tls.js';

/** Credentials travel over TLS 1.2 or later only, with OpenSSL's default ciphers (never the probes' level 0). */
const CREDENTIAL_TLS = { min: 'TLSv1.2', max: 'TLSv1.3' } as const;

/** The auth connection also carries the logon sequence, whose fast-path screen updates can add up. */
const SESSION_LIMITS = { maxFrame: TS_REQUEST_MAX_LENGTH, maxTotal: 16 << 20 };

/** NTSTATUS answers by what they say about the account (Security 4625 carries the same codes). */
const REJECTED: ReadonlySet<number> = new Set([STATUS_LOGON_FAILURE, STATUS_WRONG_PASSWORD, STATUS_NO_SUCH_USER]);
const ACCOUNT_STATE: ReadonlySet<number> = new Set([
  STATUS_ACCOUNT_LOCKED_OUT,
  STATUS_ACCOUNT_DISABLED,
  STATUS_ACCOUNT_EXPIRED,
  STATUS_PASSWORD_EXPIRED,
  STATUS_PASSWORD_MUST_CHANGE,
  STATUS_ACCOUNT_RESTRICTION,
  STATUS_INVALID_LOGON_HOURS,
  STATUS_INVALID_WORKSTATION,
]);

export const AUTH: Check<AuthRecord> = {
  name: 'auth',
  budget: { tcp: 1 },
  // Right after the client check: a host deadline should cut the optional probes, not the one attempt.
  priority: 5,
  needs: (r, o) => (o.auth ? clientAnswered(r) : 'skip'),
  async run(ctx) {
    const o = ctx.options.auth!;
    const rec = baseRecord(o);
    const notAttempted = (reason: string, detail: string): AuthRecord => finish(rec, 'not_attempted', { stage: 'auth', reason, detail });

    if (!o.allowed(ctx.host)) return notAttempted('not_in_auth_hosts', 'the host is not in --auth-hosts: no credentials were sent to it');
    const selected = ctx.results.get<ClientResult>('client')?.protocol?.selected ?? null;
    if (selected !== 'hybrid' && selected !== 'hybrid_ex') {
      rec.selected_protocol = selected;
      return notAttempted('no_credssp', `the server selected ${selected ?? 'no protocol'} for SSL|HYBRID|HYBRID_EX: credentials go only inside CredSSP (NLA)`);
    }
    const gate = ctx.authGate ?? hostOnlyGate();
    if (gate.stop) return notAttempted('lockout_stop', lockoutDetail(gate.stop));

    try {
      await ctx.withConnection(async (conn) => {
        const n = await negotiate(conn, PROBE_REQUESTS.hybrid_ex, ctx.options.cookie, ctx.budget);
        if (!n.ok) return void failed(rec, ctx, 'auth', n.failure.reason, `X.224: ${n.failure.detail ?? n.failure.reason}`);
        const key = selectedKey(n.answer);
        rec.selected_protocol = key;
        if (n.answer.type !== 'response' || (key !== 'hybrid' && key !== 'hybrid_ex')) {
          return void notAttempted('no_credssp', `the server selected ${key ?? n.answer.type} on this connection: credentials go only inside CredSSP (NLA)`);
        }
        const t = await tlsStep(conn, CREDENTIAL_TLS, ctx.budget, true, o.trust);
        if (!t.socket || !t.cert || !t.verification) {
          const ref = t.attempt.refusal;
          return void failed(rec, ctx, 'auth', ref?.kind ?? 'error', `TLS 1.2+: ${ref?.alert_description ? `alert ${ref.alert} ${ref.alert_description}` : (ref?.detail ?? 'no certificate')}`);
        }
        const socket = t.socket;
        const reader = new FrameReader(socket, SESSION_LIMITS);
        try {
          const judged = judgeTrust(t.cert.chain[0]!, t.verification, ctx.host, o);
          rec.trust = judged.trust;
          if (judged.withheld) return void notAttempted(judged.withheld.reason, judged.withheld.detail);
          const turn = await gate.enter(hostPortKey(ctx.host.host, ctx.host.port));
          if (isStop(turn)) return void notAttempted('lockout_stop', lockoutDetail(turn));
          await authenticate(ctx, o, socket, reader, t.cert.chain[0]!, n.answer.selectedProtocol, rec, turn);
        } finally {
          reader.detach();
          await closeTlsAndWait(socket);
        }
      });
    } catch (e) {
      // No connection could be made (refused, rdprobe's own deadline or budget).
      const f = ctx.observe(toFailure('tcp', e));
      failed(rec, ctx, 'auth', f.reason, `connect: ${f.detail ?? f.reason}`);
    }
    // --logon on a host whose authz did not succeed: the logon record says why it did not start.
    if (ctx.sessionRides().length > 0 && rec.logon === null) rec.logon = logonNotAttempted(`auth.result is ${rec.result}`);
    return rec;
  },
  section: { key: 'auth', value: (r) => r ?? null },
};

/** The exchange itself, on a trusted session, holding a turn of the gate (ended as soon as the verdict is known). */
async function authenticate(ctx: CheckContext, o: AuthOptions, socket: TLSSocket, reader: FrameReader, certificate: Uint8Array, selectedProtocol: number, rec: AuthRecord, turn: GateTurn): Promise<void> {
  let verdict: GateVerdict = 'no_verdict';
  let why = 'no verdict';
  const password = o.credentials.passwordBytes();
  let client: CredsspClient;
  try {
    client = new CredsspClient({ user: o.account.user, domain: o.account.domain, password, serverCertificate: certificate, targetHost: ctx.host.host, depth: o.depth });
  } finally {
    password.fill(0);
  }
  try {
    let outcome: CredsspOutcome | null = null;
    socket.write(client.start());
    while (outcome === null) {
      let frame: Uint8Array;
      try {
        frame = await reader.next(tsRequestLength, ctx.budget, 'CredSSP TSRequest');
      } catch (e) {
        // A close or a reset is how version 2 servers and FreeRDP say no: the client names the step it followed.
        if (e instanceof TransportError && (e.kind === 'closed' || e.kind === 'reset')) {
          outcome = client.connectionClosed();
          break;
        }
        const f = ctx.observe(toFailure('credssp', e));
        return void failed(rec, ctx, 'auth', f.reason, `CredSSP: ${f.detail ?? f.reason}`);
      }
      const step = client.receive(frame);
      if (step.send) {
        socket.write(step.send);
        // The client's first message after the NEGOTIATE is the AUTHENTICATE: from here the account has an attempt.
        rec.tested = true;
      }
      outcome = step.outcome ?? null;
    }
    fromOutcome(outcome, rec);
    verdict = gateVerdictOf(rec);
    why = rec.failure ? `${rec.failure.reason} (auth.result ${rec.result})` : rec.result;
    turn.end(verdict, why);
    if (outcome.kind !== 'success' || !outcome.credentialsSent) return;
    rec.credentials_delegated = true;
    if (selectedProtocol === PROTOCOL_HYBRID_EX && !(await earlyUserAuthorization(ctx, reader, rec))) return;
    if (rec.result !== 'success') return;
    const rides = ctx.sessionRides();
    if (rides.length > 0) {
      const session: AuthSession = { socket, reader, selectedProtocol, account: o.account };
      for (const { ride } of rides) rec.logon = (await ride.run(session, ctx)) as LogonRecord;
    }
  } finally {
    client.dispose();
    turn.end(verdict, why);
  }
}

/** [MS-RDPBCGR] 2.2.10.2: four bytes after CredSSP, outside it. Returns false when the exchange broke instead. */
async function earlyUserAuthorization(ctx: CheckContext, reader: FrameReader, rec: AuthRecord): Promise<boolean> {
  let pdu: Uint8Array;
  try {
    pdu = await reader.next(() => EARLY_USER_AUTH_RESULT_LENGTH, ctx.budget, 'Early User Authorization Result PDU');
  } catch (e) {
    const f = ctx.observe(toFailure('credssp', e));
    failed(rec, ctx, 'authz', f.reason, `Early User Authorization Result PDU: ${f.detail ?? f.reason}`);
    return false;
  }
  const r = decodeEarlyUserAuthResult(pdu);
  rec.early_user_authz = r.name;
  if (r.value === AUTHZ_SUCCESS) return true;
  if (r.value === AUTHZ_ACCESS_DENIED) finish(rec, 'logon_right_missing', { stage: 'authz', reason: r.name, detail: 'the credentials are right, but the account may not log on to this server remotely' });
  else finish(rec, 'server_error', { stage: 'authz', reason: r.name, detail: 'an Early User Authorization Result [MS-RDPBCGR] 2.2.10.2 does not define' });
  return false;
}

/**
 * What an exchange established about the credentials, from its record: the one rule the gate follows, for this
 * scan's exchanges and for the records of a resumed file alike. A close right after the AUTHENTICATE counts as a
 * rejection: on Windows it is one (Security 4625), and the gate errs on the side of the account.
 */
export function gateVerdictOf(a: Pick<AuthRecord, 'result' | 'status'>): GateVerdict {
  if (a.status?.name === 'STATUS_ACCOUNT_LOCKED_OUT') return 'locked_out';
  if (a.result === 'credentials_rejected') return 'rejected';
  // A status only a right password reaches (disabled, expired, must change, no logon right) proves it too.
  if (a.result === 'success' || a.result === 'account_state' || a.result === 'logon_right_missing') return 'accepted';
  return 'no_verdict';
}

/** The record's verdict from the CredSSP client's outcome. */
function fromOutcome(outcome: CredsspOutcome, rec: AuthRecord): void {
  switch (outcome.kind) {
    case 'success':
      rec.credssp_version = outcome.serverVersion;
      rec.server_proved_key = true;
      finish(rec, 'success', null);
      return;
    case 'server_error': {
      rec.credssp_version = outcome.serverVersion;
      rec.status = outcome.status;
      const code = parseInt(outcome.status.hex, 16);
      const failure: AuthFailure = { stage: 'auth', reason: outcome.status.name, detail: `TSRequest.errorCode ${outcome.status.hex} after the ${outcome.after === 'negotiate' ? 'NEGOTIATE' : 'AUTHENTICATE'}` };
      const result: AuthResultKind = REJECTED.has(code) ? 'credentials_rejected' : ACCOUNT_STATE.has(code) ? 'account_state' : code === STATUS_LOGON_TYPE_NOT_GRANTED ? 'logon_right_missing' : 'server_error';
      finish(rec, result, failure);
      return;
    }
    case 'server_key_proof_failed':
      rec.credssp_version = outcome.serverVersion;
      rec.server_proved_key = false;
      finish(rec, 'server_key_proof_failed', { stage: 'auth', reason: 'server_key_proof_failed', detail: outcome.reason });
      return;
    case 'ntlm_refused':
      rec.status = outcome.status;
      finish(rec, 'ntlm_refused', { stage: 'auth', reason: 'ntlm_refused', detail: outcome.reason });
      return;
    case 'malformed':
      finish(rec, 'failed', { stage: 'auth', reason: 'malformed', detail: outcome.reason });
      return;
    case 'server_closed':
      if (outcome.after === 'authenticate') {
        finish(rec, 'credentials_rejected', {
          stage: 'auth',
          reason: 'closed_after_authenticate',
          detail: 'the server closed the connection after the NTLM AUTHENTICATE without an errorCode (how CredSSP version 2 servers and FreeRDP refuse credentials)',
        });
      } else finish(rec, 'failed', { stage: 'auth', reason: 'closed', detail: `the server closed the connection after the ${outcome.after === 'negotiate' ? 'NTLM NEGOTIATE' : 'TSCredentials'}` });
      return;
  }
}

function baseRecord(o: AuthOptions): AuthRecord {
  return {
    tested: false,
    user: o.account.text,
    method: 'ntlm',
    depth: o.depth,
    insecure: o.insecure,
    result: 'not_attempted',
    status: null,
    early_user_authz: null,
    server_proved_key: null,
    credentials_delegated: false,
    selected_protocol: null,
    credssp_version: null,
    trust: null,
    failure: null,
    logon: null,
  };
}

function finish(rec: AuthRecord, result: AuthResultKind, failure: AuthFailure | null): AuthRecord {
  rec.result = result;
  rec.failure = failure;
  return rec;
}

/** The exchange broke before a verdict; rdprobe's own deadline or budget is noted as a cut (not measured). */
function failed(rec: AuthRecord, ctx: CheckContext, stage: AuthFailure['stage'], reason: string, detail: string): void {
  if (reason === 'deadline' || reason === 'connection_budget') ctx.noteCut(reason);
  finish(rec, 'failed', { stage, reason, detail });
}

function lockoutDetail(stop: GateStop): string {
  return `no credentials sent: ${stop.by} answered ${stop.why} earlier in this scan, and rdprobe makes no further attempt after a rejection or a lockout`;
}

function isStop(x: GateTurn | GateStop): x is GateStop {
  return 'by' in x;
}

/** Without the scan's gate (a probe outside a scan): this host alone, which makes one attempt anyway. */
function hostOnlyGate(): CredentialGate {
  return { stop: null, enter: async () => ({ end: () => {} }) };
}

