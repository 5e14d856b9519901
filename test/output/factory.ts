/** Records and streams for the output tests. Not a test file itself (no .test.ts suffix). */
import { Writable } from 'node:stream';
import type { CertificateInfo, ProbeRecord, ProtocolKey, ProtocolResult } from '../../src/record.js';
import { certificate as baseCertificate, credssp, emptyRecord, finding, ntlm, rdpSecurity, tls } from '../helpers/record-factory.js';

export { finding } from '../helpers/record-factory.js';

function protocol(supported: boolean | null): ProtocolResult {
  return {
    requested: ['PROTOCOL_SSL'],
    supported,
    response: supported === null ? 'timeout' : supported ? 'negotiation_response' : 'negotiation_failure',
    selected: supported ? 'ssl' : null,
    failure_code: supported === false ? 'SSL_NOT_ALLOWED_BY_SERVER' : null,
    flags: [],
    detail: null,
  };
}

/** A self-signed certificate for host1.example.com. */
export function certificate(over: Partial<CertificateInfo> = {}): CertificateInfo {
  return baseCertificate({
    subject: 'CN=host1.example.com',
    subject_cn: 'host1.example.com',
    issuer: 'CN=host1.example.com',
    san: [],
    serial: '01',
    not_before: '2026-01-01T00:00:00.000Z',
    not_after: '2026-07-01T00:00:00.000Z',
    days_remaining: 220,
    self_signed: true,
    sha1_fingerprint: 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678',
    sha256_fingerprint: 'AB'.repeat(32),
    chain_length: 1,
    ...over,
  });
}

/** A reachable Windows-like host with NLA, TLS 1.2 only, a self-signed certificate and two findings. */
export function okRecord(over: Partial<ProbeRecord> = {}): ProbeRecord {
  const supported: Record<ProtocolKey, boolean | null> = {
    rdp: false,
    ssl: true,
    hybrid: true,
    rdstls: false,
    hybrid_ex: true,
    rdsaad: null,
  };
  return emptyRecord({
    target: 'host1.example.com',
    host: 'host1.example.com',
    address: '192.0.2.10',
    scanned_at: '2026-11-22T10:00:00.000Z',
    protocols: Object.fromEntries(
      Object.entries(supported).map(([k, v]) => [k, protocol(v)]),
    ) as Record<ProtocolKey, ProtocolResult>,
    nla_required: true,
    tls: tls({ 'tls1.0': false, 'tls1.1': false, 'tls1.2': true }),
    certificate: certificate(),
    credssp: credssp({
      ntlm: ntlm({
        target_name: 'EXAMPLE',
        netbios_domain: 'EXAMPLE',
        netbios_computer: 'HOST1',
        dns_domain: 'example.com',
        dns_computer: 'host1.example.com',
        dns_tree: 'example.com',
        server_time: '2026-11-22T10:00:03.000Z',
        clock_skew_seconds: -3,
      }),
    }),
    timings_ms: { total: 812,  dns: 2,  tcp: 10,  x224: 20,  tls: 100,  credssp: 200 },
    connections: 9,
    findings: [finding('cert-self-signed', 'medium'), finding('tls-1.3-unsupported', 'info')],
    ...over,
  });
}

export function unreachableRecord(over: Partial<ProbeRecord> = {}): ProbeRecord {
  return emptyRecord({
    target: '192.0.2.99',
    host: '192.0.2.99',
    address: '192.0.2.99',
    scanned_at: '2026-11-22T10:00:01.000Z',
    status: 'unreachable',
    failure: { stage: 'tcp', reason: 'timeout', detail: 'no answer after 5000 ms' },
    timings_ms: { total: 5003,  dns: 0 },
    connections: 1,
    ...over,
  });
}

export const ESC = '\x1b';
/** Everything a hostile server could put in a string at once. */
export const HOSTILE =
  `${ESC}[2J${ESC}]8;;https://evil.example/${ESC}\\click${ESC}]8;;${ESC}\\\u202etxt.exe\u009b31m\r\n::set-output name=x::1,"=cmd|' /C calc'!A0`;

/** A server with a hostile certificate subject, NTLM names, failure detail and Standard RDP Security. */
export function hostileRecord(): ProbeRecord {
  const base = okRecord();
  return okRecord({
    target: `evil${ESC}[31m.example`,
    host: 'evil.example',
    status: 'ok',
    failure: { stage: 'tls', reason: 'alert', detail: HOSTILE },
    certificate: certificate({ subject: HOSTILE, subject_cn: HOSTILE, issuer: HOSTILE, self_signed: false }),
    credssp: base.credssp && {
      ...base.credssp,
      ntlm: base.credssp.ntlm && { ...base.credssp.ntlm, netbios_computer: HOSTILE, dns_computer: '=1+1' },
    },
    rdp_security: rdpSecurity({
      encryption_level: 'client_compatible',
      encryption_methods: ['128bit', 'fips'],
      methods_tested: { '40bit': false, '56bit': false, '128bit': true, fips: true },
      server_version: 'RDP 10.7',
      server_version_raw: '0x0008000c',
      client_requested_protocols: [],
      early_capability_flags: [],
    }),
    findings: [
      finding('rdp-security-allowed', 'high', { title: `Standard RDP Security ${HOSTILE}`, evidence: [HOSTILE] }),
      finding('cert-expired', 'critical'),
      finding('tls-1.3-unsupported', 'info'),
    ],
  });
}

/** A Writable that remembers each write call separately. */
export class MemoryStream extends Writable {
  readonly chunks: string[] = [];
  isTTY?: boolean;
  constructor(opts: { isTTY?: boolean } = {}) {
    super({ decodeStrings: false });
    if (opts.isTTY !== undefined) this.isTTY = opts.isTTY;
  }
  override _write(chunk: unknown, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.chunks.push(typeof chunk === 'string' ? chunk : String(chunk));
    cb();
  }
  get text(): string {
    return this.chunks.join('');
  }
}

import { createSink, SummaryCounter } from '../../src/output/index.js';
import type { OutputFormat, ScanMeta, SinkOptions } from '../../src/output/types.js';

export const META: ScanMeta = {
  version: '0.1.0',
  started_at: '2026-11-22T10:00:00.000Z',
  argv: ['rdprobe', '192.0.2.0/30', '--format', 'json'],
  targets_total: 4,
};

/** Drive a sink the way the scan runner does and return what it wrote. */
export async function runSink(
  format: OutputFormat,
  records: ProbeRecord[],
  opts: SinkOptions = {},
  end: { interrupted?: boolean; stream?: MemoryStream } = {},
): Promise<MemoryStream> {
  const stream = end.stream ?? new MemoryStream();
  const sink = createSink(format, stream, opts);
  const counter = new SummaryCounter();
  await sink.begin(META);
  for (const r of records) {
    counter.add(r);
    await sink.record(r);
  }
  await sink.end(counter.result({ finished_at: '2026-11-22T10:05:00.000Z', interrupted: end.interrupted ?? false }));
  return stream;
}
