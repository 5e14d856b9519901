/**
 * Hostile peers through the real CLI (dist/src/cli/main.js, built by `npm run build`): the records a user gets,
 * and output safety of server-controlled strings (certificate subject, NTLM names) in table, csv and junit.
 * Peers listen on 127.0.60.100-149 (this file's part of our range).
 */
import { spawnSync } from 'node:child_process';
import { CLI_BUILD_HINT, CLI_UNDER_TEST } from '../helpers/cli-path.js';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeRecord } from '../../src/record.js';
import { parseXml } from '../output/xml.js';
import {
  alertStorm,
  challenge,
  challengeWithBadOffsets,
  credssp,
  dribble,
  garbageStream,
  mcsFailure,
  mcsOverlongBlock,
  negFailureKeepOpen,
  runNode,
  silent,
  slowButValid,
  startPeer,
  tlsGarbage,
  tlsReset,
  tlsServer,
  tpktClaimThenStop,
  tpktHeaderStream,
  tsRequestWith,
  type Peer,
  wrongProtocol,
} from './peers.js';

const MAIN = CLI_UNDER_TEST;
const HOST_TIMEOUT_MS = 3000;
const MARGIN_MS = 4000; // process start-up and shutdown on a busy machine, not a speed target

const scan = (targets: string[], extra: string[] = []) =>
  runNode([MAIN], ['scan', ...targets, '--timeout', '800ms', '--host-timeout', `${HOST_TIMEOUT_MS}ms`, '--quiet', '--no-progress', ...extra]);

/** C0 controls other than TAB/LF/CR, DEL's neighbours in C1, and ESC in particular. */
const RAW_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** RFC 4180 parser (quoted cells may hold CR/LF and doubled quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else cell += c;
      i++;
      continue;
    }
    if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else if (c === '"') throw new Error(`stray quote at ${i}`);
    else cell += c;
    i++;
  }
  if (quoted) throw new Error('unterminated quoted cell');
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

