/** The catalog is data an administrator will copy from: check that it is complete and that commands are sound. */
import { describe, expect, it } from 'vitest';
import { catalog, EVENTS, explain, FINDING_IDS, formatExplain, listFindings, wevtutilQuery } from '../../src/diagnosis/index.js';
import { SEVERITIES } from '../../src/record.js';

const REQUIRED_IDS = [
  'nla_not_required',
  'standard_rdp_security_allowed',
  'weak_rdp_encryption',
  'tls_legacy_enabled',
  'tls12_missing',
  'tls_failed_all_versions',
  'negotiation_cert_not_on_server',
  'cert_expired',
  'cert_expiring_soon',
  'cert_self_signed',
  'cert_weak_key',
  'cert_weak_signature',
  'cert_name_mismatch',
  'credssp_outdated',
  'clock_skew',
  'host_identity_mismatch',
  'unreachable',
  'not_rdp',
  'credssp_error',
  'cert_duplicate',
  'netbios_duplicate',
];

describe('catalog', () => {
  it('has every required finding id, each entry under its own id', () => {
    for (const id of REQUIRED_IDS) expect(explain(id)?.id).toBe(id);
    for (const id of FINDING_IDS) expect(catalog[id].id).toBe(id);
    expect(listFindings().map((e) => e.id)).toEqual([...FINDING_IDS]);
    expect(new Set(FINDING_IDS).size).toBe(FINDING_IDS.length);
  });

  it('explain() knows nothing of unknown ids (and of inherited properties)', () => {
    expect(explain('no_such_finding')).toBeUndefined();
    expect(explain('toString')).toBeUndefined();
  });

  it('every entry is complete: severity, ranked causes with a certainty, checks, remediation', () => {
    for (const e of listFindings()) {
      expect(SEVERITIES, e.id).toContain(e.severity);
      expect(e.title.length, e.id).toBeGreaterThan(10);
      expect(e.summary.length, e.id).toBeGreaterThan(60);
      expect(e.trigger.length, e.id).toBeGreaterThan(5);
      expect(e.causes.length, e.id).toBeGreaterThan(0);
      for (const c of e.causes) expect(['confirmed', 'likely', 'possible'], e.id).toContain(c.certainty);
      expect(new Set(e.causes.map((c) => c.id)).size, e.id).toBe(e.causes.length);
      expect(e.checks.length, e.id).toBeGreaterThan(0);
      expect(e.remediation.length, e.id).toBeGreaterThan(0);
      expect(e.references.length, e.id).toBeGreaterThan(0);
      for (const s of e.superseded_by ?? []) expect(FINDING_IDS as readonly string[], e.id).toContain(s);
    }
  });

  it('ranks causes so that no cause is more certain than the ones above it', () => {
    const weight = { confirmed: 2, likely: 1, possible: 0 } as const;
    for (const e of listFindings()) {
      const w = e.causes.map((c) => weight[c.certainty]);
      expect(w, e.id).toEqual([...w].sort((a, b) => b - a));
    }
  });

  it('every event a finding names is described, with a provider spelled without stray spaces', () => {
    for (const e of listFindings()) for (const id of e.event_ids) expect(EVENTS.has(id), `${e.id}: ${id}`).toBe(true);
    for (const [key, info] of EVENTS) {
      expect(key).toBe(`${info.provider} ${info.id}`);
      expect(info.provider).toBe(info.provider.trim());
    }
  });

  it('prints wevtutil queries with the exact provider and log', () => {
    const rcm = EVENTS.get('Microsoft-Windows-TerminalServices-RemoteConnectionManager 1057')!;
    expect(wevtutilQuery(rcm)).toBe(
      `wevtutil qe System /rd:true /c:5 /f:text /q:"*[System[Provider[@Name='Microsoft-Windows-TerminalServices-RemoteConnectionManager'] and (EventID=1057) and TimeCreated[timediff(@SystemTime) <= 604800000]]]"`,
    );
    const broker = EVENTS.get('Microsoft-Windows-TerminalServices-SessionBroker 2056')!;
    expect(wevtutilQuery(broker)).toMatch(/^wevtutil qe Microsoft-Windows-TerminalServices-SessionBroker\/Operational /);
    expect(wevtutilQuery(EVENTS.get('Schannel 36871')!)).toMatch(/Provider\[@Name='Schannel'\] and \(EventID=36871\)/);
  });

  it('uses the exact registry paths and commands', () => {
    const all = listFindings().flatMap((e) => [...e.checks, ...e.remediation]).join('\n');
    const rdpTcp = 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp';
    for (const v of ['SecurityLayer', 'UserAuthentication', 'MinEncryptionLevel', 'SSLCertificateSHA1Hash', 'PortNumber']) {
      expect(all).toContain(`reg query "${rdpTcp}" /v ${v}`);
    }
    expect(all).toContain('reg query "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server" /v fDenyTSConnections');
    expect(all).toContain('reg query "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols" /s');
    expect(all).toContain('netstat -ano | findstr :3389');
    expect(all).toContain('w32tm /query /status');
    expect(all).toContain("Get-ChildItem 'Cert:\\LocalMachine\\Remote Desktop'");
    expect(all).toContain('icacls C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys');
    expect(all).toContain('setspn -L %COMPUTERNAME%');
    expect(all).toContain('Test-ComputerSecureChannel');
    expect(all).toContain('Test-NetConnection -ComputerName <host> -Port 3389');
    expect(all).toContain('HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\CredSSP\\Parameters" /v AllowEncryptionOracle');
    // the PowerShell certificate store path has a space: unquoted it would be two arguments
    expect(all).not.toMatch(/Get-ChildItem Cert:\\LocalMachine\\Remote Desktop/);
    // `sc` is Set-Content in PowerShell
    expect(all).not.toMatch(/(^|[\s&|])sc query/m);
  });

  it('shows no internal provenance: nothing an administrator cannot look up', () => {
    const internal = /\bSeeds?\b|Known causes|KNOWN-CAUSES|seeds\//i;
    for (const e of listFindings()) {
      const texts = [e.title, e.summary, e.trigger, ...e.causes.map((c) => c.text), ...e.event_ids, ...e.checks, ...e.remediation, ...e.references];
      for (const t of texts) expect(t, e.id).not.toMatch(internal);
      expect(formatExplain(e), e.id).not.toMatch(internal);
    }
  });

  it('cites only references an administrator can look up: specifications, RFCs, KBs, CVEs, Microsoft pages, policies, events', () => {
    const providers = [...new Set([...EVENTS.values()].map((ev) => ev.provider))];
    const kinds = [/^rdprobe (README|docs\/)/, /^\[MS-[A-Z]+\] /, /^RFC \d+/, /^KB\d+ /, /^CVE-\d{4}-\d+$/, /^NIST SP /, /^Microsoft (Learn|Lifecycle): \S/, /^Group Policy: \S/];
    for (const e of listFindings()) {
      for (const ref of e.references) {
        const ok = kinds.some((k) => k.test(ref)) || providers.some((p) => ref.startsWith(`${p} `));
        expect(ok, `${e.id}: ${ref}`).toBe(true);
      }
    }
  });

  it('formatExplain prints title, severity, summary, causes with certainty, events with their query, checks, remediation', () => {
    const page = formatExplain(explain('tls_failed_all_versions')!);
    expect(page.split('\n')[0]).toBe('tls_failed_all_versions (critical): The server selects TLS but no TLS handshake completes');
    expect(page).toContain(catalog.tls_failed_all_versions.summary);
    expect(page).toMatch(/Causes, most probable first:\n {2}1\. \[likely\] .*private key/);
    expect(page).toContain("Schannel 36871 (System log): ");
    expect(page).toContain(`    ${wevtutilQuery(EVENTS.get('Schannel 36871')!)}`);
    expect(page).toContain('Checks (on the server');
    expect(page).toMatch(/Remediation:\n {2}1\. /);
    expect(page).not.toMatch(/\n\n\n/);
  });

  it('formatExplain leaves out empty sections', () => {
    const page = formatExplain(explain('cert_self_signed')!);
    expect(page).not.toContain('Server events');
    expect(page).toContain('normal for RDP');
  });
});
