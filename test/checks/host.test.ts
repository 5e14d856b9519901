import { describe, it, expect } from 'vitest';
import { Duplex } from 'node:stream';
import pLimit from 'p-limit';
import { probeHost, nlaRequired, DEFAULT_SCAN_OPTIONS, MAX_CONNECTIONS } from '../../src/checks/index.js';
import { TransportError } from '../../src/transport/errors.js';
import type { Dialer } from '../../src/transport/dialer.js';
import type { ProtocolResult } from '../../src/record.js';
import { encodeTpkt } from '../../protocol/tpkt.js';
import { encodeRdpNegFailure, encodeRdpNegRsp } from '../../protocol/negotiation.js';
import { requestedOf } from '../helpers/replay.js';

const CC_HEADER = Uint8Array.of(0x0e, 0xd0, 0, 0, 0x12, 0x34, 0);
const confirm = (neg: Uint8Array) => encodeTpkt(Uint8Array.from([...CC_HEADER, ...neg]));

/**
 * An in-memory server that answers each X.224 request through `answer` and hangs up after anything else.
 * It counts connections and the most open at once, to check the probe's per-host bounds.
 */
function fakeServer(answer: (requested: number) => Uint8Array | null) {
  const stats = { opened: 0, open: 0, maxOpen: 0 };
  const dialer: Dialer = async () => {
    stats.opened++;
    stats.open++;
    stats.maxOpen = Math.max(stats.maxOpen, stats.open);
    let first = true;
    const s: Duplex = new Duplex({
      read() {},
      write(chunk: Buffer, _e, cb) {
        cb();
        if (first) {
          first = false;
          const a = answer(requestedOf(chunk) ?? -1);
          // Answer asynchronously, like a network peer, then hang up the way a refusing server does.
          setTimeout(() => {
            if (a) s.push(Buffer.from(a));
            s.push(null);
          }, 2);
        }
      },
      final(cb) {
        cb();
      },
      destroy(err, cb) {
        stats.open--;
        cb(err);
      },
    });
    return s;
  };
  return { dialer, stats };
}

const deps = (dialer: Dialer) => ({ dialer, connectionSlot: pLimit(4) as <T>(fn: () => Promise<T>) => Promise<T>, resolve: async () => '192.0.2.7' });
const opts = { ...DEFAULT_SCAN_OPTIONS, timeoutMs: 500, hostTimeoutMs: 4000 };
const target = { target: 'h', host: 'h', address: '192.0.2.7', port: 3389 };