const peers: Peer[] = [];
beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: ${CLI_BUILD_HINT}`);
});
afterAll(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
});

describe('hostile peers through the real CLI (ndjson)', () => {
  it('each ends in a record with the expected stage/reason, exit 0, within the host deadline', async () => {
    const cases: [string, Parameters<typeof startPeer>[1], Partial<ProbeRecord>, { stage: string; reason: string }][] = [
      ['127.0.60.100', silent, { status: 'error' }, { stage: 'x224', reason: 'timeout' }],
      ['127.0.60.101', tlsReset, { status: 'ok' }, { stage: 'tls', reason: 'reset' }],
      ['127.0.60.102', tlsServer('server', { hybrid: true, credssp: credssp.answer(tsRequestWith(challengeWithBadOffsets('target_info'))) }), { status: 'ok' }, { stage: 'credssp', reason: 'malformed' }],
      ['127.0.60.103', mcsFailure, { status: 'ok' }, { stage: 'mcs', reason: 'server_error' }],
    ];
    for (const [host, b] of cases) peers.push(await startPeer(host, b));
    const run = await scan(cases.map(([h]) => h), ['--format', 'ndjson']);
    expect(run.killed).toBe(false);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // Hosts run concurrently: the whole scan is bounded by one host deadline, plus process start-up.
    expect(run.ms).toBeLessThan(HOST_TIMEOUT_MS + MARGIN_MS);
    const records = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as ProbeRecord);
    expect(records).toHaveLength(cases.length);
    for (const [host, , want, failure] of cases) {
      const r = records.find((x) => x.host === host);
      expect(r, host).toBeDefined();
      expect(r, host).toMatchObject(want);
      expect(r?.failure, host).toMatchObject(failure);
    }
    expect(records.find((x) => x.host === '127.0.60.102')?.certificate?.subject_cn).toBe('hostile.rdprobe.test');
  });
});

describe('output safety of server-controlled strings through the real CLI', () => {
  const HOST = '127.0.60.120';
  const names = {
    target: '\x1b]0;pwned\x07TARGET\x1b[2J',
    nbComputer: '=HYPERLINK("http://evil.example/","click")',
    nbDomain: '\x9b31mC1\x9d0;title\x07',
    dnsComputer: '@SUM(1)\r\n=1+1,\u202egnp.exe',
    dnsDomain: '-2+3\x00nul\x7fdel\u2066iso\u2069',
    dnsTree: '</testsuite><testsuite name="x">&amp;\x1b[0m',
  };

  beforeAll(async () => {
    peers.push(await startPeer(HOST, tlsServer('hostile', { hybrid: true, credssp: credssp.answer(tsRequestWith(challenge(names))) })));
  });

  it('the hostile strings really reach the record (so the checks below are not vacuous)', async () => {
    const run = await scan([HOST], ['--format', 'ndjson']);
    expect(run.code).toBe(0);
    const r = JSON.parse(run.stdout.trim()) as ProbeRecord;
    expect(r.status).toBe('ok');
    expect(r.failure).toBeNull();
    // Certificate names carry control characters as RFC 4514 escapes (\1B) in the record; NTLM names raw.
    expect(r.certificate?.subject_cn).toContain('\\1B[31m');
    expect(r.certificate?.subject_cn?.startsWith("=cmd|' /C calc'!A0")).toBe(true);
    expect(r.certificate?.subject_cn).toContain('\u202e');
    expect(r.credssp?.ntlm?.target_name).toBe(names.target);
    expect(r.credssp?.ntlm?.dns_computer).toBe(names.dnsComputer);
    expect(r.credssp?.ntlm?.netbios_domain).toBe(names.nbDomain);
    // ndjson itself: JSON escapes C0; the raw C1/bidi characters must not be there either.
    expect(run.stdout).not.toMatch(RAW_CONTROL);
  });

  it('table (--color false): no raw ESC, C1 or bidi control characters', async () => {
    const run = await scan([HOST], ['--format', 'table', '--color', 'false']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('127.0.60.120');
    expect(run.stdout).not.toContain('\x1b');
    expect(run.stdout).not.toMatch(RAW_CONTROL);
    expect(run.stdout).not.toMatch(BIDI);
    expect(run.stdout).toContain('\\1B[31m'); // shown, escaped
  });

  it('csv: one row, every cell formula-safe, no raw control or bidi characters', async () => {
    const run = await scan([HOST], ['--format', 'csv']);
    expect(run.code).toBe(0);
    const text = run.stdout.replace(/^\ufeff/, '');
    expect(text).not.toMatch(RAW_CONTROL);
    expect(text).not.toMatch(BIDI);
    const rows = parseCsv(text);
    expect(rows).toHaveLength(2);
    const [header, row] = rows as [string[], string[]];
    expect(row).toHaveLength(header.length);
    for (const [i, cell] of row.entries()) {
      const col = header[i];
      expect(cell, `${col}: ${cell}`).not.toMatch(/^[=+@\t\r\n\uff1d\uff0b\uff20]/);
      if (cell.startsWith('-')) expect(cell, `${col}: ${cell}`).toMatch(/^-\d+(\.\d+)?$/);
    }
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell('cert_subject_cn')?.startsWith("'=cmd|' /C calc'!A0")).toBe(true);
    expect(cell('ntlm_netbios_computer')?.startsWith("'=HYPERLINK(")).toBe(true);
    expect(cell('ntlm_dns_computer')?.startsWith("'@SUM(1)")).toBe(true);
    expect(cell('ntlm_dns_domain')?.startsWith("'-2+3")).toBe(true);
  });

  it('junit: well-formed XML, no raw ESC or C1 characters, the injected markup stays text', async () => {
    const run = await scan([HOST], ['--format', 'junit']);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(RAW_CONTROL);
    const root = parseXml(run.stdout);
    expect(root.name).toBe('testsuites');
    // One suite for the host, one for the scan and one explaining the findings: the fake </testsuite><testsuite> in
    // an NTLM name is text.
    const suites = root.children.filter((c) => c.name === 'testsuite');
    expect(suites).toHaveLength(3);
    expect(suites.slice(1).map((c) => c.attrs['name'])).toEqual(['rdprobe', 'rdprobe explain']);
    // A real XML parser agrees, when one is at hand (Python's expat).
    const py = spawnSync('python3', ['-c', 'import sys,xml.dom.minidom as m; m.parseString(sys.stdin.buffer.read()); print("ok")'], { input: run.stdout, encoding: 'utf8', timeout: 20_000 });
    if (!py.error) expect(py.stdout.trim(), py.stderr).toBe('ok');
  });
});

describe('no hostile peer can end a scan outside the documented exit codes', () => {
  // Every behaviour of test/hostile/peers.ts, alone and next to a closed port, through the real CLI in ndjson and
  // json. The README's exit codes are 0, 1, 2, 3 and 130; Node's own 13 ("unsettled top-level await": the event loop
  // ran dry while the scan was still pending) once ended a scan silently with a cut-off JSON file.
  const BEHAVIOURS: [string, Parameters<typeof startPeer>[1]][] = [
    ['silent', silent],
    ['dribble', dribble(150)],
    ['garbage', garbageStream],
    ['tpkt header stream', tpktHeaderStream],
    ['tpkt claim then stop', tpktClaimThenStop],
    ['tls reset', tlsReset],
    ['tls garbage', tlsGarbage],
    ['alert storm', alertStorm(2, 40)],
    ['huge certificate', tlsServer('huge')],
    ['credssp bad offsets', tlsServer('server', { hybrid: true, credssp: credssp.answer(tsRequestWith(challengeWithBadOffsets('target_info'))) })],
    ['credssp too large', tlsServer('server', { hybrid: true, credssp: credssp.tooLarge })],
    ['credssp close', tlsServer('server', { hybrid: true, credssp: credssp.close })],
    ['credssp answers after close_notify', tlsServer('server', { hybrid: true, credssp: credssp.answerAfterCloseNotify(tsRequestWith(challenge())) })],
    ['mcs overlong block', mcsOverlongBlock],
    ['mcs failure', mcsFailure],
    ['slow but valid', slowButValid(300)],
    ['wrong protocol', wrongProtocol],
    ['negotiation failure kept open', negFailureKeepOpen],
  ];
  const DOCUMENTED = [0, 1, 2, 3, 130];

  it.each(BEHAVIOURS.map(([name, b], i) => [name, b, `127.0.60.${150 + i}`] as const))('%s: a documented exit code, whole ndjson and json', async (_name, behaviour, host) => {
    peers.push(await startPeer(host, behaviour));
    const nd = await scan([host, '127.0.40.1'], ['--format', 'ndjson']);
    expect(DOCUMENTED, nd.stderr).toContain(nd.code);
    expect(nd.stdout.trim().split('\n').map((l) => (JSON.parse(l) as ProbeRecord).host).sort()).toEqual([host, '127.0.40.1'].sort());
    const js = await scan([host, '127.0.40.1'], ['--format', 'json']);
    expect(DOCUMENTED, js.stderr).toContain(js.code);
    expect((JSON.parse(js.stdout) as { records: unknown[] }).records).toHaveLength(2);
  });
});
