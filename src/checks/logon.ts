/**
 * The full logon test (opt-in: `--logon`, with --user and --auth-hosts; docs/auth.md). It continues the auth
 * check's connection after authz, as a session ride: there is one authenticated connection per host, never a second
 * authentication. It walks the rest of the connection sequence ([MS-RDPBCGR] 1.3.1.1) with the sans-IO
 * LogonSequence: MCS Connect Initial (no virtual channels), Erect Domain, Attach User, Channel Joins, Client Info
 * (INFO_AUTOLOGON with the account; the password only as CredSSP already delegated it), licensing, capabilities,
 * finalization, then waits, up to --logon-timeout, for the Save Session Info logon notification, a Set Error Info
 * reason or a disconnect. It then disconnects cleanly (Shutdown Request, Disconnect Provider Ultimatum).
 *
 * Safety: a License Request stops it (the [MS-RDPELE] exchange is not implemented); a server that reconnects (or
 * offers to reconnect) an existing session of the account is left at once, so rdprobe never takes a session over.
 * A completed logon leaves a disconnected session on the server: docs/auth.md says which settings end it.
 */
import { decodeConnectResponse, encodeConnectInitial } from '../../protocol/rdp-security.js';
import { decodeTpkt, encodeTpkt, tpktFrameLength } from '../../protocol/tpkt.js';
import { decodeDataTpdu, encodeDataTpdu } from '../../protocol/x224.js';
import { LogonSequence, type LogonProgress } from '../../protocol/rdp/logon-sequence.js';
import { rdpFrameLength } from '../../protocol/rdp/server-frame.js';
import { STATUS_VALID_CLIENT } from '../../protocol/rdp/licensing.js';
import { LOGON_MSG_BUMP_OPTIONS, LOGON_MSG_RECONNECT_OPTIONS } from '../../protocol/rdp/session-info.js';
import type { LogonRecord, LogonResultKind } from '../record.js';
import { Budget } from '../transport/clock.js';
import { TransportError } from '../transport/errors.js';
import type { AuthSession, Check, CheckContext } from './contract.js';
import { toFailure } from './steps/failure.js';

/** ERRINFO_LICENSE_INTERNAL (0x100) .. ERRINFO_LICENSE_NO_REMOTE_CONNECTIONS (0x10A): licensing's own reasons. */
function isLicensingErrorInfo(code: number): boolean {
  return code >= 0x100 && code <= 0x10a;
}

const hex8 = (v: number): string => `0x${v.toString(16).toUpperCase().padStart(8, '0')}`;

export const LOGON: Check<undefined> = {
  name: 'logon',
  switch: { flag: 'logon', default: false, describe: 'full logon test after --authz (needs --user and --auth-hosts; leaves a disconnected session, see docs/auth.md)' },
  // No connection of its own: its work is the session ride on the auth check's authenticated connection.
  budget: { tcp: 0 },
  priority: 90,
  needs: () => 'skip',
  run: () => Promise.resolve(undefined),
  sessionRide: { run: (session, ctx) => runLogon(session, ctx) },
};

/** A logon record with nothing measured yet. */
function blank(tested: boolean, result: LogonResultKind): LogonRecord {
  return { tested, result, reached: null, licensing: null, error_info: null, logon_info_type: null, logon_errors: null, timed_out: false, reconnected_existing: false, disconnect: null, failure: null };
}

/** The record of a logon test that did not start (authz did not succeed: `why` says what auth.result was). */
export function logonNotAttempted(why: string): LogonRecord {
  return { ...blank(false, 'not_attempted'), failure: { stage: 'not_started', reason: 'not_attempted', detail: why } };
}

