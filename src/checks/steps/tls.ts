import type { TLSSocket, PeerCertificate, DetailedPeerCertificate } from 'node:tls';
import type { Budget } from '../../transport/clock.js';
import type { RdpConnection } from '../../transport/rdp-connection.js';
import { closeTls, startTls, type TlsRange, type TlsVerification } from '../../transport/tls.js';
import type { TrustStore } from '../../transport/trust-store.js';
import type { TlsAttempt } from '../../record.js';

/**
 * The server's certificates as node:tls reports them, leaf first. OpenSSL may complete the chain from its own
 * store, so the TLS checks' own flights (exactly as sent) are preferred where there are any.
 */
export interface PeerCert {
  chain: Uint8Array[];
}

export interface TlsStepResult {
  attempt: TlsAttempt;
  /** The version actually negotiated (e.g. TLSv1.2), when the handshake completed. */
  version: string | null;
  cert: PeerCert | null;
  /** Left open only when the caller asked to continue on it (CredSSP). */
  socket: TLSSocket | null;
  ms: number;
  /** node:tls's verification of the chain, when a trust store was given. */
  verification: TlsVerification | null;
}

/** TLS handshake on a connection whose X.224 exchange selected SSL or HYBRID (verified against `trust` when given). */
export async function tlsStep(conn: RdpConnection, range: TlsRange, budget: Budget, keepOpen: boolean, trust?: TrustStore): Promise<TlsStepResult> {
  const outcome = await startTls(conn.handOverForTls(), range, budget, trust);
  if (!outcome.ok) {
    conn.destroy();
    // Cut off by the host deadline: not a refusal, just not measured.
    const accepted = outcome.refusal.kind === 'deadline' ? null : false;
    return { attempt: { accepted, cipher: null, refusal: outcome.refusal }, version: null, cert: null, socket: null, ms: outcome.ms, verification: null };
  }
  const s = outcome.socket;
  const cert = peerCert(s);
  if (!keepOpen) closeTls(s);
  return {
    attempt: { accepted: true, cipher: outcome.cipher, refusal: null },
    version: outcome.version,
    cert,
    socket: keepOpen ? s : null,
    ms: outcome.ms,
    verification: outcome.verification,
  };
}

function peerCert(s: TLSSocket): PeerCert | null {
  const detailed = s.getPeerCertificate(true);
  if (!detailed || Object.keys(detailed).length === 0 || !detailed.raw) return null;
  return { chain: chainOf(detailed) };
}

/** Node links the certificates through issuerCertificate (a self-loop at the root). */
function chainOf(c: DetailedPeerCertificate | PeerCertificate): Uint8Array[] {
  const out: Uint8Array[] = [];
  let cur: DetailedPeerCertificate | undefined = c as DetailedPeerCertificate;
  const seen = new Set<unknown>();
  while (cur && cur.raw && !seen.has(cur) && out.length < 16) {
    seen.add(cur);
    out.push(new Uint8Array(cur.raw));
    cur = cur.issuerCertificate;
  }
  return out;
}
