import { describe, it, expect, beforeAll } from 'vitest';
import { execFile } from 'node:child_process';
import { hostname } from 'node:os';
import { promisify } from 'node:util';
import type { ProbeRecord, ProtocolKey, TlsVersionKey } from '../../src/record.js';
import { CLI_UNDER_TEST } from '../helpers/cli-path.js';

/**
 * The real CLI against the real lab (lab/lab.sh: xrdp 0.9.21 and FreeRDP 2.11 from Debian, hostile peers).
 * Expected values come from each server's configuration (lab/servers.json says why), not from rdprobe's output.
 * Runs when RDPROBE_LAB=1 (.ci/run starts the lab and sets it); with RDPROBE_LAB=1 a missing lab is a failure.
 */
const LAB = process.env.RDPROBE_LAB === '1';
const CLI = CLI_UNDER_TEST;
const run = promisify(execFile);

const XRDP = Array.from({ length: 14 }, (_, i) => `127.0.10.${i + 1}`);
const ALL = [...XRDP, '127.0.20.1', '127.0.20.2', '127.0.30.1-6', '127.0.40.1'];

let records = new Map<string, ProbeRecord>();
let exitCode = -1;

beforeAll(async () => {
  if (!LAB) return;
  // One scan of the whole lab, as an administrator would run it; short step timeout keeps the hostile peers quick.
  // The exit code is the child's own (execFile rejects on a non-zero one, with the code on the error).
  let stdout: string;
  try {
    ({ stdout } = await run(process.execPath, [CLI, 'scan', ...ALL, '-f', 'ndjson', '--timeout', '2', '--host-timeout', '20', '-c', '8'], { maxBuffer: 64 << 20 }));
    exitCode = 0;
  } catch (e) {
    const err = e as { code?: number; stdout?: string };
    exitCode = typeof err.code === 'number' ? err.code : -1;
    stdout = err.stdout ?? '';
  }
  records = new Map(stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as ProbeRecord).map((r) => [r.host, r]));
}, 120_000);

const rec = (host: string): ProbeRecord => {
  const r = records.get(host);
  if (!r) throw new Error(`no record for ${host} (is the lab running? bash lab/lab.sh start)`);
  return r;
};

type Support = Partial<Record<ProtocolKey, boolean>>;
const supported = (r: ProbeRecord): Support => Object.fromEntries(Object.entries(r.protocols ?? {}).map(([k, v]) => [k, v.supported]));
const versions = (r: ProbeRecord) => r.tls?.versions;
/** What the default probe measures: TLS 1.0-1.3 from its own hellos; SSL 2.0/3.0 only in the deep mode (null). */
const TLS = (v10: boolean, v11: boolean, v12: boolean, v13: boolean): Record<TlsVersionKey, boolean | null> => ({ 'ssl2.0': null, 'ssl3.0': null, 'tls1.0': v10, 'tls1.1': v11, 'tls1.2': v12, 'tls1.3': v13 });
const ids = (r: ProbeRecord) => r.findings.map((f) => f.id).sort();

