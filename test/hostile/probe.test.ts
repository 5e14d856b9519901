/**
 * probeHost against hostile and broken servers (issue 8), in-process: real TCP listeners on 127.0.60.x (see
 * peers.ts and README.md), the real dialer, a p-limit(4) connection slot and the real resolver. Every probe
 * must end in a record (never a throw), with the failure stage/reason the record contract promises, within the
 * host deadline, and within the per-host connection bound.
 */
import net from 'node:net';
import pLimit from 'p-limit';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SCAN_OPTIONS, MAX_CONNECTIONS, probeHost, type ScanOptions } from '../../src/checks/index.js';
import { tcpDialer } from '../../src/transport/dialer.js';
import { resolveHost } from '../../src/transport/resolve.js';
import { Budget } from '../../src/transport/clock.js';
import { FrameReader } from '../../src/transport/frame-reader.js';
import { TransportError } from '../../src/transport/errors.js';
import type { MeasuredRecord } from '../../src/record.js';
import {
  alertStorm,
  challengeWithBadOffsets,
  credssp,
  dribble,
  garbageStream,
  mcsFailure,
  mcsOverlongBlock,
  negFailureKeepOpen,
  silent,
  slowButValid,
  startPeer,
  tlsGarbage,
  tlsReset,
  tlsServer,
  tpktClaimThenStop,
  tpktHeaderStream,
  tsRequestWith,
  wrongProtocol,
  type Behaviour,
  type Peer,
} from './peers.js';

const TIMEOUT_MS = 800;
const HOST_TIMEOUT_MS = 3000;
/** Slack for closing sockets and building the record after the deadline (not a speed target). */
const MARGIN_MS = 1500;
const OPTS: ScanOptions = { ...DEFAULT_SCAN_OPTIONS, timeoutMs: TIMEOUT_MS, hostTimeoutMs: HOST_TIMEOUT_MS };

const peers: Peer[] = [];
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
});

async function against(host: string, behaviour: Behaviour, opts: Partial<ScanOptions> = {}): Promise<{ r: MeasuredRecord; ms: number; peer: Peer }> {
  const peer = await startPeer(host, behaviour);
  peers.push(peer);
  const limit = pLimit(4);
  const t0 = Date.now();
  const r = await probeHost(
    { target: `${host}:${peer.port}`, host, address: null, port: peer.port },
    { ...OPTS, ...opts },
    { dialer: tcpDialer, connectionSlot: (fn) => limit(fn), resolve: resolveHost },
  );
  const ms = Date.now() - t0;
  expect(ms).toBeLessThan(HOST_TIMEOUT_MS + MARGIN_MS);
  expect(r.connections).toBeLessThanOrEqual(MAX_CONNECTIONS);
  expect(r.address).toBe(host);
  expect(() => JSON.stringify(r)).not.toThrow();
  // Nothing in a record may be an internal error: that would be rdprobe's bug, not the server's.
  expect(JSON.stringify(r)).not.toContain('internal_error');
  return { r, ms, peer };
}

describe('hostile peers before the Connection Confirm (stage x224)', () => {
  it('silent after accept: x224/timeout, status error', async () => {
    const { r } = await against('127.0.60.1', silent);
    expect(r.status).toBe('error');
    expect(r.failure).toMatchObject({ stage: 'x224', reason: 'timeout' });
    expect(r.connections).toBe(1);
    expect(r.protocols?.hybrid_ex.response).toBe('timeout');
  });

  it('one byte at a time: x224/timeout (a per-step timeout is not reset by every byte)', async () => {
    const { r } = await against('127.0.60.2', dribble(150));
    expect(r.status).toBe('error');
    expect(r.failure).toMatchObject({ stage: 'x224', reason: 'timeout' });
    expect(r.failure?.detail).toMatch(/byte\(s\) of it received/);
  });

  it('endless garbage: x224/not_tpkt, status not_rdp, the flood is cut off', async () => {
    const { r, peer } = await against('127.0.60.3', garbageStream);
    expect(r.status).toBe('not_rdp');
    expect(r.failure).toMatchObject({ stage: 'x224', reason: 'not_tpkt' });
    expect(r.failure?.detail).toMatch(/^not an RDP service: first bytes 48/);
    // The prober went away; the peer's flood stopped well short of its own 256 MiB cap.
    await new Promise((res) => setTimeout(res, 100));
    expect(peer.written).toBeLessThan(256 * 1024 * 1024);
  });

  it('endless valid-looking TPKT headers (03 00 ff ff ...): a clean x224 failure, not a hang', async () => {
    const { r } = await against('127.0.60.4', tpktHeaderStream);
    expect(r.status).toBe('error');
    expect(r.failure?.stage).toBe('x224');
    // The first 65535-byte "packet" is whole but is no X.224 Confirm.
    expect(['malformed', 'too_large']).toContain(r.failure?.reason);
  });

  it('TPKT claiming 65535 bytes, then silence: x224/timeout', async () => {
    const { r } = await against('127.0.60.5', tpktClaimThenStop);
    expect(r.status).toBe('error');
    expect(r.failure).toMatchObject({ stage: 'x224', reason: 'timeout' });
    expect(r.failure?.detail).toMatch(/16 byte\(s\) of it received/);
  });

  it('frame reader byte cap: an endless stream that never completes a frame ends with too_large at maxTotal', async () => {
    const peer = await startPeer('127.0.60.6', garbageStream);
    peers.push(peer);
    const sock = await tcpDialer('127.0.60.6', peer.port, TIMEOUT_MS, false);
    const limits = { maxFrame: 1 << 30, maxTotal: 1 << 20 };
    const reader = new FrameReader(sock, limits);
    const err = await reader.next(() => null, Budget.start(5000, 10000), 'a frame that never ends').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).kind).toBe('too_large');
    // Memory stays bounded: nothing beyond the cap (plus the chunk that crossed it) was kept.
    expect(reader.buffered).toBeLessThanOrEqual(limits.maxTotal);
    expect(reader.bytesReceived).toBeLessThan(limits.maxTotal + 256 * 1024);
    reader.detach();
    sock.destroy();
  });
});

