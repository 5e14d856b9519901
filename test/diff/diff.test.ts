import { describe, it, expect } from 'vitest';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  diffExitCode,
  diffScans,
  diffToJson,
  formatDiffTable,
  loadScan,
  parseScan,
  ScanFileError,
  type Change,
  type ScanDiff,
} from '../../src/diff/index.js';
import { makeFinding, makeRecord, unreachableRecord } from '../policy/factory.js';
import { rdpSecurity } from '../helpers/record-factory.js';

type Over = Parameters<typeof makeRecord>[0];

/** Diff one host before/after and return its changes. */
function changes(before: Over, after: Over): Change[] {
  const d = diffScans([makeRecord(before)], [makeRecord(after)]);
  return d.hosts.flatMap((h) => h.changes);
}

function only(before: Over, after: Over, field: string): Change {
  const cs = changes(before, after).filter((c) => c.field === field);
  expect(cs, `changes on ${field}`).toHaveLength(1);
  return cs[0]!;
}

describe('diffScans: classification', () => {
  it('identical scans: no changes', () => {
    const d = diffScans([makeRecord()], [makeRecord({ scanned_at: '2025-02-01T00:00:00Z', timings_ms: { total: 999 } })]);
    expect(d.hosts).toEqual([]);
    expect(d.unchanged).toEqual(['srv01.corp.example:3389']);
    expect(d.summary.compared).toBe(1);
    expect(diffExitCode(d, 'regression')).toBe(0);
  });

  it('enabling NLA is an improvement, disabling it a regression', () => {
    expect(only({ nla_required: false }, { nla_required: true }, 'nla_required').kind).toBe('improvement');
    expect(only({ nla_required: true }, { nla_required: false }, 'nla_required').kind).toBe('regression');
  });

  it('TLS 1.0 newly accepted = regression, newly refused = improvement', () => {
    const acc = only({}, { tls: { versions: { 'tls1.0': true } } }, 'tls.versions["tls1.0"]');
    expect(acc).toMatchObject({ kind: 'regression', before: false, after: true, message: 'TLS 1.0 newly accepted' });
    expect(only({ tls: { versions: { 'tls1.0': true } } }, {}, 'tls.versions["tls1.0"]').kind).toBe('improvement');
    expect(only({ tls: { versions: { 'tls1.1': true } } }, {}, 'tls.versions["tls1.1"]').kind).toBe('improvement');
  });

  it('TLS 1.2 newly refused = regression; TLS 1.3 newly accepted = improvement', () => {
    expect(only({}, { tls: { versions: { 'tls1.2': false } } }, 'tls.versions["tls1.2"]').kind).toBe('regression');
    expect(only({ tls: { versions: { 'tls1.3': false } } }, {}, 'tls.versions["tls1.3"]').kind).toBe('improvement');
  });

  it('measured -> null is neutral "not measured in AFTER" (and the reverse "not measured in BEFORE")', () => {
    const c = only({}, { tls: { versions: { 'tls1.0': null } } }, 'tls.versions["tls1.0"]');
    expect(c).toMatchObject({ kind: 'neutral', before: false, after: null, message: 'not measured in AFTER' });
    expect(only({ nla_required: true }, { nla_required: null }, 'nla_required')).toMatchObject({ kind: 'neutral', message: 'not measured in AFTER' });
    expect(only({ nla_required: null }, { nla_required: false }, 'nla_required')).toMatchObject({ kind: 'neutral', message: 'not measured in BEFORE' });
    expect(only({}, { certificate: null }, 'certificate')).toMatchObject({ kind: 'neutral', message: 'not measured in AFTER' });
    expect(only({}, { credssp: { version: null } }, 'credssp.version')).toMatchObject({ kind: 'neutral', message: 'not measured in AFTER' });
  });

  it('ok -> unreachable is a regression; unreachable -> ok an improvement; sections become neutral', () => {
    const d = diffScans([makeRecord({ findings: [makeFinding('self_signed', 'medium')] })], [unreachableRecord()]);
    const cs = d.hosts[0]!.changes;
    expect(cs[0]).toMatchObject({ field: 'status', before: 'ok', after: 'unreachable', kind: 'regression' });
    expect(cs.filter((c) => c.kind === 'regression')).toHaveLength(1);
    expect(cs.filter((c) => c.kind === 'improvement')).toHaveLength(0);
    const sections = cs.filter((c) => c.kind === 'neutral').map((c) => c.field);
    expect(sections).toEqual(['protocols', 'nla_required', 'tls', 'certificate', 'credssp', 'findings[self_signed]']);
    expect(cs.find((c) => c.field === 'findings[self_signed]')!.message).toContain('not measured in AFTER');
    const back = diffScans([unreachableRecord()], [makeRecord()]);
    expect(back.hosts[0]!.changes[0]).toMatchObject({ field: 'status', kind: 'improvement' });
    expect(back.hosts[0]!.regressions).toBe(0);
  });

  it('failure stage: appearing = regression, later stage = improvement, earlier = regression', () => {
    const err = (stage: string, reason: string): Over => ({ status: 'error', failure: { stage: stage as never, reason, detail: null } });
    expect(only(err('tls', 'reset'), err('credssp', 'closed'), 'failure.stage').kind).toBe('improvement');
    expect(only(err('credssp', 'closed'), err('x224', 'reset'), 'failure.stage').kind).toBe('regression');
    expect(only(err('tls', 'reset'), err('tls', 'alert'), 'failure.reason').kind).toBe('neutral');
    expect(only({}, { failure: { stage: 'mcs', reason: 'timeout', detail: null } }, 'failure.stage').kind).toBe('regression');
  });

  it('protocol support', () => {
    expect(only({}, { protocols: { rdp: { supported: true } } }, 'protocols.rdp.supported').kind).toBe('regression');
    expect(only({ protocols: { rdp: { supported: true } } }, {}, 'protocols.rdp.supported').kind).toBe('improvement');
    expect(only({}, { protocols: { ssl: { supported: true } } }, 'protocols.ssl.supported').kind).toBe('regression');
    expect(only({}, { protocols: { hybrid_ex: { supported: false } } }, 'protocols.hybrid_ex.supported').kind).toBe('regression');
    expect(only({ protocols: { hybrid: { supported: false } } }, {}, 'protocols.hybrid.supported').kind).toBe('improvement');
    expect(only({}, { protocols: { rdstls: { supported: true } } }, 'protocols.rdstls.supported').kind).toBe('neutral');
  });

  it('TLS cipher and certificate thumbprint changes are neutral but visible', () => {
    expect(only({}, { tls: { cipher: 'TLS_AES_128_GCM_SHA256' } }, 'tls.cipher').kind).toBe('neutral');
    const tp = only({}, { certificate: { sha1_fingerprint: '11'.repeat(20) } }, 'certificate.sha1_fingerprint');
    expect(tp.kind).toBe('neutral');
    expect(tp.message).toContain('certificate replaced');
  });

  it('certificate validity: renewed = improvement, expiring/expired = regression, natural countdown = nothing', () => {
    const renewed = only(
      { certificate: { days_remaining: 10 } },
      { certificate: { days_remaining: 375, not_after: '2026-01-25T00:00:00.000Z', sha1_fingerprint: '11'.repeat(20) } },
      'certificate.not_after',
    );
    expect(renewed.kind).toBe('improvement');
    expect(renewed.message).toContain('renewed');
    expect(only({}, { certificate: { not_after: '2026-07-01T00:00:00.000Z', days_remaining: 532 } }, 'certificate.not_after').kind).toBe('improvement');
    expect(only({ certificate: { days_remaining: 40 } }, { certificate: { days_remaining: 20 } }, 'certificate.days_remaining')).toMatchObject({ kind: 'regression' });
    const exp = only({ certificate: { days_remaining: 2 } }, { certificate: { days_remaining: -1, expired: true } }, 'certificate.days_remaining');
    expect(exp.kind).toBe('regression');
    expect(exp.message).toContain('expired');
    expect(changes({ certificate: { days_remaining: 100 } }, { certificate: { days_remaining: 70 } })).toEqual([]);
    // custom threshold
    const d = diffScans([makeRecord({ certificate: { days_remaining: 100 } })], [makeRecord({ certificate: { days_remaining: 70 } })], { expiringDays: 90 });
    expect(d.summary.regressions).toBe(1);
  });

  it('key bits, self-signed, CredSSP version', () => {
    expect(only({}, { certificate: { key_bits: 1024 } }, 'certificate.key_bits').kind).toBe('regression');
    expect(only({}, { certificate: { key_bits: 4096 } }, 'certificate.key_bits').kind).toBe('improvement');
    expect(only({}, { certificate: { key_type: 'EC', key_bits: 384 } }, 'certificate.key_bits').kind).toBe('improvement');
    expect(only({}, { certificate: { self_signed: true } }, 'certificate.self_signed').kind).toBe('regression');
    expect(only({ certificate: { self_signed: true } }, {}, 'certificate.self_signed').kind).toBe('improvement');
    expect(only({}, { credssp: { version: 5 } }, 'credssp.version').kind).toBe('regression');
    expect(only({ credssp: { version: 5 } }, {}, 'credssp.version').kind).toBe('improvement');
  });

  it('NTLM identity and OS version are neutral but visible', () => {
    const cs = changes({}, { credssp: { ntlm: { netbios_computer: 'SRV99', dns_computer: 'srv99.corp.example', os_version: '10.0.26100' } } });
    expect(cs.map((c) => [c.field, c.kind])).toEqual([
      ['credssp.ntlm.netbios_computer', 'neutral'],
      ['credssp.ntlm.dns_computer', 'neutral'],
      ['credssp.ntlm.os_version', 'neutral'],
    ]);
  });

  it('Standard RDP Security: weaker level or weak methods = regression', () => {
    const rs = (level: string, methods: string[]): Over => ({
      rdp_security: rdpSecurity({
        encryption_level: level as never,
        encryption_methods: methods as never,
        server_version: 'RDP 10.7',
        server_version_raw: '0x0008000c',
        client_requested_protocols: [],
        early_capability_flags: [],
      }),
    });
    expect(only(rs('high', ['128bit']), rs('client_compatible', ['128bit']), 'rdp_security.encryption_level').kind).toBe('regression');
    expect(only(rs('low', ['128bit']), rs('fips', ['128bit']), 'rdp_security.encryption_level').kind).toBe('improvement');
    expect(only(rs('high', ['128bit']), rs('high', ['40bit', '128bit']), 'rdp_security.encryption_methods[40bit]').kind).toBe('regression');
    expect(only(rs('high', ['56bit', '128bit']), rs('high', ['128bit']), 'rdp_security.encryption_methods[56bit]').kind).toBe('improvement');
    expect(only(rs('high', ['128bit']), rs('high', ['128bit', 'fips']), 'rdp_security.encryption_methods[fips]').kind).toBe('neutral');
    // Not measured at all in AFTER (the host was never reached): one neutral section change.
    expect(only(rs('high', ['128bit']), { rdp_security: null, protocols: null }, 'rdp_security')).toMatchObject({ kind: 'neutral', message: 'not measured in AFTER' });
  });

  it('Standard RDP Security against a side that refuses PROTOCOL_RDP: compared as "no method", not "not measured"', () => {
    const weak = { rdp_security: rdpSecurity({ encryption_level: 'low', encryption_methods: ['40bit'] }) };
    // makeRecord's default host refuses PROTOCOL_RDP, so its rdp_security = null is a measurement.
    expect(only({ rdp_security: null }, weak, 'rdp_security.encryption_methods[40bit]')).toMatchObject({ before: false, after: true, kind: 'regression' });
    expect(only(weak, { rdp_security: null }, 'rdp_security.encryption_methods[40bit]')).toMatchObject({ kind: 'improvement' });
    expect(changes({ rdp_security: null }, weak).filter((c) => c.message.includes('not measured'))).toEqual([]);
  });

  it('findings added (regression if >= low, neutral for info) and resolved (improvement)', () => {
    expect(only({}, { findings: [makeFinding('tls10', 'low')] }, 'findings[tls10]').kind).toBe('regression');
    expect(only({}, { findings: [makeFinding('note', 'info')] }, 'findings[note]').kind).toBe('neutral');
    expect(only({ findings: [makeFinding('tls10', 'high')] }, {}, 'findings[tls10]').kind).toBe('improvement');
    expect(only({ findings: [makeFinding('note', 'info')] }, {}, 'findings[note]').kind).toBe('neutral');
    expect(only({ findings: [makeFinding('x', 'medium')] }, { findings: [makeFinding('x', 'high')] }, 'findings[x]').kind).toBe('regression');
    expect(only({ findings: [makeFinding('x', 'high')] }, { findings: [makeFinding('x', 'low')] }, 'findings[x]').kind).toBe('improvement');
  });

  it('the "disabled TLS 1.0 on a server" story: one improvement, no regression', () => {
    const before = makeRecord({ tls: { versions: { 'tls1.0': true } }, findings: [makeFinding('tls_legacy_versions', 'medium')] });
    const after = makeRecord();
    const d = diffScans([before], [after]);
    expect(d.summary).toMatchObject({ regressions: 0, improvements: 2, neutral: 0 });
    expect(diffExitCode(d, 'regression')).toBe(0);
  });
});

