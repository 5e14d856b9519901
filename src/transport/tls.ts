import type { SecureVersion, TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { tlsAlertName } from '../../protocol/tls-alerts.js';
import type { Budget } from './clock.js';
import type { TrustStore } from './trust-store.js';

/** How a TLS handshake that did not complete looked from the client side (the record's TlsRefusal has this shape). */
export interface TlsRefusal {
  kind: 'alert' | 'reset' | 'closed' | 'timeout' | 'deadline' | 'version_mismatch' | 'malformed' | 'error';
  alert: number | null;
  alert_description: string | null;
  detail: string | null;
}

export interface TlsRange {
  min: SecureVersion;
  max: SecureVersion;
}

export type TlsOutcome =
  | { ok: true; socket: TLSSocket; version: string; cipher: string; ms: number; verification: TlsVerification | null }
  | { ok: false; refusal: TlsRefusal; ms: number };

/** What node:tls's own chain verification said (only when startTls was given a trust store). */
export interface TlsVerification {
  /** TLSSocket.authorized: the chain leads to a CA of the trust store. */
  authorized: boolean;
  /** TLSSocket.authorizationError, e.g. DEPTH_ZERO_SELF_SIGNED_CERT. */
  error: string | null;
}

/**
 * Upgrades an already-negotiated RDP connection to TLS ([MS-RDPBCGR] 5.4.5.1: the TLS handshake starts right
 * after the X.224 Connection Confirm, on the same socket).
 *
 * Without `trust`: security level 0 and every cipher OpenSSL still has, because the point is to measure what a
 * legacy server accepts, not to protect a session; the certificate is not verified for the same reason (it is
 * analysed instead). With `trust` (a connection that will carry credentials): OpenSSL's default ciphers and
 * security level, and the chain verified against the store; the handshake still completes when verification
 * fails (the caller decides, from `verification`, whether anything secret may follow).
 */
export async function startTls(socket: Duplex, range: TlsRange, budget: Budget, trust?: TrustStore): Promise<TlsOutcome> {
  const started = Date.now();
  const { ms, byDeadline } = budget.next();
  // Node's TLS (and OpenSSL's set-up behind it) loads on the first handshake: a scan that reaches no TLS server,
  // such as a sweep of closed ports, never pays for it.
  const tls = process.getBuiltinModule('node:tls');
  return new Promise<TlsOutcome>((resolve) => {
    let settled = false;
    const s = tls.connect({
      socket,
      minVersion: range.min,
      maxVersion: range.max,
      // With a trust store, `authorized` is the chain alone: node:tls would otherwise also match the certificate
      // against "localhost" (no servername here); the caller matches names against the target itself.
      ...(trust ? { ca: [...trust.ca], checkServerIdentity: () => undefined } : { ciphers: 'ALL:@SECLEVEL=0', minDHSize: 1 }),
      rejectUnauthorized: false,
      // No SNI: RDP clients address hosts by name or IP and Windows does not select certificates by SNI.
      servername: '',
    });
    s.on('error', () => {}); // errors are handled below; never let one escape as an uncaught exception
    const finish = (o: TlsOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!o.ok) s.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => {
      finish({
        ok: false,
        refusal: { kind: byDeadline ? 'deadline' : 'timeout', alert: null, alert_description: null, detail: `${byDeadline ? 'host deadline reached' : 'no TLS handshake'} within ${ms} ms` },
        ms: Date.now() - started,
      });
    }, ms);
    s.once('secureConnect', () => {
      const c = s.getCipher();
      const verification = trust ? { authorized: s.authorized, error: s.authorizationError ? String(s.authorizationError) : null } : null;
      finish({ ok: true, socket: s, version: s.getProtocol() ?? 'unknown', cipher: c?.standardName ?? c?.name ?? 'unknown', ms: Date.now() - started, verification });
    });
    s.once('error', (err: NodeJS.ErrnoException) => {
      finish({ ok: false, refusal: classifyTlsError(err), ms: Date.now() - started });
    });
    s.once('close', () => {
      finish({
        ok: false,
        refusal: { kind: 'closed', alert: null, alert_description: null, detail: 'connection closed during the TLS handshake' },
        ms: Date.now() - started,
      });
    });
  });
}

/**
 * Turns what Node/OpenSSL reports for a failed handshake into the record's refusal vocabulary. OpenSSL names a
 * *received* alert as "...alert <name>...SSL alert number N"; a peer that just closes or resets shows up as
 * ECONNRESET with Node's "socket disconnected" message; a version the client did not offer is
 * "unsupported protocol" (the Windows quirk of answering a 1.3-only hello with 1.2 lands here).
 */
export function classifyTlsError(err: NodeJS.ErrnoException): TlsRefusal {
  const msg = String(err?.message ?? err);
  const code = err?.code ?? '';
  const m = /alert number (\d+)/i.exec(msg);
  if (m) {
    const n = Number(m[1]);
    return { kind: 'alert', alert: n, alert_description: tlsAlertName(n), detail: shorten(msg) };
  }
  if (/unsupported protocol|wrong ssl version|version too low|unsupported_protocol/i.test(msg) || code === 'ERR_SSL_UNSUPPORTED_PROTOCOL') {
    return { kind: 'version_mismatch', alert: null, alert_description: null, detail: shorten(msg) };
  }
  if (/disconnected before secure TLS connection|socket hang up/i.test(msg)) {
    return { kind: 'closed', alert: null, alert_description: null, detail: shorten(msg) };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    return { kind: 'reset', alert: null, alert_description: null, detail: shorten(msg) };
  }
  if (/wrong version number|packet length too long|record layer failure|unexpected message|bad record|decode error|record_overflow|record overflow/i.test(msg)) {
    return { kind: 'malformed', alert: null, alert_description: null, detail: shorten(msg) };
  }
  return { kind: 'error', alert: null, alert_description: null, detail: shorten(`${code ? code + ': ' : ''}${msg}`) };
}

/**
 * OpenSSL's text is "<hex>:error:<code>:SSL routines:<function>:<reason>:<file>:<line>:<extra>"; the reason
 * (and the alert number in the extra part) is what a reader needs.
 */
function shorten(s: string): string {
  const m = /error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):[^:]*:\d+:?(.*)$/s.exec(s.trim());
  const text = (m ? `${m[1]}${m[2] ? ` (${m[2].trim()})` : ''}` : s).replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

/**
 * Closes a TLS connection politely (close_notify, then FIN) without waiting for the peer. The timer that destroys
 * it stays ref'd: a peer may still be talking (a server that answers only after our close_notify), and an unref'd
 * timer would let the event loop run dry with a close pending (Node exits 13, silently, mid-scan).
 */
export function closeTls(s: TLSSocket): void {
  s.end();
  const t = setTimeout(() => s.destroy(), CLOSE_GRACE_MS);
  s.once('close', () => clearTimeout(t));
}

/**
 * closeTls, resolved once the TLS socket is gone (the peer's close, or the grace): for a connection whose last
 * messages matter (the logon test's Disconnect Provider Ultimatum), so that closing the TCP connection under it
 * cannot cut them off before the TLS layer has flushed them.
 */
export function closeTlsAndWait(s: TLSSocket): Promise<void> {
  if (s.destroyed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    s.once('close', () => resolve());
    closeTls(s);
  });
}

/** How long a closing connection waits for the peer before it is destroyed. */
export const CLOSE_GRACE_MS = 200;
