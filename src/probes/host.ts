import {
  PROTOCOL_HYBRID,
  PROTOCOL_HYBRID_EX,
  PROTOCOL_RDP,
  PROTOCOL_RDSAAD,
  PROTOCOL_RDSTLS,
  PROTOCOL_SSL,
} from '../../protocol/negotiation.js';
import { Budget, now, since } from '../transport/clock.js';
import type { Dialer } from '../transport/dialer.js';
import { TransportError } from '../transport/errors.js';
import { RdpConnection } from '../transport/rdp-connection.js';
import { TLS_VERSIONS, type TlsRange } from '../transport/tls.js';
import { TLS_VERSION_KEYS, type MeasuredRecord, type ProtocolKey, type Status, type TlsAttempt, type TlsResult, type TlsVersionKey } from '../record.js';
import { assemble } from './assemble.js';
import { continueLikeAClient } from './client-path.js';
import { toFailure } from './failure.js';
import { HostState } from './host-state.js';
import { negotiate, protocolResult, selectedKey, unanswered } from './negotiation.js';
import { ENCRYPTION_METHOD_KEYS, mcsStep } from './rdp-security.js';
import { tlsStep } from './tls-step.js';

/**
 * What `rdprobe scan` asks of one host, and the limits it must keep. Windows logs and throttles hosts that open
 * many half-finished connections (RemoteConnectionManager 1006), so a probe opens at most MAX_CONNECTIONS
 * connections, never more than the caller's connection limiter allows at once, and closes each one cleanly.
 */
export const MAX_CONNECTIONS = 12;

export interface ProbeOptions {
  /** Per-step timeout (connect, each read, each handshake), ms. */
  timeoutMs: number;
  /** Whole-host deadline, ms. */
  hostTimeoutMs: number;
  /** mstshash cookie sent in every Connection Request (shows up in server logs), or null for none. */
  cookie: string | null;
  /** Run the CredSSP/NTLM step on the client-like connection. */
  credssp: boolean;
  /** Enumerate Standard RDP Security methods when the server accepts PROTOCOL_RDP. */
  rdpSecurity: boolean;
  /** Enumerate TLS versions. */
  tlsVersions: boolean;
}

export const DEFAULT_PROBE_OPTIONS: ProbeOptions = {
  timeoutMs: 5000,
  hostTimeoutMs: 30000,
  cookie: 'rdprobe',
  credssp: true,
  rdpSecurity: true,
  tlsVersions: true,
};

export interface HostTarget {
  /** As the user wrote it. */
  target: string;
  host: string;
  /** Literal address, or null for a name to resolve. */
  address: string | null;
  port: number;
}

export interface ProbeDeps {
  dialer: Dialer;
  /** Bounds how many of this host's connections are open at once (the scan runner owns concurrency). */
  connectionSlot: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Name -> first address. Throws TransportError('not_found') when the name does not resolve. */
  resolve: (host: string, timeoutMs: number) => Promise<string>;
  clock?: () => Date;
}

/** requestedProtocols for each protocol probe: hybrid goes with ssl, hybrid_ex with hybrid and ssl ([MS-RDPBCGR] 2.2.1.1.1). */
export const PROBE_REQUESTS: Record<ProtocolKey, number> = {
  rdp: PROTOCOL_RDP,
  ssl: PROTOCOL_SSL,
  hybrid: PROTOCOL_SSL | PROTOCOL_HYBRID,
  rdstls: PROTOCOL_RDSTLS,
  // What mstsc sends: the hybrid_ex probe doubles as the "modern client" connection whose failure is reported.
  hybrid_ex: PROTOCOL_SSL | PROTOCOL_HYBRID | PROTOCOL_HYBRID_EX,
  rdsaad: PROTOCOL_RDSAAD,
};

const only = (v: TlsVersionKey): TlsRange => ({ min: TLS_VERSIONS[v], max: TLS_VERSIONS[v] });
/** A TLS version that could not be tried (the X.224 step before it broke): not measured, with why. */
const notMeasured = (detail: string): TlsAttempt => ({ accepted: null, cipher: null, refusal: { kind: 'error', alert: null, alert_description: null, detail } });