async function runLogon(session: AuthSession, ctx: CheckContext): Promise<LogonRecord> {
  const rec = blank(true, 'incomplete');
  const write = (frames: Uint8Array[]): void => {
    for (const f of frames) session.socket.write(f);
  };

  // Basic Settings Exchange (2.2.1.3, 2.2.1.4) on the authenticated connection: no encryption (TLS carries it).
  let seq: LogonSequence;
  try {
    write([encodeTpkt(encodeDataTpdu(encodeConnectInitial({ serverSelectedProtocol: session.selectedProtocol, encryptionMethods: 0 })))]);
    const frame = await session.reader.next(tpktFrameLength, ctx.budget, 'MCS Connect Response');
    const cr = decodeConnectResponse(decodeDataTpdu(decodeTpkt(frame), 4));
    if (cr.result !== 0 || !cr.serverNetwork) {
      rec.failure = { stage: 'mcs_connect', reason: 'server_error', detail: `MCS Connect Response ${cr.resultName}${cr.serverNetwork ? '' : ' without Server Network Data'}` };
      return rec;
    }
    seq = new LogonSequence({
      selectedProtocol: session.selectedProtocol,
      ioChannelId: cr.serverNetwork.mcsChannelId,
      staticChannelIds: cr.serverNetwork.channelIds,
      messageChannelId: cr.serverMessageChannel?.mcsChannelId ?? null,
      userName: session.account.user,
      domain: session.account.domain,
    });
  } catch (e) {
    const f = ctx.observe(toFailure('mcs', e));
    rec.failure = { stage: 'mcs_connect', reason: f.reason, detail: f.detail };
    return rec;
  }

  // Until the Client Info PDU the server answers at once (per-step timeout); after it, the logon itself may take
  // long (profile creation, group policy), so the wait has a deadline of its own.
  let logonBudget: Budget | null = null;
  let stoppedByUs: 'existing_session' | 'timeout' | null = null;
  write(seq.start());
  for (;;) {
    const p = seq.progress;
    if (seq.done) {
      if (p.disconnect === null) write(seq.disconnect());
      break;
    }
    if (p.reached === 'logon_notified') {
      write(seq.disconnect());
      break;
    }
    if (logonBudget === null && p.reached !== 'mcs_connect' && p.reached !== 'mcs_attach' && p.reached !== 'channel_join') {
      logonBudget = Budget.start(ctx.options.auth!.logonTimeoutMs, ctx.options.auth!.logonTimeoutMs);
    }
    let frame: Uint8Array;
    try {
      frame = await session.reader.next(rdpFrameLength, logonBudget ?? ctx.budget, 'server PDU');
    } catch (e) {
      if (e instanceof TransportError && (e.kind === 'closed' || e.kind === 'reset')) {
        seq.closed();
        continue;
      }
      // Once the logon wait began, every read is bounded by its own deadline only: running out is its outcome.
      if (e instanceof TransportError && (e.kind === 'timeout' || e.kind === 'deadline') && logonBudget !== null) stoppedByUs = 'timeout';
      else {
        const f = ctx.observe(toFailure('mcs', e));
        rec.failure = { stage: p.reached, reason: f.reason, detail: f.detail };
      }
      write(seq.disconnect());
      break;
    }
    const out = seq.receive(frame);
    // The server moved this connection onto an existing session of the account (or asks whether to): leave before
    // confirming anything, so rdprobe never takes a user's session over.
    const after = seq.progress;
    if (after.reconnectedExisting || existingSessionOffered(after)) {
      stoppedByUs = 'existing_session';
      write(seq.disconnect());
      break;
    }
    write(out);
  }
  return fill(rec, seq.progress, stoppedByUs);
}

/** Save Session Info logon errors that mean "this account already has a session" (2.2.10.1.1.4.1.1). */
function existingSessionOffered(p: LogonProgress): boolean {
  const t = p.logonErrors?.errorNotificationType;
  return t === LOGON_MSG_RECONNECT_OPTIONS || t === LOGON_MSG_BUMP_OPTIONS;
}

function fill(rec: LogonRecord, p: LogonProgress, stoppedByUs: 'existing_session' | 'timeout' | null): LogonRecord {
  rec.reached = p.reached;
  if (p.licensing) {
    rec.licensing = { message: p.licensing.message, error_code: p.licensing.errorCodeName, state_transition: p.licensing.stateTransitionName };
  }
  if (p.errorInfo) rec.error_info = { code: hex8(p.errorInfo.code), name: p.errorInfo.name };
  rec.logon_info_type = p.logonInfo?.type ?? null;
  if (p.logonErrors) rec.logon_errors = { type: p.logonErrors.errorNotificationTypeName, data: p.logonErrors.errorNotificationDataName };
  rec.timed_out = stoppedByUs === 'timeout';
  rec.reconnected_existing = stoppedByUs === 'existing_session';
  const d = p.disconnect;
  rec.disconnect =
    d === null
      ? { by: 'rdprobe', reason: stoppedByUs === 'timeout' ? 'logon timeout' : null }
      : d.by === 'ultimatum'
        ? { by: 'server_ultimatum', reason: d.reasonName }
        : { by: d.by === 'x224_disconnect_request' ? 'server_x224' : 'server_closed', reason: null };
  if (p.failure && !rec.failure) rec.failure = { stage: p.failure.phase, reason: 'protocol_error', detail: p.failure.reason };
  rec.result = result(p, stoppedByUs);
  return rec;
}

function result(p: LogonProgress, stoppedByUs: 'existing_session' | 'timeout' | null): LogonResultKind {
  if (stoppedByUs === 'existing_session') return 'reconnected_existing';
  if (p.reached === 'logon_notified') return 'logon_notified';
  if (p.stopped === 'license_exchange_required') return 'license_exchange_required';
  if (p.stopped === 'redirected') return 'redirected';
  const licensingError = p.licensing?.message === 'error' && p.licensing.errorCode !== STATUS_VALID_CLIENT;
  if ((p.errorInfo && isLicensingErrorInfo(p.errorInfo.code)) || (licensingError && p.reached === 'licensing')) return 'licensing_failed';
  if (p.errorInfo) return 'ended_by_server';
  if (stoppedByUs === 'timeout') return 'timed_out';
  return 'incomplete';
}