describe('hostile peers during TLS (stage tls)', () => {
  it('Connection Confirm selecting SSL, then a TCP reset in the middle of the TLS handshake: tls/reset', async () => {
    const { r } = await against('127.0.60.10', tlsReset);
    expect(r.status).toBe('ok');
    expect(r.failure).toMatchObject({ stage: 'tls', reason: 'reset' });
    expect(r.protocols?.hybrid_ex.selected).toBe('ssl');
    expect(r.certificate).toBeNull();
  });

  it('Connection Confirm selecting SSL, then garbage instead of a ServerHello: tls/malformed', async () => {
    const { r } = await against('127.0.60.11', tlsGarbage);
    expect(r.status).toBe('ok');
    expect(r.failure).toMatchObject({ stage: 'tls', reason: 'malformed' });
  });

  it('alert storm (5000 fatal handshake_failure alerts): tls/alert 40', async () => {
    const { r } = await against('127.0.60.12', alertStorm(2, 40));
    expect(r.status).toBe('ok');
    expect(r.failure).toMatchObject({ stage: 'tls', reason: 'alert' });
    expect(r.failure?.detail).toMatch(/alert 40 handshake_failure/);
    expect(r.tls?.attempts['tls1.2'].refusal?.alert).toBe(40);
  });

  it('warning-alert storm (5000 warning alerts): a clean tls failure', async () => {
    const { r } = await against('127.0.60.13', alertStorm(1, 90));
    expect(r.status).toBe('ok');
    expect(r.failure?.stage).toBe('tls');
    expect(['alert', 'malformed', 'error']).toContain(r.failure?.reason);
  });

  it('huge certificate (~59 KB of subjectAltName entries): no crash, the certificate is analysed', async () => {
    const { r } = await against('127.0.60.14', tlsServer('huge'));
    expect(r.status).toBe('ok');
    expect(r.failure).toBeNull();
    expect(r.tls?.negotiated_version).toMatch(/^TLSv1\.[23]$/);
    expect(r.certificate).not.toBeNull();
    expect(r.certificate?.subject_cn).toBe('huge.rdprobe.test');
    expect(r.certificate?.san.length).toBeGreaterThan(0);
    expect(r.certificate?.sha256_fingerprint).toMatch(/^[0-9A-F]{64}$/);
  });
});

