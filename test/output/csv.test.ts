import { describe, expect, it } from 'vitest';
import { hostileRecord, okRecord, runSink, unreachableRecord, HOSTILE } from './factory.js';
import { parseCsv } from '../helpers/csv.js';


const FORMULA = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

describe('csv', () => {
  it('starts with a UTF-8 BOM, uses CRLF, and parses back to a header and one row per host', async () => {
    const records = [okRecord(), unreachableRecord(), hostileRecord()];
    const stream = await runSink('csv', records);
    expect(stream.text.startsWith('\ufeff')).toBe(true);
    // parseCsv only accepts CRLF between records, so a bare LF outside quotes fails here.
    const rows = parseCsv(stream.text.slice(1));
    expect(rows).toHaveLength(4);
    const [header, ...data] = rows as [string[], ...string[][]];
    expect(header).toEqual([
      'target', 'host', 'address', 'port', 'status', 'failure_stage', 'failure_reason',
      'rdp', 'ssl', 'hybrid', 'rdstls', 'hybrid_ex', 'rdsaad', 'nla_required',
      'ssl2.0', 'ssl3.0', 'tls1.0', 'tls1.1', 'tls1.2', 'tls1.3', 'tls_cipher',
      'weakest_suite', 'weakest_suite_strength', 'suites_insecure', 'suites_weak', 'suites_acceptable', 'suites_strong',
      'tls_server_preference', 'tls_dh_bits', 'tls_secure_renegotiation',
      'cert_subject_cn', 'cert_issuer', 'cert_not_after', 'cert_days_remaining', 'cert_self_signed',
      'cert_key_bits', 'cert_sha1', 'cert_trusted', 'cert_trust_error', 'credssp_version',
      'ntlm_netbios_computer', 'ntlm_dns_computer', 'ntlm_dns_domain', 'os_version', 'clock_skew_seconds',
      'rdp_encryption_level', 'rdp_encryption_methods', 'rdp_server_version', 'rdp_udp', 'rdp_udp_version',
      'auth_result', 'auth_reason', 'logon_result', 'logon_reached', 'logon_error_info', 'clients_connect', 'clients_locked_out', 'findings', 'max_severity',
    ]);
    for (const row of data) expect(row).toHaveLength(header.length);
    const col = (row: string[], name: string) => row[header.indexOf(name)];

    const [ok, down, evil] = data as [string[], string[], string[]];
    expect(col(ok, 'port')).toBe('3389');
    expect(col(ok, 'ssl')).toBe('true');
    expect(col(ok, 'rdp')).toBe('false');
    expect(col(ok, 'rdsaad')).toBe('');
    expect(col(ok, 'tls1.2')).toBe('true');
    expect(col(ok, 'tls1.3')).toBe('');
    expect(col(ok, 'cert_days_remaining')).toBe('220');
    expect(col(ok, 'clock_skew_seconds')).toBe('-3'); // our number: stays numeric
    expect(col(ok, 'findings')).toBe('cert-self-signed tls-1.3-unsupported');
    expect(col(ok, 'max_severity')).toBe('medium');

    expect(col(down, 'status')).toBe('unreachable');
    expect(col(down, 'failure_stage')).toBe('tcp');
    expect(col(down, 'failure_reason')).toBe('timeout');
    expect(col(down, 'ssl')).toBe('');
    expect(col(down, 'findings')).toBe('');
    expect(col(down, 'max_severity')).toBe('');

    expect(col(evil, 'rdp_encryption_methods')).toBe('128bit;fips');
    expect(col(evil, 'max_severity')).toBe('critical');
    expect(col(evil, 'ntlm_dns_computer')).toBe("'=1+1");
    expect(col(evil, 'target')).toBe('evil\\x1b[31m.example');
  });

  it('is injection safe: no cell of a hostile record starts like a formula or holds a raw ESC', async () => {
    const stream = await runSink('csv', [hostileRecord()]);
    expect(stream.text).not.toContain('\x1b');
    expect(stream.text).not.toContain('\u202e');
    const rows = parseCsv(stream.text.slice(1));
    // Plain numbers (our own, e.g. clock_skew_seconds -3) may start with '-'; nothing else may.
    const cells = rows.flat().filter((cell) => !/^-?\d+(\.\d+)?$/.test(cell));
    for (const cell of cells) expect(cell).not.toMatch(FORMULA);
    expect(rows.flat()).toContain('-3');
    // The quote prefix is the only change besides visible escapes: the text is still there.
    const cn = rows[1]?.[rows[0]?.indexOf('cert_subject_cn') ?? -1];
    expect(cn?.startsWith('\\x1b[2J')).toBe(true);
    expect(cn).toContain('"=cmd|\' /C calc\'!A0');
    expect(HOSTILE).toContain(',');
  });

  it('prefixes server strings starting with = + - @ TAB CR', async () => {
    for (const bad of ['=HYPERLINK("http://x")', '+1', '-1+2', '@x', '\tx', '\rx', '\uff1d1']) {
      const stream = await runSink('csv', [okRecord({ target: bad })]);
      const rows = parseCsv(stream.text.slice(1));
      expect(rows[1]?.[0]).toBe(`'${bad}`);
    }
  });
});