describe.runIf(LAB)('rdprobe scan against the lab', () => {
  it('probes every lab address, each once, within the per-host connection bound', () => {
    expect(exitCode).toBe(0);
    expect(records.size).toBe(14 + 2 + 6 + 1);
    // At most 12 TCP connections, plus the one UDP exchange of the RDP-over-UDP check.
    for (const r of records.values()) expect(r.connections).toBeLessThanOrEqual(12 + 1);
  });

  describe('xrdp security_layer=negotiate, crypt_level=high (127.0.10.1)', () => {
    it('accepts exactly rdp and ssl; xrdp picks ssl for hybrid/hybrid_ex, which is not support', () => {
      const r = rec('127.0.10.1');
      expect(r.status).toBe('ok');
      expect(r.failure).toBeNull();
      // xrdp answers RDSAAD alone with an MCS Disconnect Provider Ultimatum: named as such, no support judgement.
      expect(supported(r)).toEqual({ rdp: true, ssl: true, hybrid: false, rdstls: false, hybrid_ex: false, rdsaad: null });
      expect(r.protocols!.rdsaad.response).toBe('mcs_disconnect');
      expect(r.protocols!.rdsaad.failure_code).toBeNull();
      expect(r.protocols!.hybrid.selected).toBe('ssl');
      expect(r.protocols!.hybrid_ex.selected).toBe('ssl');
      expect(r.protocols!.rdstls.selected).toBe('rdp');
      expect(r.nla_required).toBe(false);
      expect(r.protocols!.hybrid_ex.flags).toEqual(['EXTENDED_CLIENT_DATA_SUPPORTED']);
    });
    it('accepts TLS 1.2 and 1.3 only, refusing 1.0/1.1 with a protocol_version alert', () => {
      const r = rec('127.0.10.1');
      expect(versions(r)).toEqual(TLS(false, false, true, true));
      expect(r.tls!.via).toBe('ssl');
      expect(r.tls!.attempts['tls1.0'].refusal).toMatchObject({ kind: 'alert', alert: 70, alert_description: 'protocol_version' });
      expect(r.tls!.negotiated_version).toBe('TLSv1.3');
    });
    it('reads the configured certificate', () => {
      const c = rec('127.0.10.1').certificate!;
      expect(c.subject_cn).toBe('xrdp-negotiate.lab');
      expect(c.key_type).toBe('RSA');
      expect(c.key_bits).toBe(2048);
      expect(c.self_signed).toBe(true);
      expect(c.expired).toBe(false);
      expect(c.days_remaining).toBeGreaterThan(300);
      expect(c.sha1_fingerprint).toMatch(/^[0-9A-F]{40}$/);
      expect(c.sha256_fingerprint).toMatch(/^[0-9A-F]{64}$/);
      expect(c.chain_length).toBe(1);
    });
    it('measures Standard RDP Security: level high, 128-bit only, xrdp rsakeys.ini proprietary certificate', () => {
      const s = rec('127.0.10.1').rdp_security!;
      expect(s.encryption_level).toBe('high');
      expect(s.encryption_methods).toEqual(['128bit']);
      expect(s.methods_tested).toEqual({ '40bit': false, '56bit': false, '128bit': true, fips: false });
      expect(s.server_certificate).toMatchObject({ type: 'proprietary', key_bits: 2048, exponent: 65537 });
      expect(s.server_version_raw).toBe('0x00080004');
      expect(s.server_version).toBe('RDP 5.0-8.1');
    });
    it('gets the findings its configuration implies', () => {
      expect(ids(rec('127.0.10.1'))).toEqual(['cert_self_signed', 'nla_not_required', 'standard_rdp_security_allowed']);
    });
  });

  it('xrdp security_layer=tls (127.0.10.2): ssl only, RDP refused with SSL_REQUIRED_BY_SERVER, no rdp_security', () => {
    const r = rec('127.0.10.2');
    expect(supported(r)).toEqual({ rdp: false, ssl: true, hybrid: false, rdstls: false, hybrid_ex: false, rdsaad: null });
    expect(r.protocols!.rdp.failure_code).toBe('SSL_REQUIRED_BY_SERVER');
    expect(r.protocols!.rdp.response).toBe('negotiation_failure');
    expect(r.rdp_security).toBeNull();
    expect(versions(r)).toEqual(TLS(false, false, true, true));
    expect(ids(r)).toEqual(['cert_self_signed', 'nla_not_required']);
  });

  describe('xrdp security_layer=rdp at every crypt_level', () => {
    const cases = [
      ['127.0.10.3', 'low', '40bit'],
      ['127.0.10.4', 'client_compatible', '40bit'],
      ['127.0.10.5', 'high', '128bit'],
      ['127.0.10.6', 'fips', 'fips'],
    ] as const;
    for (const [host, level, method] of cases) {
      it(`${host}: level ${level}, only ${method} selected, every protocol answered with RDP`, () => {
        const r = rec(host);
        expect(r.status).toBe('ok');
        expect(supported(r)).toEqual({ rdp: true, ssl: false, hybrid: false, rdstls: false, hybrid_ex: false, rdsaad: null });
        expect(r.protocols!.ssl.selected).toBe('rdp');
        expect(r.tls).toBeNull();
        expect(r.certificate).toBeNull();
        expect(r.rdp_security!.encryption_level).toBe(level);
        expect(r.rdp_security!.encryption_methods).toEqual([method]);
        expect(r.rdp_security!.server_certificate).toMatchObject({ type: 'proprietary', key_bits: 2048 });
      });
    }
    it('the low-level server gets exactly standard_rdp_security_allowed, weak_rdp_encryption and nla_not_required', () => {
      expect(ids(rec('127.0.10.3'))).toEqual(['nla_not_required', 'standard_rdp_security_allowed', 'weak_rdp_encryption']);
    });
    it('the high-level server is not called weak', () => {
      expect(ids(rec('127.0.10.5'))).not.toContain('weak_rdp_encryption');
    });
  });

  it('TLS-1.0-only xrdp (127.0.10.7): 1.0 accepted, everything newer refused; tls_legacy_enabled and tls12_missing', () => {
    const r = rec('127.0.10.7');
    expect(versions(r)).toEqual(TLS(true, false, false, false));
    expect(r.tls!.attempts['tls1.0'].cipher).toBeTruthy();
    expect(r.tls!.negotiated_version).toBe('TLSv1');
    expect(ids(r)).toEqual(expect.arrayContaining(['tls_legacy_enabled', 'tls12_missing']));
  });

  it('TLS-1.2-only xrdp (127.0.10.14)', () => {
    expect(versions(rec('127.0.10.14'))).toEqual(TLS(false, false, true, false));
    expect(ids(rec('127.0.10.14'))).not.toContain('tls_legacy_enabled');
  });

  it('expired certificate (127.0.10.8): cert_expired, not cert_expiring_soon', () => {
    const r = rec('127.0.10.8');
    expect(r.certificate!.expired).toBe(true);
    expect(r.certificate!.days_remaining).toBeLessThan(0);
    expect(ids(r)).toContain('cert_expired');
    expect(ids(r)).not.toContain('cert_expiring_soon');
  });

  it('expiring certificate (127.0.10.9): about 10 days left, cert_expiring_soon', () => {
    const r = rec('127.0.10.9');
    expect(r.certificate!.expired).toBe(false);
    expect(r.certificate!.days_remaining).toBeGreaterThanOrEqual(8);
    expect(r.certificate!.days_remaining).toBeLessThanOrEqual(10);
    expect(ids(r)).toContain('cert_expiring_soon');
  });

  it('weak certificate (127.0.10.10): RSA-1024 / SHA-1, cert_weak_key and cert_weak_signature', () => {
    const r = rec('127.0.10.10');
    expect(r.certificate).toMatchObject({ key_bits: 1024, signature_algorithm: 'sha1WithRSAEncryption' });
    expect(ids(r)).toEqual(expect.arrayContaining(['cert_weak_key', 'cert_weak_signature']));
  });

  it('unloadable key (127.0.10.11): ssl selected at X.224, then no TLS version completes: tls_failed_all_versions', () => {
    const r = rec('127.0.10.11');
    expect(r.status).toBe('ok');
    expect(r.protocols!.ssl.supported).toBe(true);
    expect(versions(r)).toEqual(TLS(false, false, false, false));
    expect(r.failure?.stage).toBe('tls');
    expect(r.certificate).toBeNull();
    expect(ids(r)).toContain('tls_failed_all_versions');
  });

  it('two servers sharing one certificate (127.0.10.12/13): same thumbprint, cert_duplicate on the later one', () => {
    const a = rec('127.0.10.12');
    const b = rec('127.0.10.13');
    expect(a.certificate!.sha1_fingerprint).toBe(b.certificate!.sha1_fingerprint);
    const flagged = [a, b].filter((r) => ids(r).includes('cert_duplicate'));
    expect(flagged.length).toBeGreaterThanOrEqual(1);
    const f = flagged[0]!.findings.find((x) => x.id === 'cert_duplicate')!;
    const other = flagged[0] === a ? '127.0.10.13' : '127.0.10.12';
    expect(f.evidence.join(' ')).toContain(other);
  });

  describe('FreeRDP shadow server, /sec:nla +auth (127.0.20.1)', () => {
    it('requires NLA: everything without CredSSP refused with HYBRID_REQUIRED_BY_SERVER', () => {
      const r = rec('127.0.20.1');
      expect(supported(r)).toEqual({ rdp: false, ssl: false, hybrid: true, rdstls: false, hybrid_ex: false, rdsaad: false });
      expect(r.protocols!.rdp.failure_code).toBe('HYBRID_REQUIRED_BY_SERVER');
      expect(r.protocols!.ssl.failure_code).toBe('HYBRID_REQUIRED_BY_SERVER');
      expect(r.protocols!.hybrid_ex.selected).toBe('hybrid');
      expect(r.nla_required).toBe(true);
      expect(r.tls!.via).toBe('hybrid');
      expect(versions(r)).toEqual(TLS(false, false, true, true));
      expect(ids(r)).not.toContain('nla_not_required');
    });
    it('answers the anonymous NTLM NEGOTIATE: CredSSP version, names, OS version and its clock', () => {
      const r = rec('127.0.20.1');
      const c = r.credssp!;
      expect(c.version).toBe(6);
      expect(c.failure).toBeNull();
      const n = c.ntlm!;
      // FreeRDP names itself after the machine it runs on.
      expect(n.netbios_computer).toBe(hostname().split('.')[0]!.toUpperCase().slice(0, 15));
      expect(n.dns_computer?.toLowerCase()).toBe(hostname().toLowerCase());
      expect(n.os_version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(Math.abs(n.clock_skew_seconds!)).toBeLessThan(5);
      expect(Date.parse(n.server_time!)).toBeGreaterThan(Date.parse(r.scanned_at) - 10_000);
      expect(n.negotiate_flags).toContain('NTLMSSP_NEGOTIATE_VERSION');
      expect(r.failure).toBeNull();
    });
  });

  it('--no-credssp skips the CredSSP step (and --no-rdp-security the MCS one)', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'scan', '127.0.20.1', '127.0.10.5', '-f', 'ndjson', '--no-credssp', '--no-rdp-security', '--timeout', '2']);
    const byHost = new Map(stdout.trim().split('\n').map((l) => JSON.parse(l) as ProbeRecord).map((r) => [r.host, r]));
    const nla = byHost.get('127.0.20.1')!;
    expect(nla.credssp).toBeNull();
    expect(nla.nla_required).toBe(true);
    expect(nla.certificate).not.toBeNull();
    const rdp = byHost.get('127.0.10.5')!;
    expect(rdp.protocols!.rdp.supported).toBe(true);
    expect(rdp.rdp_security).toBeNull();
    // The client's connection, five protocol probes and the UDP SYN; no MCS method probes.
    expect(rdp.connections).toBe(6 + 1);
  });

  it('FreeRDP with every security (127.0.20.2): rdp, ssl and hybrid; Standard Security without encryption', () => {
    const r = rec('127.0.20.2');
    expect(supported(r)).toEqual({ rdp: true, ssl: true, hybrid: true, rdstls: false, hybrid_ex: false, rdsaad: false });
    expect(r.protocols!.rdstls.failure_code).toBe('SSL_NOT_ALLOWED_BY_SERVER');
    expect(r.nla_required).toBe(false);
    expect(r.rdp_security!.encryption_level).toBe('none');
    expect(r.credssp?.version).toBe(6);
  });

  describe('hostile peers end in the right status, without hanging', () => {
    const cases: [string, string, string, string][] = [
      ['127.0.30.1', 'error', 'x224', 'timeout'], // accepts and stays silent
      ['127.0.30.2', 'not_rdp', 'x224', 'not_tpkt'], // speaks HTTP
      ['127.0.30.3', 'error', 'x224', 'malformed'], // TPKT length shorter than its header
      ['127.0.30.4', 'error', 'x224', 'timeout'], // one byte every 2 s
      ['127.0.30.5', 'error', 'x224', 'timeout'], // claims 65535 bytes, then stalls
      ['127.0.30.6', 'ok', 'tls', 'malformed'], // valid CC selecting SSL, then garbage instead of TLS
    ];
    for (const [host, status, stage, reason] of cases) {
      it(`${host}: ${status} at ${stage}/${reason}`, () => {
        const r = rec(host);
        expect(r.status).toBe(status);
        expect(r.failure).toMatchObject({ stage, reason });
        expect(r.timings_ms.total).toBeLessThan(20_000);
      });
    }
    it('the HTTP server is reported with what it said, and gets not_rdp', () => {
      expect(rec('127.0.30.2').failure!.detail).toContain('HTTP/1.1');
      expect(ids(rec('127.0.30.2'))).toContain('not_rdp');
    });
    it('a dead host costs one connection and is unreachable (127.0.40.1)', () => {
      const r = rec('127.0.40.1');
      expect(r.status).toBe('unreachable');
      expect(r.failure).toMatchObject({ stage: 'tcp', reason: 'refused' });
      expect(r.connections).toBe(1);
      expect(r.protocols).toBeNull();
      expect(ids(r)).toEqual(['unreachable']);
    });
  });

  it('no finding fires on a measurement that was not made', () => {
    for (const r of records.values()) {
      const f = ids(r);
      if (!r.tls) expect(f.filter((i) => i.startsWith('tls_') || i.startsWith('cert_'))).toEqual([]);
      if (!r.credssp) expect(f.filter((i) => i.startsWith('credssp') || i === 'clock_skew')).toEqual([]);
      if (!r.rdp_security) expect(f).not.toContain('weak_rdp_encryption');
    }
  });
});