describe('diffScans: matching hosts', () => {
  const a = makeRecord();
  const b = makeRecord({ host: 'srv02.corp.example', target: 'srv02.corp.example', address: '10.1.2.4' });
  const c = makeRecord({ host: 'srv03.corp.example', target: 'srv03.corp.example', address: '10.1.2.5' });

  it('appeared = neutral, disappeared = regression', () => {
    const d = diffScans([a, b], [a, c]);
    expect(d.summary).toMatchObject({ compared: 1, appeared: 1, disappeared: 1, regressions: 1, neutral: 1, unchanged: 1 });
    expect(d.hosts.map((h) => [h.key, h.presence])).toEqual([
      ['srv02.corp.example:3389', 'disappeared'],
      ['srv03.corp.example:3389', 'appeared'],
    ]);
    expect(d.hosts[0]!.changes[0]!.kind).toBe('regression');
    expect(d.hosts[1]!.changes[0]!.kind).toBe('neutral');
    expect(diffExitCode(d, 'regression')).toBe(1);
    expect(diffExitCode(d, 'none')).toBe(0);
  });

  it('matches host names case-insensitively and by port', () => {
    const d = diffScans([a], [makeRecord({ host: 'SRV01.corp.example' })]);
    expect(d.summary.compared).toBe(1);
    const p = diffScans([a], [makeRecord({ port: 3390 })]);
    expect(p.summary).toMatchObject({ compared: 0, appeared: 1, disappeared: 1 });
  });

  it('falls back to the address when the host was scanned under another name', () => {
    const byIp = makeRecord({ host: '10.1.2.3', target: '10.1.2.3', nla_required: false });
    const d = diffScans([byIp], [a]);
    expect(d.summary).toMatchObject({ compared: 1, appeared: 0, disappeared: 0, improvements: 1 });
    expect(d.hosts[0]!.before_key).toBe('10.1.2.3:3389');
    expect(d.hosts[0]!.key).toBe('srv01.corp.example:3389');
  });

  it('orders hosts with regressions first, and regressions first within a host', () => {
    const worse = makeRecord({ ...{ host: 'zz', target: 'zz', address: '10.9.9.9' } });
    const worseAfter = makeRecord({ host: 'zz', target: 'zz', address: '10.9.9.9', nla_required: false, tls: { cipher: 'X', versions: { 'tls1.0': false, 'tls1.3': false } } });
    const better = makeRecord({ host: 'aa', target: 'aa', address: '10.9.9.8', nla_required: false });
    const betterAfter = makeRecord({ host: 'aa', target: 'aa', address: '10.9.9.8' });
    const d = diffScans([better, worse], [betterAfter, worseAfter]);
    expect(d.hosts.map((h) => h.key)).toEqual(['zz:3389', 'aa:3389']);
    expect(d.hosts[0]!.changes.map((c) => c.kind)).toEqual(['regression', 'regression', 'neutral']);
  });

  it('warns about duplicate hosts and carries loadScan warnings', () => {
    const scan = parseScan(`${JSON.stringify(a)}\n${JSON.stringify(a)}\n{"host": "trunc`, 'after.ndjson');
    const d = diffScans([a], scan);
    expect(d.warnings).toHaveLength(2);
    expect(d.warnings[0]).toMatch(/^AFTER: line 3: skipped an incomplete last line/);
    expect(d.warnings[1]).toMatch(/AFTER: srv01.corp.example:3389 appears more than once/);
  });
});