describe('hostile peers during CredSSP (stage credssp)', () => {
  for (const [i, which] of (['target_info', 'target_name', 'av_len'] as const).entries()) {
    it(`NTLM CHALLENGE with ${which} outside the buffer: credssp/malformed, status ok, certificate kept`, async () => {
      const { r } = await against(`127.0.60.${20 + i}`, tlsServer('server', { hybrid: true, credssp: credssp.answer(tsRequestWith(challengeWithBadOffsets(which))) }));
      expect(r.status).toBe('ok');
      expect(r.protocols?.hybrid_ex.selected).toBe('hybrid');
      expect(r.failure).toMatchObject({ stage: 'credssp', reason: 'malformed' });
      expect(r.credssp?.version).toBe(6);
      expect(r.credssp?.ntlm).toBeNull();
      expect(r.certificate?.subject_cn).toBe('hostile.rdprobe.test');
    });
  }

  it('TSRequest claiming more than 64 KiB: credssp/too_large', async () => {
    const { r } = await against('127.0.60.23', tlsServer('server', { hybrid: true, credssp: credssp.tooLarge }));
    expect(r.status).toBe('ok');
    expect(r.failure).toMatchObject({ stage: 'credssp', reason: 'too_large' });
    expect(r.certificate).not.toBeNull();
  });

  it('server closes right after our NTLM NEGOTIATE: credssp/closed', async () => {
    const { r } = await against('127.0.60.24', tlsServer('server', { hybrid: true, credssp: credssp.close }));
    expect(r.status).toBe('ok');
    expect(r.failure).toMatchObject({ stage: 'credssp', reason: 'closed' });
    expect(r.certificate).not.toBeNull();
  });
});

describe('hostile peers in Standard RDP Security (stage mcs)', () => {
  it('MCS Connect Response whose server data block claims more bytes than it has: mcs/malformed', async () => {
    const { r } = await against('127.0.60.30', mcsOverlongBlock);
    expect(r.status).toBe('ok');
    expect(r.failure).toMatchObject({ stage: 'mcs', reason: 'malformed' });
    expect(r.rdp_security?.failure).toMatchObject({ stage: 'mcs', reason: 'malformed' });
    expect(r.rdp_security?.encryption_methods).toEqual([]);
  });

  it('MCS Connect Response with a failure result: mcs/server_error', async () => {
    const { r } = await against('127.0.60.31', mcsFailure);
    expect(r.status).toBe('ok');
    expect(r.failure).toMatchObject({ stage: 'mcs', reason: 'server_error' });
    expect(r.failure?.detail).toMatch(/rt-unspecified-failure/);
  });
});

describe('the host deadline', () => {
  it('slow but valid answers (each just under the step timeout): ends by the host deadline, unmeasured methods left null', async () => {
    const { r } = await against('127.0.60.50', slowButValid(TIMEOUT_MS - 150));
    expect(r.status).toBe('ok');
    // The client-like connection finished (2 slow steps); the method probes queued behind it run into the deadline.
    expect(r.failure).toBeNull();
    expect(r.rdp_security?.encryption_level).toBe('client_compatible');
    // Methods whose connections ran into the deadline are "not measured" (null), never a guess.
    const tested = Object.values(r.rdp_security?.methods_tested ?? {});
    expect(tested).toContain(null);
    expect(r.timings_ms.total).toBeGreaterThanOrEqual(HOST_TIMEOUT_MS - 100);
  });
});

describe('hostile peers in the negotiation (stage negotiation)', () => {
  it('selects RDSAAD, which was not requested: negotiation/protocol_mismatch, ssl not supported', async () => {
    const { r } = await against('127.0.60.40', wrongProtocol);
    expect(r.status).toBe('ok');
    expect(r.failure).toMatchObject({ stage: 'negotiation', reason: 'protocol_mismatch' });
    expect(r.protocols?.ssl).toMatchObject({ supported: false, selected: 'rdsaad' });
    expect(r.protocols?.hybrid_ex).toMatchObject({ supported: false, selected: 'rdsaad' });
    expect(r.protocols?.rdp.supported).toBe(false);
  });

  it('RDP_NEG_FAILURE, then keeps the socket open: negotiation/<code>, the probe does not wait for the close', async () => {
    const { r, ms } = await against('127.0.60.41', negFailureKeepOpen);
    expect(r.status).toBe('ok');
    expect(r.failure).toMatchObject({ stage: 'negotiation', reason: 'SSL_NOT_ALLOWED_BY_SERVER' });
    for (const k of ['rdp', 'ssl', 'hybrid', 'rdstls', 'hybrid_ex', 'rdsaad'] as const) {
      expect(r.protocols?.[k]).toMatchObject({ supported: false, response: 'negotiation_failure', failure_code: 'SSL_NOT_ALLOWED_BY_SERVER' });
    }
    // Answers were all in: waiting for the peer to hang up would show up as a deadline.
    expect(ms).toBeLessThan(HOST_TIMEOUT_MS);
  });
});

describe('sanity of the peers themselves', () => {
  it('a listener on our range is reachable and closes cleanly', async () => {
    const peer = await startPeer('127.0.60.250', silent);
    peers.push(peer);
    const s = net.connect({ host: '127.0.60.250', port: peer.port });
    await new Promise<void>((res, rej) => {
      s.once('connect', () => res());
      s.once('error', rej);
    });
    s.destroy();
  });
});
