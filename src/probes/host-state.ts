import type { CredsspResult, EncryptionMethod, Failure, ProtocolKey, ProtocolResult, Timings, TlsAttempt, TlsResult, TlsVersionKey } from '../record.js';
import type { McsOutcome } from './rdp-security.js';
import type { PeerCert } from './tls-step.js';

/** Mutable state of one host's probe; turned into the record at the end. */
export class HostState {
  connections = 0;
  protocols: Partial<Record<ProtocolKey, ProtocolResult>> = {};
  /** The protocol the TLS version probes went over (ssl, else hybrid, else hybrid_ex). */
  tlsVia: TlsResult['via'] = null;
  tlsAttempts: Partial<Record<TlsVersionKey, TlsAttempt>> = {};
  /** The certificate to report: the modern client's connection's when it got one, else the first seen. */
  cert: PeerCert | null = null;
  clientTls: { version: string; cipher: string } | null = null;
  credssp: CredsspResult | null = null;
  mcs: { outcome: McsOutcome; method: EncryptionMethod | 'all' }[] = [];
  clientFailure: Failure | null = null;
  /** Checks cut off by the host deadline or the connection budget (record `not_measured`). */
  notMeasured: Record<string, 'deadline' | 'connection_budget'> = {};
  timings: Omit<Timings, 'total'> = {};
}
