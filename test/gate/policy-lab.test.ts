/**
 * Issue 7 "Done when", gate half, against the real lab: `rdprobe scan --policy policy.yml --format junit -o
 * report.xml HOSTS` exits 1 exactly when a host violates the policy, and report.xml is a JUnit report CI systems
 * accept (validated with xmllint against test/gate/fixtures/junit-10.xsd). SARIF and GitHub output sanity checks.
 *
 *   RDPROBE_LAB=1 npx vitest run test/gate/policy-lab.test.ts   (after `bash lab/lab.sh start` and `npm run build`)
 *
 * Needs xmllint (Debian package libxml2-utils); fails with a clear message without it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { certlmStyle, FIXTURES, LAB_ENABLED, LAB_RUN, rdprobe, requireLab, sha1Of, show, tempDir, xmllintSchema, type CliResult } from './fixtures/gate-helpers.js';

const FREERDP_NLA = '127.0.20.1';
const TLS10_ONLY = '127.0.10.7';
const CLOSED = '127.0.40.1';
const POLICY = join(FIXTURES, 'policy-lab.yml');
const XSD = join(FIXTURES, 'junit-10.xsd');

interface JCase {
  name: string;
  failure: { message: string; type: string } | null;
  error: boolean;
  skipped: boolean;
}
interface JSuite {
  name: string;
  attrs: Record<string, string>;
  cases: JCase[];
}

function unescapeXml(s: string): string {
  return s
    .replace(/&#10;/g, '\n')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function attrsOf(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/([\w:-]+)="([^"]*)"/g)) out[m[1]!] = unescapeXml(m[2]!);
  return out;
}

/** rdprobe's JUnit (flat testsuites > testsuite > testcase), read with regular expressions. */
function parseJunit(xml: string): JSuite[] {
  const suites: JSuite[] = [];
  for (const s of xml.matchAll(/<testsuite ([^>]*)>([\s\S]*?)<\/testsuite>/g)) {
    const attrs = attrsOf(s[1]!);
    const cases: JCase[] = [];
    for (const c of s[2]!.matchAll(/<testcase ([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
      const body = c[2] ?? '';
      const f = /<failure ([^>]*?)\/?>/.exec(body);
      const fa = f ? attrsOf(f[1]!) : null;
      cases.push({
        name: attrsOf(c[1]!)['name']!,
        failure: fa ? { message: fa['message'] ?? '', type: fa['type'] ?? '' } : null,
        error: /<error[ >/]/.test(body),
        skipped: /<skipped[ >/]/.test(body),
      });
    }
    suites.push({ name: attrs['name']!, attrs, cases });
  }
  return suites;
}

/** Validate against the XSD and check each suite's counters against its test cases. */
async function readValidJunit(file: string): Promise<JSuite[]> {
  expect(existsSync(file), `${file} was not written`).toBe(true);
  const v = await xmllintSchema(XSD, file);
  expect(v.ok, `xmllint --schema junit-10.xsd ${file}:\n${v.output}\n${readFileSync(file, 'utf8').slice(0, 4000)}`).toBe(true);
  const suites = parseJunit(readFileSync(file, 'utf8'));
  for (const s of suites) {
    expect(Number(s.attrs['tests']), `${s.name} tests=`).toBe(s.cases.length);
    expect(Number(s.attrs['failures']), `${s.name} failures=`).toBe(s.cases.filter((c) => c.failure).length);
    expect(Number(s.attrs['errors']), `${s.name} errors=`).toBe(s.cases.filter((c) => c.error).length);
    expect(Number(s.attrs['skipped'] ?? 0), `${s.name} skipped=`).toBe(s.cases.filter((c) => c.skipped).length);
  }
  return suites;
}

function suite(suites: JSuite[], host: string): JSuite {
  const s = suites.find((x) => x.name === host);
  expect(s, `no <testsuite name="${host}"> in [${suites.map((x) => x.name).join(', ')}]`).toBeDefined();
  return s!;
}

function policyFailures(s: JSuite): string[] {
  return s.cases.filter((c) => c.failure && c.name.startsWith('policy_')).map((c) => c.name).sort();
}

describe.skipIf(!LAB_ENABLED)('policy gate with JUnit report against the lab', () => {
  const dir = LAB_ENABLED ? tempDir('policy-lab') : '';
  const out = (name: string): string => join(dir, name);
  let nlaThumb = '';

  /** rdprobe scan --policy P --format junit -o report.xml ...hosts (+ extra args). */
  async function gate(report: string, hosts: string[], extra: string[] = [], policy = POLICY): Promise<CliResult> {
    return rdprobe(['scan', '--policy', policy, '--format', 'junit', '-o', out(report), '-q', ...extra, ...hosts]);
  }

  beforeAll(async () => {
    await requireLab([FREERDP_NLA, TLS10_ONLY]);
    // The thumbprint an admin would pin: from the certificate file freerdp-nla serves (lab/lab.sh), not from a scan.
    nlaThumb = sha1Of(join(LAB_RUN, 'freerdp-nla-config/freerdp/shadow/shadow.crt'));
  });

  it(`${FREERDP_NLA} (FreeRDP, NLA required, TLS 1.2+) alone passes the policy: exit 0, schema-valid report`, async () => {
    const r = await gate('nla.xml', [FREERDP_NLA]);
    expect(r.code, show(r)).toBe(0);
    const suites = await readValidJunit(out('nla.xml'));
    const s = suite(suites, FREERDP_NLA);
    expect(policyFailures(s)).toEqual([]);
    expect(s.cases.find((c) => c.name === 'reachable')?.failure).toBeNull();
    expect(s.cases.find((c) => c.name === 'handshake')?.failure).toBeNull();
    // The summary suite: a complete, uninterrupted scan.
    const summary = suite(suites, 'rdprobe');
    expect(summary.cases.map((c) => [c.name, c.failure, c.error])).toEqual([['scan complete', null, false]]);
  });

  it('a passing gate writes a JUnit report without <failure>: CI marks the build as the exit code says', async () => {
    // Jenkins' junit step marks a build UNSTABLE and GitLab shows "failed tests" for any <failure>. With --policy
    // alone the exit code depends on the policy only (docs/policy.md "Exit codes"), so a host that passes the
    // policy must not carry a failing test case for a finding the policy does not cover (here os_unsupported,
    // high: FreeRDP's NTLM announces Windows 6.1.7601).
    const r = await gate('nla-consistency.xml', [FREERDP_NLA]);
    expect(r.code, show(r)).toBe(0);
    const suites = await readValidJunit(out('nla-consistency.xml'));
    const failing = suites.flatMap((s) => s.cases.filter((c) => c.failure).map((c) => `${s.name}/${c.name}: ${c.failure!.message}`));
    expect(failing).toEqual([]);
  });

  it(`${TLS10_ONLY} (xrdp, TLS 1.0 only, no NLA) fails: exit 1, policy_min_tls and policy_require_nla in the JUnit failures`, async () => {
    const r = await gate('tls10.xml', [TLS10_ONLY]);
    expect(r.code, show(r)).toBe(1);
    const s = suite(await readValidJunit(out('tls10.xml')), TLS10_ONLY);
    // Exactly the violated rules: xrdp has no CredSSP (those rules do not apply), its key is RSA-2048, valid a year.
    expect(policyFailures(s)).toEqual(['policy_min_tls', 'policy_require_nla']);
    const minTls = s.cases.find((c) => c.name === 'policy_min_tls')!.failure!;
    expect(minTls.type).toBe('policy_min_tls');
    expect(minTls.message).toMatch(/^high: Policy: a TLS version below the minimum/);
    // The version that violates it is in the evidence (the failure's text), in the record's own terms.
    expect(readFileSync(out('tls10.xml'), 'utf8')).toContain('tls.versions[&quot;tls1.0&quot;] = true');
    expect(s.cases.find((c) => c.name === 'policy_require_nla')!.failure!.message).toMatch(/^high: /);
  });

  it('one violating host fails the whole gate; the passing host keeps no policy failure', async () => {
    const r = await gate('both.xml', [FREERDP_NLA, TLS10_ONLY]);
    expect(r.code, show(r)).toBe(1);
    const suites = await readValidJunit(out('both.xml'));
    expect(policyFailures(suite(suites, FREERDP_NLA))).toEqual([]);
    expect(policyFailures(suite(suites, TLS10_ONLY))).toEqual(['policy_min_tls', 'policy_require_nla']);
  });

  it('expected_thumbprints: the right thumbprint (as certlm.msc shows it) passes, a wrong one fails with a critical finding', async () => {
    expect(nlaThumb).toMatch(/^[0-9A-F]{40}$/);
    const right = out('pin-right.yml');
    writeFileSync(right, `${readFileSync(POLICY, 'utf8')}expected_thumbprints:\n  "${FREERDP_NLA}": "\u200e${certlmStyle(nlaThumb)}"\n`);
    const ok = await gate('pin-right.xml', [FREERDP_NLA], [], right);
    expect(ok.code, show(ok)).toBe(0);
    expect(policyFailures(suite(await readValidJunit(out('pin-right.xml')), FREERDP_NLA))).toEqual([]);

    const wrongThumb = nlaThumb.slice(0, 39) + (nlaThumb.endsWith('0') ? '1' : '0');
    const wrong = out('pin-wrong.yml');
    writeFileSync(wrong, `${readFileSync(POLICY, 'utf8')}expected_thumbprints:\n  "${FREERDP_NLA}:3389": "${wrongThumb}"\n`);
    const bad = await gate('pin-wrong.xml', [FREERDP_NLA], [], wrong);
    expect(bad.code, show(bad)).toBe(1);
    const s = suite(await readValidJunit(out('pin-wrong.xml')), FREERDP_NLA);
    expect(policyFailures(s)).toEqual(['policy_expected_thumbprint']);
    expect(s.cases.find((c) => c.name === 'policy_expected_thumbprint')!.failure!.message).toMatch(/^critical: /);

    // The same pin from the command line, JSON output: severity critical, the evidence names both thumbprints.
    const flag = await rdprobe(['scan', '--policy', POLICY, '--expected-thumbprint', `${FREERDP_NLA}=${wrongThumb}`, '--format', 'json', '-q', FREERDP_NLA]);
    expect(flag.code, show(flag)).toBe(1);
    const rec = (JSON.parse(flag.stdout) as { records: { findings: { id: string; severity: string; evidence: string[] }[] }[] }).records[0]!;
    const f = rec.findings.find((x) => x.id === 'policy_expected_thumbprint');
    expect(f?.severity).toBe('critical');
    expect(f!.evidence.join('\n')).toContain(nlaThumb);
    expect(f!.evidence.join('\n')).toContain(wrongThumb);
  });

  it(`an unreachable target (${CLOSED}) fails the gate unless it is allowed to be down`, async () => {
    const r = await gate('closed.xml', [FREERDP_NLA, CLOSED]);
    expect(r.code, show(r)).toBe(1);
    const suites = await readValidJunit(out('closed.xml'));
    const s = suite(suites, CLOSED);
    expect(policyFailures(s)).toEqual(['policy_unreachable']);
    expect(s.cases.find((c) => c.name === 'reachable')!.failure).not.toBeNull();
    expect(s.cases.find((c) => c.name === 'handshake')!.skipped).toBe(true);
    expect(policyFailures(suite(suites, FREERDP_NLA))).toEqual([]);

    const allowed = await gate('closed-allowed.xml', [FREERDP_NLA, CLOSED], ['--allow-unreachable']);
    expect(allowed.code, show(allowed)).toBe(0);
    expect(policyFailures(suite(await readValidJunit(out('closed-allowed.xml')), CLOSED))).toEqual([]);

    // The same through a hosts: entry, the way an admin marks one host as allowed to be down.
    const p = out('closed-host.yml');
    writeFileSync(p, `${readFileSync(POLICY, 'utf8')}hosts:\n  "${CLOSED}": { allow_unreachable: true }\n`);
    const viaFile = await gate('closed-host.xml', [FREERDP_NLA, CLOSED], [], p);
    expect(viaFile.code, show(viaFile)).toBe(0);
  });

  it('an invalid policy file: exit 2, one line naming the file and the key, before any report is written', async () => {
    const r = await gate('invalid.xml', [FREERDP_NLA], [], join(FIXTURES, 'policy-invalid.yml'));
    expect(r.code, show(r)).toBe(2);
    expect(r.stderr.endsWith('\n')).toBe(true);
    expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(/^rdprobe: .*policy-invalid\.yml: requre_nla: unknown key \(did you mean "require_nla"\?\)/);
    expect(r.stdout).toBe('');
    expect(existsSync(out('invalid.xml'))).toBe(false);

    const badValue = out('bad-value.yml');
    writeFileSync(badValue, 'require_nla: true\nmin_tls: "1.5"\n');
    const v = await gate('bad-value.xml', [FREERDP_NLA], [], badValue);
    expect(v.code, show(v)).toBe(2);
    expect(v.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(v.stderr).toMatch(/bad-value\.yml: min_tls: /);

    const missing = await gate('missing.xml', [FREERDP_NLA], [], out('no-such-policy.yml'));
    expect(missing.code, show(missing)).toBe(2);
    expect(missing.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('no-such-policy.yml');
  });

  it('--format sarif and --format github report the same policy findings for the same hosts (exit 1)', async () => {
    const hosts = [TLS10_ONLY, FREERDP_NLA, CLOSED];
    const sarif = await rdprobe(['scan', '--policy', POLICY, '--format', 'sarif', '-o', out('gate.sarif'), '-q', ...hosts]);
    expect(sarif.code, show(sarif)).toBe(1);
    const log = JSON.parse(readFileSync(out('gate.sarif'), 'utf8')) as {
      version: string;
      runs: { tool: { driver: { name: string; rules: { id: string }[] } }; results: { ruleId: string; level: string; locations?: unknown[]; message: { text: string } }[] }[];
    };
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0]!;
    expect(run.tool.driver.name).toBe('rdprobe');
    const ruleIds = new Set(run.tool.driver.rules.map((x) => x.id));
    for (const res of run.results) expect(ruleIds.has(res.ruleId), `rule ${res.ruleId} not in driver.rules`).toBe(true);
    const at = (id: string, host: string) => run.results.filter((x) => x.ruleId === id && JSON.stringify(x.locations ?? x.message).includes(host));
    expect(at('policy_min_tls', TLS10_ONLY)).toHaveLength(1);
    expect(at('policy_require_nla', TLS10_ONLY)).toHaveLength(1);
    expect(at('policy_unreachable', CLOSED)).toHaveLength(1);
    expect(at('policy_min_tls', TLS10_ONLY)[0]!.level).toBe('error');
    expect(run.results.filter((x) => x.ruleId.startsWith('policy_') && JSON.stringify(x.locations ?? x.message).includes(FREERDP_NLA))).toEqual([]);

    const gh = await rdprobe(['scan', '--policy', POLICY, '--format', 'github', '-q', ...hosts]);
    expect(gh.code, show(gh)).toBe(1);
    const lines = gh.stdout.split('\n').filter((l) => l.startsWith('::'));
    const ann = (id: string, host: string) => lines.filter((l) => l.startsWith('::error ') && l.includes(` ${id} on ${host}%3A3389::`));
    expect(ann('policy_min_tls', TLS10_ONLY), gh.stdout).toHaveLength(1);
    expect(ann('policy_require_nla', TLS10_ONLY), gh.stdout).toHaveLength(1);
    expect(ann('policy_unreachable', CLOSED), gh.stdout).toHaveLength(1);
    expect(lines.filter((l) => l.includes(`policy_`) && l.includes(`on ${FREERDP_NLA}%3A`))).toEqual([]);
    // Every annotation is one line (newlines in messages are %0A-escaped).
    for (const l of gh.stdout.split('\n').filter((x) => x.trim() !== '')) expect(l.startsWith('::') || !l.includes('::error'), l).toBe(true);
  });
});