describe('loadScan / parseScan', () => {
  const r1 = makeRecord();
  const r2 = makeRecord({ host: 'srv02', target: 'srv02', address: '10.1.2.4' });

  it('ndjson, CRLF, blank lines', () => {
    const s = parseScan(`${JSON.stringify(r1)}\r\n\r\n${JSON.stringify(r2)}\r\n`, 'x.ndjson');
    expect(s.map((r) => r.host)).toEqual(['srv01.corp.example', 'srv02']);
    expect(s.warnings).toEqual([]);
    expect(s.source).toBe('x.ndjson');
  });

  it('skips a truncated last line with a warning', () => {
    const line2 = JSON.stringify(r2);
    const s = parseScan(`${JSON.stringify(r1)}\n${line2.slice(0, 100)}`, 'x.ndjson');
    expect(s).toHaveLength(1);
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]).toMatch(/line 2: skipped an incomplete last line/);
  });

  it('a broken line in the middle is an error', () => {
    expect(() => parseScan(`${JSON.stringify(r1)}\n{"broken\n${JSON.stringify(r2)}\n`, 'x.ndjson')).toThrow(ScanFileError);
    expect(() => parseScan(`${JSON.stringify(r1)}\n{"broken\n${JSON.stringify(r2)}\n`, 'x.ndjson')).toThrow(/x\.ndjson: line 2: invalid JSON/);
  });

  it('a JSON document {"records": [...]} (pretty-printed) and a bare array', () => {
    const doc = parseScan(JSON.stringify({ schema_version: 1, records: [r1, r2] }, null, 2), 'x.json');
    expect(doc).toHaveLength(2);
    const arr = parseScan(JSON.stringify([r1, r2], null, 2), 'x.json');
    expect(arr.map((r) => r.port)).toEqual([3389, 3389]);
    expect(parseScan(JSON.stringify(r1), 'one.ndjson')).toHaveLength(1);
  });

  it('rejects what is not a scan', () => {
    expect(() => parseScan('hello', 'x.txt')).toThrow(ScanFileError);
    expect(() => parseScan('{"foo": 1}', 'x.json')).toThrow(/x\.json: expected ndjson records/);
    expect(() => parseScan('[{"foo": 1}]', 'x.json')).toThrow(/record 1: not an rdprobe record/);
    expect(parseScan('', 'x.json')).toHaveLength(0);
  });

  it('reads schema version 1 files (findings with cause text) and warns about versions it does not know', () => {
    const v1 = parseScan(JSON.stringify([{ ...r1, schema_version: 1 }]), 'x.json');
    expect(v1.warnings).toEqual([]);
    const s = parseScan(JSON.stringify([{ ...r1, schema_version: 99 }]), 'x.json');
    expect(s.warnings[0]).toMatch(/schema_version 99/);
  });

  it('reads files (UTF-8 and UTF-16LE with BOM)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rdprobe-diff-'));
    try {
      const p = join(dir, 'before.ndjson');
      await writeFile(p, `${JSON.stringify(r1)}\n${JSON.stringify(r2).slice(0, 50)}`);
      const s = await loadScan(p);
      expect(s).toHaveLength(1);
      expect(s.warnings).toHaveLength(1);
      const u = join(dir, 'after.json');
      await writeFile(u, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify({ records: [r1, r2] }), 'utf16le')]));
      expect(await loadScan(u)).toHaveLength(2);
      await expect(loadScan(join(dir, 'nope.json'))).rejects.toThrow(/file not found/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('formatDiffTable / diffToJson', () => {
  // 'gone' is another machine (its own certificate and name), so no duplicate group links the two hosts.
  const before = [makeRecord({ tls: { versions: { 'tls1.0': true } } }), makeRecord({ host: 'gone', target: 'gone', address: '10.0.0.9', certificate: { sha1_fingerprint: '00112233445566778899AABBCCDDEEFF00112233' }, credssp: { ntlm: { netbios_computer: 'GONE' } } })];
  const after = [makeRecord({ tls: { versions: { 'tls1.2': false }, cipher: 'TLS_AES_128_GCM_SHA256' } })];
  const d: ScanDiff = diffScans(before, after);

  it('plain text with markers, regressions first', () => {
    const t = formatDiffTable(d);
    expect(t).not.toMatch(/\x1b\[/);
    expect(t).toContain('1 regression');
    const lines = t.split('\n');
    const hostLine = lines.findIndex((l) => l.startsWith('srv01.corp.example:3389'));
    expect(lines.findIndex((l) => l.startsWith('gone:3389'))).toBeLessThan(hostLine);
    expect(lines[hostLine + 1]).toMatch(/^ {2}- tls\.versions\["tls1\.2"\] +true -> false {2}TLS 1\.2 newly refused$/);
    expect(lines[hostLine + 2]).toMatch(/^ {2}\+ tls\.versions\["tls1\.0"\] +true -> false {2}TLS 1\.0 newly refused$/);
    expect(lines[hostLine + 3]).toMatch(/^ {2}~ tls\.cipher/);
    expect(t.endsWith('\n')).toBe(false);
    expect(formatDiffTable(diffScans([makeRecord()], [makeRecord()]))).toContain('No changes.');
  });

  it('JSON round-trips', () => {
    const j = JSON.parse(diffToJson(d)) as ScanDiff;
    expect(j).toEqual(d);
    expect(j.summary.regressions).toBe(2);
  });
});

describe('diff of what was not measured, and of fleet findings (issue: diff counted unmeasured checks as changes)', () => {
  const unmeasuredTls = { tls: { versions: { 'tls1.0': null, 'tls1.1': null, 'tls1.2': null, 'tls1.3': null } } } as const;

  it('a finding whose inputs one side did not measure is neutral, "not comparable", both ways', () => {
    // BEFORE: a full scan that found TLS 1.0 only; AFTER: the same host scanned with --no-tls-versions.
    const full = makeRecord({ tls: { versions: { 'tls1.0': true, 'tls1.1': false, 'tls1.2': false, 'tls1.3': false } }, findings: [makeFinding('tls12_missing', 'high'), makeFinding('tls_legacy_enabled', 'medium')] });
    const skipped = makeRecord(unmeasuredTls);
    for (const [b, a] of [[full, skipped], [skipped, full]] as const) {
      const d = diffScans([b], [a]);
      expect(d.summary.regressions, 'no regression').toBe(0);
      expect(d.summary.improvements, 'no improvement').toBe(0);
      const f = d.hosts[0]!.changes.filter((c) => c.field.startsWith('findings['));
      expect(f.map((c) => c.field).sort()).toEqual(['findings[tls12_missing]', 'findings[tls_legacy_enabled]']);
      for (const c of f) expect(c).toMatchObject({ kind: 'neutral', message: expect.stringMatching(/^not comparable/) });
    }
  });

  it('a finding that disappears because the server changed is still an improvement', () => {
    const before = makeRecord({ tls: { versions: { 'tls1.0': true, 'tls1.1': false, 'tls1.2': true, 'tls1.3': true } }, findings: [makeFinding('tls_legacy_enabled', 'medium')] });
    const after = makeRecord({ tls: { versions: { 'tls1.0': false, 'tls1.1': false, 'tls1.2': true, 'tls1.3': true } } });
    const c = diffScans([before], [after]).hosts[0]!.changes.find((x) => x.field === 'findings[tls_legacy_enabled]')!;
    expect(c.kind).toBe('improvement');
  });

  it('a TLS section known on one side only is shown in words, not as an empty list', () => {
    const t = formatDiffTable(diffScans([makeRecord(unmeasuredTls)], [makeRecord({ tls: null })]));
    expect(t).toContain('~ tls');
    expect(t).toContain('versions not measured -> null');
    expect(t).not.toContain('[] -> null');
  });

  it('fleet findings compare by group: a file where only the later member carries cert_duplicate equals one where both do', () => {
    const cert = { sha1_fingerprint: 'ABABABABABABABABABABABABABABABABABABABAB', self_signed: true };
    const a = makeRecord({ host: 'vm-a', target: 'vm-a', address: '10.0.0.21', certificate: cert, credssp: { ntlm: { netbios_computer: 'VM-A' } } });
    const b = makeRecord({ host: 'vm-b', target: 'vm-b', address: '10.0.0.22', certificate: cert, credssp: { ntlm: { netbios_computer: 'VM-B' } } });
    const dup = makeFinding('cert_duplicate', 'medium');
    const streamed = [a, { ...b, findings: [dup] }]; // ndjson: the earlier member could not be rewritten
    const whole = [{ ...a, findings: [dup] }, { ...b, findings: [dup] }]; // a report written at the end
    const d = diffScans(streamed, whole);
    expect(d.summary.regressions + d.summary.improvements + d.summary.neutral).toBe(0);
    // And a group that really goes away (vm-b gets its own certificate) is an improvement for both.
    const fixed = [a, { ...b, certificate: { ...b.certificate!, sha1_fingerprint: 'CDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCD' } }];
    const d2 = diffScans(streamed, fixed);
    expect(d2.hosts.map((h) => h.changes.filter((c) => c.field === 'findings[cert_duplicate]').map((c) => c.kind))).toEqual([['improvement'], ['improvement']]);
  });
});
