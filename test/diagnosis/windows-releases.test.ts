/**
 * os_unsupported judged by build against the Windows release table. Expectations are derived from the table's
 * own dates (the day before / after an end date), and the table itself is checked against facts Microsoft
 * publishes, so a wrong date or a wrong judgement fails here.
 */
import { readFileSync } from 'node:fs';
import { causesOf } from '../helpers/findings.js';
import { describe, expect, it } from 'vitest';
import { decodeTsRequest } from '../../protocol/credssp.js';
import { decodeNtlmChallenge, ntlmFlagNames } from '../../protocol/ntlm.js';
import { fromHex } from '../../protocol/writer.js';
import { challengeToInfo } from '../../src/analysis/ntlm-identity.js';
import { diagnose } from '../../src/diagnosis/index.js';
import { notWindowsTells } from '../../src/diagnosis/not-windows.js';
import {
  describeUnknownBuild,
  judgeWindowsVersion,
  REPORTED_AS_BASE_BUILD,
  WINDOWS_BUILDS,
  WINDOWS_RELEASES_AS_OF,
  type Edition,
  type WindowsBuild,
} from '../../src/diagnosis/windows-releases.js';
import type { Finding, NtlmInfo, ProbeRecord } from '../../src/record.js';
import { credssp, emptyRecord, ntlm, protocols, refuses, selects, tls } from './factory.js';

const AS_OF = new Date(`${WINDOWS_RELEASES_AS_OF}T12:00:00Z`);

function row(build: number): WindowsBuild {
  const r = WINDOWS_BUILDS.find((b) => b.build === build);
  if (!r) throw new Error(`build ${build} missing from the table`);
  return r;
}

function edition(build: number, name: RegExp): Edition {
  const e = row(build).editions.find((x) => name.test(x.name));
  if (!e) throw new Error(`no edition ${name} in build ${build}`);
  return e;
}

/** The day after `day` (YYYY-MM-DD), at noon UTC. */
function dayAfter(day: string): Date {
  return new Date(Date.parse(`${day}T12:00:00Z`) + 86_400_000);
}
const onDay = (day: string): Date => new Date(`${day}T12:00:00Z`);
const lastDay = (e: Edition): string => e.esu?.end ?? e.end;

function windowsRecord(osVersion: string, over: Partial<NtlmInfo> = {}, rec: Partial<ProbeRecord> = {}): ProbeRecord {
  return emptyRecord({ scanned_at: AS_OF.toISOString(), credssp: credssp({ ntlm: ntlm({ os_version: osVersion, ...over }) }), ...rec });
}

function osFinding(record: ProbeRecord, now?: Date): Finding | undefined {
  return diagnose(record, now ? { now } : undefined).find((f) => f.id === 'os_unsupported');
}