export async function probeHost(t: HostTarget, opts: ProbeOptions, deps: ProbeDeps): Promise<MeasuredRecord> {
  const started = now();
  const scannedAt = (deps.clock ?? (() => new Date()))();
  const st = new HostState();
  try {
    return await probe(t, opts, deps, st, started, scannedAt);
  } catch (e) {
    // A bug of rdprobe's must cost one host, not the scan: the host gets an `error` record that says so.
    st.clientFailure = toFailure('x224', e);
    return assemble(t, t.address, 'error', st, scannedAt, started);
  }
}

async function probe(t: HostTarget, opts: ProbeOptions, deps: ProbeDeps, st: HostState, started: bigint, scannedAt: Date): Promise<MeasuredRecord> {
  const budget = Budget.start(opts.timeoutMs, opts.hostTimeoutMs);
  const finish = (status: Status, address: string | null) => assemble(t, address, status, st, scannedAt, started);

  // dns
  let address = t.address;
  if (address === null) {
    const d0 = now();
    try {
      address = await deps.resolve(t.host, Math.min(opts.timeoutMs, budget.next().ms));
    } catch (err) {
      st.clientFailure = toFailure('dns', err instanceof TransportError ? err : new TransportError('not_found', String(err)));
      return finish('unreachable', null);
    } finally {
      st.timings.dns = since(d0);
    }
  }
  const addr = address;

  /** Opens one counted connection inside the host's connection limit; the body owns closing it. */
  const withConnection = <T>(body: (conn: RdpConnection) => Promise<T>, onConnectError: (e: unknown) => T): Promise<T> =>
    deps.connectionSlot(async () => {
      if (st.connections >= MAX_CONNECTIONS) return onConnectError(new TransportError('connection_budget', `this check would need connection ${MAX_CONNECTIONS + 1} to the host`));
      if (budget.expired()) return onConnectError(new TransportError('deadline', 'host deadline reached before connecting'));
      st.connections++;
      let conn: RdpConnection;
      try {
        conn = await RdpConnection.open(deps.dialer, addr, t.port, budget);
      } catch (e) {
        return onConnectError(e);
      }
      try {
        return await body(conn);
      } finally {
        await conn.close();
      }
    });

  // Phase 0: the connection a modern client makes. If the host is dead or not RDP, nothing else is tried.
  let release!: (ok: boolean) => void;
  const negotiated = new Promise<boolean>((r) => (release = r));
  const clientPath = withConnection(
    async (conn) => {
      st.timings.tcp = since(started) - (st.timings.dns ?? 0);
      const x0 = now();
      const n = await negotiate(conn, PROBE_REQUESTS.hybrid_ex, opts.cookie, budget);
      st.timings.x224 = since(x0);
      st.protocols.hybrid_ex = protocolResult('hybrid_ex', PROBE_REQUESTS.hybrid_ex, n);
      if (!n.ok) {
        st.clientFailure = n.failure;
        release(false);
        return n.failure.reason === 'not_tpkt' ? ('not_rdp' as const) : ('error' as const);
      }
      release(true);
      await continueLikeAClient(conn, n.answer, st, opts, budget);
      return 'ok' as const;
    },
    (e) => {
      st.clientFailure = toFailure('tcp', e);
      release(false);
      return 'unreachable' as const;
    },
  ).catch((e: unknown) => {
    // Nothing in the path should throw (every step returns its failure); if something does, it is rdprobe's bug,
    // and it still becomes this host's result instead of costing the scan.
    st.clientFailure ??= toFailure('x224', e);
    release(false);
    return 'error' as const;
  });
  if (!(await negotiated)) return finish(await clientPath, addr);

  // Then every other protocol on its own connection, while the client path goes on. Each dependent check starts
  // as soon as the answer it depends on is in (servers take 10-300 ms per connection; rigid phases add that up).
  /** One protocol probe: `answered` settles with the server's answer, `done` when its connection is closed. */
  const single = (key: ProtocolKey, then?: (conn: RdpConnection) => Promise<void>) => {
    let answered!: () => void;
    const answer = new Promise<void>((r) => (answered = r));
    const done = withConnection(
      async (conn) => {
        const n = await negotiate(conn, PROBE_REQUESTS[key], opts.cookie, budget);
        st.protocols[key] = protocolResult(key, PROBE_REQUESTS[key], n);
        answered();
        if (then && st.protocols[key]!.supported) await then(conn);
      },
      (e) => {
        st.protocols[key] = protocolResult(key, PROBE_REQUESTS[key], unanswered(toFailure('tcp', e)));
      },
    ).finally(() => answered());
    return { answer, done };
  };
  // The ssl and hybrid probes go on to a TLS 1.2 handshake when selected, and the rdp probe to the first
  // encryption method: those measurements ride on connections already open, which keeps a full probe within
  // MAX_CONNECTIONS. Only the one over the protocol chosen for TLS (`via`) is kept.
  const tls12: Partial<Record<'ssl' | 'hybrid', TlsAttempt>> = {};
  const piggybackTls12 = (via: 'ssl' | 'hybrid') => async (conn: RdpConnection) => {
    if (!opts.tlsVersions) return;
    const r = await tlsStep(conn, only('tls1.2'), budget, false);
    tls12[via] = r.attempt;
    if (r.cert) st.cert ??= r.cert;
  };
  const firstMethod = ENCRYPTION_METHOD_KEYS[0]!;
  const rdp = single(
    'rdp',
    opts.rdpSecurity ? async (conn) => void st.mcs.push({ outcome: await mcsStep(conn, PROTOCOL_RDP, [firstMethod], budget), method: firstMethod }) : undefined,
  );
  const ssl = single('ssl', piggybackTls12('ssl'));
  const hybrid = single('hybrid', piggybackTls12('hybrid'));
  const others = [single('rdstls'), single('rdsaad')];

  // TLS versions go over ssl when the server selects it alone, else over hybrid, else over hybrid_ex. They start
  // as soon as that answer is in, not after the TLS 1.2 handshake riding on the same probe.
  const tlsVersionsDone = (async () => {
    if (!opts.tlsVersions) return;
    await ssl.answer;
    let via: Exclude<TlsResult['via'], null> | null = st.protocols.ssl?.supported ? 'ssl' : null;
    if (!via) {
      await hybrid.answer;
      via = st.protocols.hybrid?.supported ? 'hybrid' : st.protocols.hybrid_ex?.supported ? 'hybrid_ex' : null;
    }
    if (!via) return;
    const chosen = via;
    st.tlsVia = chosen;
    const piggybacked: TlsVersionKey | null = chosen === 'hybrid_ex' ? null : 'tls1.2';
    await Promise.all(
      TLS_VERSION_KEYS.filter((v) => v !== piggybacked).map((v) =>
        withConnection(
          async (conn) => {
            const n = await negotiate(conn, PROBE_REQUESTS[chosen], opts.cookie, budget);
            if (!n.ok || selectedKey(n.answer) !== chosen) {
              st.tlsAttempts[v] = notMeasured(`X.224 step did not select ${chosen} this time`);
              return;
            }
            const r = await tlsStep(conn, only(v), budget, false);
            st.tlsAttempts[v] = r.attempt;
            if (r.cert) st.cert ??= r.cert;
          },
          (e) => {
            const f = toFailure('tcp', e);
            st.tlsAttempts[v] = notMeasured(`${f.reason}: ${f.detail ?? ''}`);
          },
        ),
      ),
    );
    if (chosen !== 'hybrid_ex') {
      await (chosen === 'ssl' ? ssl.done : hybrid.done);
      const a = tls12[chosen];
      if (a) st.tlsAttempts['tls1.2'] = a;
    }
  })();

  // The remaining encryption methods, each offered alone, once the server has accepted PROTOCOL_RDP.
  const methodsDone = (async () => {
    await rdp.answer;
    if (!st.protocols.rdp?.supported || !opts.rdpSecurity) return;
    await Promise.all(
      ENCRYPTION_METHOD_KEYS.filter((m) => m !== firstMethod).map((m) =>
        withConnection(
          async (conn) => {
            const n = await negotiate(conn, PROBE_REQUESTS.rdp, opts.cookie, budget);
            if (!n.ok || selectedKey(n.answer) !== 'rdp') {
              st.mcs.push({ outcome: { ok: false, failure: { stage: 'negotiation', reason: 'protocol_mismatch', detail: 'PROTOCOL_RDP not selected this time' } }, method: m });
              return;
            }
            st.mcs.push({ outcome: await mcsStep(conn, PROTOCOL_RDP, [m], budget), method: m });
          },
          (e) => void st.mcs.push({ outcome: { ok: false, failure: toFailure('tcp', e) }, method: m }),
        ),
      ),
    );
  })();

  await Promise.all([rdp.done, ssl.done, hybrid.done, ...others.map((o) => o.done), tlsVersionsDone, methodsDone, clientPath]);
  return finish('ok', addr);
}

export { nlaRequired } from './assemble.js';