describe('probeHost bounds and shape', () => {
  it('a refused host costs exactly one connection and is unreachable at tcp', async () => {
    let calls = 0;
    const r = await probeHost(target, opts, deps(async () => {
      calls++;
      throw new TransportError('refused', 'ECONNREFUSED');
    }));
    expect(calls).toBe(1);
    expect(r.status).toBe('unreachable');
    expect(r.failure).toMatchObject({ stage: 'tcp', reason: 'refused' });
    expect(r.protocols).toBeNull();
    expect(r.connections).toBe(1);
  });

  it('a name that does not resolve is unreachable at dns, without any connection', async () => {
    let calls = 0;
    const r = await probeHost({ ...target, address: null }, opts, {
      ...deps(async () => {
        calls++;
        throw new Error('unreachable');
      }),
      resolve: async () => {
        throw new TransportError('not_found', 'ENOTFOUND h');
      },
    });
    expect(calls).toBe(0);
    expect(r.status).toBe('unreachable');
    expect(r.failure).toMatchObject({ stage: 'dns', reason: 'not_found' });
    expect(r.address).toBeNull();
  });

  it('an NLA-only server: every protocol on its own connection, never more than 4 open, at most 12 in all', async () => {
    // Refuses anything without HYBRID, selects HYBRID otherwise; TLS then fails (the fake hangs up).
    const { dialer, stats } = fakeServer((req) =>
      req >= 0 && req & 0x02 ? confirm(encodeRdpNegRsp({ flags: 0, selectedProtocol: 0x02 })) : confirm(encodeRdpNegFailure({ flags: 0, failureCode: 5 })),
    );
    const r = await probeHost(target, opts, deps(dialer));
    expect(stats.maxOpen).toBeLessThanOrEqual(4);
    expect(stats.opened).toBeLessThanOrEqual(MAX_CONNECTIONS);
    expect(r.connections).toBe(stats.opened);
    expect(r.protocols!.rdp).toMatchObject({ supported: false, failure_code: 'HYBRID_REQUIRED_BY_SERVER' });
    expect(r.protocols!.hybrid).toMatchObject({ supported: true, selected: 'hybrid' });
    expect(r.protocols!.hybrid_ex).toMatchObject({ supported: false, selected: 'hybrid' });
    expect(r.nla_required).toBe(true);
    expect(r.failure?.stage).toBe('tls');
    expect(r.tls!.via).toBe('hybrid');
  });

  it('a server that selects RDP for everything (xrdp in rdp mode): only rdp is supported', async () => {
    const { dialer, stats } = fakeServer(() => confirm(encodeRdpNegRsp({ flags: 1, selectedProtocol: 0 })));
    const r = await probeHost(target, opts, deps(dialer));
    expect(stats.maxOpen).toBeLessThanOrEqual(4);
    expect(stats.opened).toBeLessThanOrEqual(MAX_CONNECTIONS);
    expect(Object.fromEntries(Object.entries(r.protocols!).map(([k, v]) => [k, v.supported]))).toEqual({
      rdp: true, ssl: false, hybrid: false, rdstls: false, hybrid_ex: false, rdsaad: false,
    });
    expect(r.tls).toBeNull();
    // The MCS step fails (the fake hangs up), so every method is refused and the client path fails at mcs.
    expect(r.failure).toMatchObject({ stage: 'mcs', reason: 'closed' });
    expect(r.rdp_security!.encryption_methods).toEqual([]);
  });
});

describe('nlaRequired', () => {
  const p = (supported: boolean | null): ProtocolResult => ({ requested: [], supported, response: 'negotiation_response', selected: null, failure_code: null, flags: [], detail: null });
  it('is true only when every non-CredSSP request is refused and a CredSSP one accepted', () => {
    expect(nlaRequired({ rdp: p(false), ssl: p(false), rdstls: p(false), rdsaad: p(false), hybrid: p(true), hybrid_ex: p(false) })).toBe(true);
    expect(nlaRequired({ rdp: p(false), ssl: p(false), hybrid: p(false), hybrid_ex: p(true) })).toBe(true);
  });
  it('is false as soon as a non-CredSSP protocol is accepted', () => {
    expect(nlaRequired({ rdp: p(true), ssl: p(false), hybrid: p(true) })).toBe(false);
    expect(nlaRequired({ rdp: p(false), ssl: p(true), hybrid: p(true) })).toBe(false);
  });
  it('cannot tell when nothing is accepted or answers are missing', () => {
    expect(nlaRequired({ rdp: p(false), ssl: p(false), hybrid: p(false), hybrid_ex: p(false) })).toBeNull();
    expect(nlaRequired({ rdp: p(null), ssl: p(false), hybrid: p(true) })).toBeNull();
  });
});

describe('probeHost never throws', () => {
  it('a dialer that throws something unexpected after the first answer still yields a record', async () => {
    let n = 0;
    const { dialer: inner } = fakeServer(() => confirm(encodeRdpNegRsp({ flags: 0, selectedProtocol: 0 })));
    const dialer: Dialer = async (...a) => {
      if (++n > 1) throw new TypeError('a bug in a dialer');
      return inner(...a);
    };
    const r = await probeHost(target, opts, deps(dialer));
    expect(r.status).toBe('ok');
    // The other protocols could not be asked: not measured, never invented.
    expect(r.protocols!.ssl.supported).toBeNull();
  });
});