describe('the Windows release table', () => {
  it('states its date, and every edition has a source and dates in order', () => {
    expect(WINDOWS_RELEASES_AS_OF).toBe('2026-12-01');
    const keys = WINDOWS_BUILDS.map((b) => `${b.version}.${b.build}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const b of WINDOWS_BUILDS) {
      expect(b.editions.length, String(b.build)).toBeGreaterThan(0);
      for (const e of b.editions) {
        expect(e.source, e.name).toMatch(/^Microsoft (Learn|Lifecycle): /);
        expect(e.released < e.end, e.name).toBe(true);
        if (e.policy === 'fixed') expect(e.mainstreamEnd !== null && e.released <= e.mainstreamEnd && e.mainstreamEnd <= e.end, e.name).toBe(true);
        else expect(e.mainstreamEnd, e.name).toBeNull();
        if (e.esu) expect(e.esu.end > e.end, e.name).toBe(true);
      }
    }
  });

  it('ends support on a Patch Tuesday (the second Tuesday), except the Annual Channel server release', () => {
    const exceptions = new Set(['Windows Server, version 23H2']);
    for (const b of WINDOWS_BUILDS) {
      for (const e of b.editions) {
        if (exceptions.has(e.name)) continue;
        for (const day of [e.end, ...(e.esu ? [e.esu.end] : [])]) {
          const d = new Date(`${day}T00:00:00Z`);
          expect(d.getUTCDay(), `${e.name} ${day}`).toBe(2);
          expect(d.getUTCDate(), `${e.name} ${day}`).toBeGreaterThanOrEqual(8);
          expect(d.getUTCDate(), `${e.name} ${day}`).toBeLessThanOrEqual(14);
        }
      }
    }
  });

  it('carries the dates Microsoft publishes for the builds that matter most', () => {
    expect(edition(17763, /Server 2019/)).toMatchObject({ mainstreamEnd: '2024-01-09', end: '2029-01-09' });
    expect(edition(17763, /LTSC 2019/)).toMatchObject({ end: '2029-01-09' });
    expect(edition(14393, /Server 2016/)).toMatchObject({ mainstreamEnd: '2022-01-11', end: '2027-01-12' });
    expect(edition(14393, /2016 LTSB/)).toMatchObject({ end: '2026-10-13' });
    expect(edition(19045, /Home and Pro/)).toMatchObject({ end: '2025-10-14' });
    expect(edition(19045, /Enterprise and Education/)).toMatchObject({ end: '2025-10-14' });
    expect(edition(19045, /Home and Pro/).esu).not.toBeNull();
    expect(edition(20348, /Server 2022/)).toMatchObject({ mainstreamEnd: '2026-10-13', end: '2031-10-14' });
    expect(edition(26100, /Server 2025/)).toMatchObject({ mainstreamEnd: '2029-11-13', end: '2034-11-14' });
    expect(edition(26100, /Home and Pro/)).toMatchObject({ end: '2026-10-13' });
    expect(edition(7601, /Windows 7/)).toMatchObject({ end: '2020-01-14' });
    expect(edition(9600, /2012 R2/)).toMatchObject({ end: '2023-10-10', esu: { end: '2026-10-13' } });
    // LTSC 2021 shares 19044 with Windows 10 21H2, not 19045 (22H2).
    expect(row(19045).editions.some((e) => /LTSC/.test(e.name))).toBe(false);
    expect(row(19044).editions.some((e) => /Enterprise LTSC 2021/.test(e.name))).toBe(true);
  });

  it('lists every build a base build may stand for', () => {
    for (const [base, later] of Object.entries(REPORTED_AS_BASE_BUILD)) {
      row(Number(base));
      for (const b of later) expect(row(b).build).toBeGreaterThan(Number(base));
    }
  });
});

/** The evidence lines naming the editions out of support and those still supported. */
function parts(f: Finding): [string, string] {
  return [f.evidence.find((e) => e.startsWith('out of support: ')) ?? '', f.evidence.find((e) => e.startsWith('still supported: ')) ?? ''];
}

describe('os_unsupported by build', () => {
  it('10.0.16299 (Windows 10 1709 / Server 1709) fires, confirmed: every edition ended before the scan', () => {
    for (const e of row(16299).editions) expect(lastDay(e) < WINDOWS_RELEASES_AS_OF, e.name).toBe(true);
    const f = osFinding(windowsRecord('10.0.16299'))!;
    expect(f).toBeDefined();
    expect(causesOf(f)[0]!.certainty).toBe('confirmed');
    for (const e of row(16299).editions) expect(f.evidence.join('\n')).toContain(e.name);
    expect(f.evidence).toContain(`judged at ${WINDOWS_RELEASES_AS_OF} against the Windows release table as of ${WINDOWS_RELEASES_AS_OF} (Microsoft Learn release information and lifecycle pages)`);
  });

  it('10.0.19045 (22H2): silent on its last day of servicing, likely while the paid ESU runs, confirmed after it', () => {
    const homePro = edition(19045, /Home and Pro/);
    const entEdu = edition(19045, /Enterprise and Education/);
    const end = homePro.end > entEdu.end ? homePro.end : entEdu.end;
    expect(osFinding(windowsRecord('10.0.19045'), onDay(end))).toBeUndefined();
    const during = osFinding(windowsRecord('10.0.19045'), dayAfter(end))!;
    expect(causesOf(during)[0]!.certainty).toBe('likely');
    expect(causesOf(during).map((c) => c.id).slice(0, 2)).toEqual(['out_of_support', 'esu']);
    expect(causesOf(during)[1]!.text).toMatch(/Extended Security Updates/);
    // At the table's date: consumer editions and Enterprise/Education both out, the commercial ESU still running.
    expect(causesOf(osFinding(windowsRecord('10.0.19045'))!)[0]!.certainty).toBe(homePro.esu!.end >= WINDOWS_RELEASES_AS_OF ? 'likely' : 'confirmed');
    const after = osFinding(windowsRecord('10.0.19045'), dayAfter(homePro.esu!.end))!;
    expect(causesOf(after)[0]!.certainty).toBe('confirmed');
  });

  it('10.0.17763 is likely and names the editions: 1809 out, Server 2019 and LTSC 2019 in extended support', () => {
    const f = osFinding(windowsRecord('10.0.17763'))!;
    expect(causesOf(f)[0]!.certainty).toBe('likely');
    expect(causesOf(f)[0]!.id).toBe('shared_build');
    const [outPart, supportedPart] = parts(f);
    expect(outPart).toContain('Windows 10 Home and Pro, version 1809');
    expect(outPart).toContain('Windows 10 Enterprise and Education, version 1809');
    expect(supportedPart).toContain(`Windows Server 2019: out of mainstream support since ${edition(17763, /Server 2019/).mainstreamEnd}`);
    expect(supportedPart).toContain(`Windows 10 Enterprise LTSC 2019`);
    expect(supportedPart).toContain(edition(17763, /Server 2019/).end);
    // Once Server 2019 and LTSC 2019 have ended too, nothing is left: confirmed.
    expect(causesOf(osFinding(windowsRecord('10.0.17763'), dayAfter(edition(17763, /Server 2019/).end))!)[0]!.certainty).toBe('confirmed');
    // Before any edition ended: silent.
    expect(osFinding(windowsRecord('10.0.17763'), onDay(edition(17763, /Home and Pro/).end))).toBeUndefined();
  });

  it('10.0.14393 is likely and names the editions: 1607 and LTSB 2016 out, Server 2016 still supported', () => {
    const ltsb = edition(14393, /2016 LTSB/);
    const server = edition(14393, /Server 2016/);
    expect(ltsb.end < WINDOWS_RELEASES_AS_OF && server.end > WINDOWS_RELEASES_AS_OF).toBe(true);
    const f = osFinding(windowsRecord('10.0.14393'))!;
    expect(causesOf(f)[0]!.certainty).toBe('likely');
    expect(causesOf(f)[0]!.id).toBe('shared_build');
    const [outPart, supportedPart] = parts(f);
    expect(outPart).toContain('Windows 10 Enterprise 2016 LTSB');
    expect(outPart).toContain('Windows 10 Home and Pro, version 1607');
    expect(supportedPart).toContain(`Windows Server 2016`);
    expect(supportedPart).toContain(server.end);
    // On LTSB 2016's last day it still counts as supported.
    const onLtsbEnd = osFinding(windowsRecord('10.0.14393'), onDay(ltsb.end))!;
    expect(parts(onLtsbEnd)[1]).toContain('Windows 10 Enterprise 2016 LTSB');
  });

  it('10.0.26100 does not fire: Server 2025, LTSC 2024 and 24H2 Enterprise are supported, Home/Pro moved on to 25H2/26H2 on the same build', () => {
    const homePro24 = edition(26100, /Home and Pro/);
    expect(homePro24.end < WINDOWS_RELEASES_AS_OF).toBe(true); // 24H2 Home/Pro itself has ended...
    expect(REPORTED_AS_BASE_BUILD[26100]).toContain(26200); // ...but 25H2 reports 26100 as well
    expect(osFinding(windowsRecord('10.0.26100'))).toBeUndefined();
    const v = judgeWindowsVersion('10.0.26100', AS_OF);
    expect(v.kind === 'judged' && v.outOfSupport).toBe('none');
    // A host that really reports 26200 (25H2) is judged on its own row.
    expect(osFinding(windowsRecord('10.0.26200'))).toBeUndefined();
  });

  it('10.0.20348 (Server 2022) does not fire in extended support, and fires the day after it ends', () => {
    const s = edition(20348, /Server 2022/);
    expect(s.mainstreamEnd! < WINDOWS_RELEASES_AS_OF).toBe(true);
    expect(osFinding(windowsRecord('10.0.20348'))).toBeUndefined();
    expect(causesOf(osFinding(windowsRecord('10.0.20348'), dayAfter(s.end))!)[0]!.certainty).toBe('confirmed');
  });

  it('6.1.7601 (Windows 7 SP1 / Server 2008 R2 SP1) fires, confirmed, ESU included', () => {
    for (const e of row(7601).editions) expect(lastDay(e) < WINDOWS_RELEASES_AS_OF, e.name).toBe(true);
    const f = osFinding(windowsRecord('6.1.7601'))!;
    expect(causesOf(f)[0]).toMatchObject({ id: 'out_of_support', certainty: 'confirmed' });
    // Every edition is out and no ESU runs any more: neither a shared build nor an ESU can explain it away.
    expect(Object.keys(f.causes)).not.toContain('shared_build');
    expect(Object.keys(f.causes)).not.toContain('esu');
    expect(f.evidence[0]).toBe('credssp.ntlm.os_version = "6.1.7601" (build 7601: Windows 7 SP1 / Windows Server 2008 R2 SP1)');
  });

  it('6.3.9600 (Server 2012 R2) is likely while its ESU runs and confirmed after', () => {
    const esuEnd = edition(9600, /2012 R2/).esu!.end;
    expect(causesOf(osFinding(windowsRecord('6.3.9600'), onDay(esuEnd))!)[0]!.certainty).toBe('likely');
    expect(causesOf(osFinding(windowsRecord('6.3.9600'), dayAfter(esuEnd))!)[0]!.certainty).toBe('confirmed');
  });

  it('judges at the scan date unless `now` is given', () => {
    const end = edition(20348, /Server 2022/).end;
    expect(osFinding(windowsRecord('10.0.20348', {}, { scanned_at: dayAfter(end).toISOString() }))).toBeDefined();
    expect(osFinding(windowsRecord('10.0.20348', {}, { scanned_at: dayAfter(end).toISOString() }), AS_OF)).toBeUndefined();
  });

  it('a build missing from the table says so and never fires', () => {
    const newest = Math.max(...WINDOWS_BUILDS.map((b) => b.build));
    const newer = judgeWindowsVersion(`10.0.${newest + 1000}`, AS_OF);
    expect(newer).toMatchObject({ kind: 'unknown_build', newerThanTable: true });
    if (newer.kind !== 'unknown_build') throw new Error('unreachable');
    expect(describeUnknownBuild(newer)).toBe(
      `build ${newest + 1000} (10.0.${newest + 1000}) is not in the Windows release table as of ${WINDOWS_RELEASES_AS_OF}: newer than the table, or an Insider build; its support status is not judged`,
    );
    expect(osFinding(windowsRecord(`10.0.${newest + 1000}`))).toBeUndefined();
    // Between two known builds: an Insider or unlisted build.
    const between = judgeWindowsVersion('10.0.20349', AS_OF);
    expect(between).toMatchObject({ kind: 'unknown_build', newerThanTable: false });
    expect(osFinding(windowsRecord('10.0.20349'))).toBeUndefined();
    // A build number that exists under another major.minor is not that release.
    expect(judgeWindowsVersion('6.1.17763', AS_OF).kind).toBe('unknown_build');
    expect(osFinding(windowsRecord('not a version'))).toBeUndefined();
    expect(osFinding(windowsRecord('6.1.7601', { os_version: null }))).toBeUndefined();
  });
});

// The FreeRDP 2.11 NLA server's CHALLENGE, recorded from the lab.
function freerdpNtlm(): NtlmInfo {
  const cap = JSON.parse(readFileSync(new URL('../../captures/freerdp-nla-credssp.json', import.meta.url), 'utf8')) as {
    recorded_at: string;
    connections: { inside_tls: Record<string, string>[] }[];
  };
  const ts = decodeTsRequest(fromHex(cap.connections[0]!.inside_tls[1]!.server!));
  return challengeToInfo(decodeNtlmChallenge(ts.negoTokens![0]!), new Date(cap.recorded_at));
}

// CHALLENGE flags of Windows servers answering an RDP client: Windows Server 2008 SP2 (6.0.6002) answering mstsc's
// NEGOTIATE 0xE20882B7 (the flags rdprobe sends) with 0xE28A8235, and Windows Server 2012 R2 (6.3.9600) with
// 0x628A8235 (published protocol traces of a TLS man-in-the-middle proxy and of a Go RDP client).
const WINDOWS_2008_FLAGS = ntlmFlagNames(0xe28a8235);
const WINDOWS_2012R2_FLAGS = ntlmFlagNames(0x628a8235);

describe('os_unsupported when the server is not Windows', () => {
  const lab = (): ProbeRecord =>
    emptyRecord({
      scanned_at: AS_OF.toISOString(),
      credssp: credssp({ ntlm: freerdpNtlm() }),
      tls: tls({ 'tls1.0': false, 'tls1.1': false, 'tls1.2': true, 'tls1.3': true }, {}, { via: 'hybrid' }),
    });

  it('FreeRDP (6.1.7601 with echoed NTLM flags and TLS 1.3) is re-worded: announces Windows 7 SP1, answers like FreeRDP', () => {
    const r = lab();
    expect(r.credssp!.ntlm!.os_version).toBe('6.1.7601');
    const f = osFinding(r)!;
    expect(causesOf(f)[0]).toMatchObject({ id: 'not_windows', certainty: 'likely' });
    expect(f.evidence).toContain('announces Windows 7 SP1 / Windows Server 2008 R2 SP1 (6.1.7601) but answers like FreeRDP');
    expect(causesOf(f)[1]!.certainty).toBe('possible');
    const tells = f.evidence.filter((e) => e.startsWith('not Windows: '));
    expect(tells).toHaveLength(2);
    expect(tells[0]).toMatch(/NTLM_NEGOTIATE_OEM with NTLMSSP_NEGOTIATE_UNICODE; NTLMSSP_NEGOTIATE_LM_KEY with NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY; a TargetName without NTLMSSP_TARGET_TYPE_SERVER or _DOMAIN/);
    expect(tells[1]).toMatch(/^not Windows: tls\.versions\["tls1\.3"\] = true with credssp\.ntlm\.os_version = "6\.1\.7601"/);
  });

  it('each NTLM flag rule alone is a tell, and Windows challenges break none of them', () => {
    const win = WINDOWS_2008_FLAGS;
    const variants: [string, string[]][] = [
      ['OEM with UNICODE', [...win, 'NTLM_NEGOTIATE_OEM']],
      ['LM_KEY with EXTENDED_SESSIONSECURITY', [...win, 'NTLMSSP_NEGOTIATE_LM_KEY']],
      ['no TARGET_TYPE', win.filter((x) => x !== 'NTLMSSP_TARGET_TYPE_SERVER')],
    ];
    for (const [what, flags] of variants) {
      const tells = notWindowsTells(windowsRecord('6.1.7601', { negotiate_flags: flags }));
      expect(tells, what).toHaveLength(1);
      expect(tells[0]!.evidence.split('; ')).toHaveLength(1);
    }
    for (const winFlags of [WINDOWS_2008_FLAGS, WINDOWS_2012R2_FLAGS]) {
      expect(winFlags).toContain('NTLMSSP_TARGET_TYPE_SERVER');
      const r = windowsRecord('6.1.7601', { negotiate_flags: winFlags });
      expect(notWindowsTells(r)).toEqual([]);
      expect(causesOf(osFinding(r)!)[0]).toMatchObject({ id: 'out_of_support', certainty: 'confirmed' });
    }
    // No flags recorded (nothing to judge): no tell.
    expect(notWindowsTells(windowsRecord('6.1.7601', { negotiate_flags: [] }))).toEqual([]);
  });

  it('TLS 1.3 is a tell only with a version older than Windows 10', () => {
    const withTls13 = { tls: tls({ 'tls1.2': true, 'tls1.3': true }) };
    expect(notWindowsTells(windowsRecord('6.3.9600', { negotiate_flags: WINDOWS_2012R2_FLAGS }, withTls13))).toHaveLength(1);
    expect(notWindowsTells(windowsRecord('10.0.17763', { negotiate_flags: WINDOWS_2008_FLAGS }, withTls13))).toEqual([]);
  });

  it("xrdp's MCS Disconnect Provider Ultimatum to an RDSAAD request is a tell (as the lab's xrdp answers)", () => {
    const rdsaad = {
      ...refuses('rdsaad', 'x'),
      response: 'mcs_disconnect' as const,
      supported: null,
      failure_code: null,
      detail: 'the server answered with an X.224 Data TPDU (MCS Disconnect Provider Ultimatum) instead of a Connection Confirm, and closed',
    };
    const r = windowsRecord('6.1.7601', { negotiate_flags: WINDOWS_2008_FLAGS }, { protocols: protocols({ ssl: selects('ssl', 'ssl'), rdsaad }) });
    const f = osFinding(r)!;
    expect(f.evidence.join('\n')).toMatch(/answers like xrdp/);
    expect(causesOf(f)[0]!.id).toBe('not_windows');
    // A Windows-style refusal of RDSAAD is no tell.
    const windows = windowsRecord('6.1.7601', { negotiate_flags: WINDOWS_2008_FLAGS }, { protocols: protocols({ rdsaad: refuses('rdsaad', 'SSL_NOT_ALLOWED_BY_SERVER') }) });
    expect(notWindowsTells(windows)).toEqual([]);
  });

  it('tells never make a supported build fire', () => {
    expect(osFinding(windowsRecord('10.0.20348', { negotiate_flags: freerdpNtlm().negotiate_flags, target_name: 'VM' }))).toBeUndefined();
  });
});
