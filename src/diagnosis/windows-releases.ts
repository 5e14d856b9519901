/**
 * Windows releases by build number, and their support status at a given date.
 *
 * AS OF 2026-12-01. Dates are Microsoft's: "end" is the last day a release gets security updates (the Patch
 * Tuesday of its last update), from the Microsoft Learn release information pages ("Windows 10 release
 * information", "Windows 11 release information", "Windows Server release information") and the Microsoft
 * Lifecycle product pages named in each edition's `source`. Revisit the table when Microsoft publishes a new
 * release or changes a date; a build missing from it is reported as unknown, never as unsupported.
 *
 * Why by build: the NTLM CHALLENGE's VERSION ([MS-NLMP] 2.2.2.10) carries major.minor.build and nothing about
 * the edition, so one build stands for every edition built from it (17763 is Windows 10 1809, Windows 10
 * Enterprise LTSC 2019 and Windows Server 2019). Releases delivered as an enablement package on an older build
 * report that older build: Windows 10 1909 answers 18362 and 20H2..21H2 answer 19041 (observed by runZero,
 * "Fingerprinting Windows build numbers", 2021); 22H2 (19045), Windows 11 23H2 (22631) and 25H2/26H2
 * (26200/26300) ship the same way, so they are assumed to answer their base build too.
 */

/** The date this table was last checked against its sources (and the default judgement date of tests). */
export const WINDOWS_RELEASES_AS_OF = '2026-12-01';

export interface PaidEsu {
  /** Last day of the last paid Extended Security Updates year. */
  end: string;
  note: string;
}

export interface Edition {
  /** As Microsoft names it, e.g. "Windows 10 Enterprise LTSC 2019". */
  name: string;
  /** Editions that update in place from one feature release to the next share a family (and the same base
   * build, when the later release is an enablement package). */
  family: string;
  /** Modern Lifecycle: one end of servicing. Fixed Lifecycle: mainstream, then extended support. */
  policy: 'modern' | 'fixed';
  released: string;
  /** Fixed Lifecycle only: end of mainstream support (from then on security updates only). */
  mainstreamEnd: string | null;
  /** End of servicing (Modern) or of extended support (Fixed): the last day of security updates. */
  end: string;
  /** A paid Extended Security Updates programme after `end`, if Microsoft offers one. */
  esu: PaidEsu | null;
  /** The Microsoft Learn / Lifecycle page the dates come from. */
  source: string;
}

export interface WindowsBuild {
  /** major.minor as the NTLM VERSION carries it. */
  version: string;
  build: number;
  editions: Edition[];
}

const RI10 = 'Microsoft Learn: Windows 10 release information';
const RI11 = 'Microsoft Learn: Windows 11 release information';
const RIS = 'Microsoft Learn: Windows Server release information';
const LC = (product: string): string => `Microsoft Lifecycle: ${product}`;

const ESU_WIN10: PaidEsu = {
  end: '2028-10-10',
  note: 'Windows 10 ESU: organizations can buy up to three years, to 2028-10-10; the consumer year ended 2026-10-13',
};
const ESU_2012: PaidEsu = { end: '2026-10-13', note: 'Windows Server 2012 / 2012 R2 ESU, three years (Azure Arc or volume licensing)' };
const ESU_2008: PaidEsu = { end: '2024-01-09', note: 'ESU three years to 2023-01-10, a fourth year only on Azure' };
const ESU_WIN7: PaidEsu = { end: '2023-01-10', note: 'Windows 7 ESU (Professional, Enterprise), three years' };

type EditionInput = Omit<Edition, 'policy' | 'mainstreamEnd' | 'esu'> & Partial<Pick<Edition, 'mainstreamEnd' | 'esu'>>;

/** A Modern Lifecycle edition: serviced until `end`. */
function modern(e: EditionInput): Edition {
  return { policy: 'modern', mainstreamEnd: null, esu: null, ...e };
}

/** A Fixed Lifecycle edition: mainstream until `mainstreamEnd`, extended until `end`. */
function fixed(e: EditionInput & { mainstreamEnd: string }): Edition {
  return { policy: 'fixed', esu: null, ...e };
}

/** Windows 10 / 11 Home and Pro, and Enterprise and Education, of one feature release. */
function clientPair(os: 'Windows 10' | 'Windows 11', version: string, released: string, homeProEnd: string, entEduEnd: string, esu: PaidEsu | null = null): Edition[] {
  const src = os === 'Windows 10' ? RI10 : RI11;
  return [
    modern({ name: `${os} Home and Pro, version ${version}`, family: `${os} Home and Pro`, released, end: homeProEnd, esu, source: `${src}; ${LC(`${os} Home and Pro`)}` }),
    modern({ name: `${os} Enterprise and Education, version ${version}`, family: `${os} Enterprise and Education`, released, end: entEduEnd, esu, source: `${src}; ${LC(`${os} Enterprise and Education`)}` }),
  ];
}

/** Windows Server Semi-Annual / Annual Channel (Modern Lifecycle, Datacenter and Standard core). */
function serverChannel(version: string, released: string, end: string): Edition {
  return modern({ name: `Windows Server, version ${version}`, family: 'Windows Server (Semi-Annual / Annual Channel)', released, end, source: `${RIS}; ${LC('Windows Server')}` });
}

export const WINDOWS_BUILDS: readonly WindowsBuild[] = [
  // ---------------------------------------------------------------- NT 5.x and 6.x (Fixed Lifecycle)
  { version: '5.0', build: 2195, editions: [fixed({ name: 'Windows 2000 (Professional, Server)', family: 'Windows 2000', released: '2000-03-31', mainstreamEnd: '2005-06-30', end: '2010-07-13', source: LC('Windows 2000') })] },
  { version: '5.1', build: 2600, editions: [fixed({ name: 'Windows XP', family: 'Windows XP', released: '2001-12-31', mainstreamEnd: '2009-04-14', end: '2014-04-08', source: LC('Windows XP') })] },
  {
    version: '5.2',
    build: 3790,
    editions: [
      fixed({ name: 'Windows XP Professional x64 Edition', family: 'Windows XP', released: '2005-04-24', mainstreamEnd: '2009-04-14', end: '2014-04-08', source: LC('Windows XP Professional x64 Edition') }),
      fixed({ name: 'Windows Server 2003 / 2003 R2', family: 'Windows Server 2003', released: '2003-05-28', mainstreamEnd: '2010-07-13', end: '2015-07-14', source: LC('Windows Server 2003') }),
    ],
  },
  {
    version: '6.0',
    build: 6001,
    editions: [
      fixed({ name: 'Windows Vista SP1', family: 'Windows Vista', released: '2008-02-04', mainstreamEnd: '2011-07-12', end: '2011-07-12', source: LC('Windows Vista') }),
      fixed({ name: 'Windows Server 2008 (RTM)', family: 'Windows Server 2008', released: '2008-05-06', mainstreamEnd: '2011-07-12', end: '2011-07-12', source: LC('Windows Server 2008') }),
    ],
  },
  {
    version: '6.0',
    build: 6002,
    editions: [
      fixed({ name: 'Windows Vista SP2', family: 'Windows Vista', released: '2009-04-29', mainstreamEnd: '2012-04-10', end: '2017-04-11', source: LC('Windows Vista') }),
      fixed({ name: 'Windows Server 2008 SP2', family: 'Windows Server 2008', released: '2009-04-29', mainstreamEnd: '2015-01-13', end: '2020-01-14', esu: ESU_2008, source: LC('Windows Server 2008') }),
    ],
  },
  // Windows Server 2008 SP2 reports 6003 after the 2019 servicing-stack change.
  { version: '6.0', build: 6003, editions: [fixed({ name: 'Windows Server 2008 SP2', family: 'Windows Server 2008', released: '2009-04-29', mainstreamEnd: '2015-01-13', end: '2020-01-14', esu: ESU_2008, source: LC('Windows Server 2008') })] },
  {
    version: '6.1',
    build: 7600,
    editions: [
      fixed({ name: 'Windows 7 (RTM, no service pack)', family: 'Windows 7', released: '2009-10-22', mainstreamEnd: '2013-04-09', end: '2013-04-09', source: LC('Windows 7') }),
      fixed({ name: 'Windows Server 2008 R2 (RTM, no service pack)', family: 'Windows Server 2008 R2', released: '2009-10-22', mainstreamEnd: '2013-04-09', end: '2013-04-09', source: LC('Windows Server 2008 R2') }),
    ],
  },
  {
    version: '6.1',
    build: 7601,
    editions: [
      fixed({ name: 'Windows 7 SP1', family: 'Windows 7', released: '2011-02-22', mainstreamEnd: '2015-01-13', end: '2020-01-14', esu: ESU_WIN7, source: LC('Windows 7') }),
      fixed({ name: 'Windows Server 2008 R2 SP1', family: 'Windows Server 2008 R2', released: '2011-02-22', mainstreamEnd: '2015-01-13', end: '2020-01-14', esu: ESU_2008, source: LC('Windows Server 2008 R2') }),
    ],
  },
  {
    version: '6.2',
    build: 9200,
    editions: [
      fixed({ name: 'Windows 8', family: 'Windows 8', released: '2012-10-30', mainstreamEnd: '2016-01-12', end: '2016-01-12', source: LC('Windows 8') }),
      fixed({ name: 'Windows Server 2012', family: 'Windows Server 2012', released: '2012-10-30', mainstreamEnd: '2018-10-09', end: '2023-10-10', esu: ESU_2012, source: LC('Windows Server 2012') }),
    ],
  },
  {
    version: '6.3',
    build: 9600,
    editions: [
      fixed({ name: 'Windows 8.1', family: 'Windows 8.1', released: '2013-11-13', mainstreamEnd: '2018-01-09', end: '2023-01-10', source: LC('Windows 8.1') }),
      fixed({ name: 'Windows Server 2012 R2', family: 'Windows Server 2012 R2', released: '2013-11-25', mainstreamEnd: '2018-10-09', end: '2023-10-10', esu: ESU_2012, source: LC('Windows Server 2012 R2') }),
    ],
  },
  // ---------------------------------------------------------------- Windows 10 and its servers
  {
    version: '10.0',
    build: 10240,
    editions: [
      ...clientPair('Windows 10', '1507', '2015-07-29', '2017-05-09', '2017-05-09'),
      fixed({ name: 'Windows 10 Enterprise 2015 LTSB', family: 'Windows 10 Enterprise 2015 LTSB', released: '2015-07-29', mainstreamEnd: '2020-10-13', end: '2025-10-14', source: `${RI10}; ${LC('Windows 10 Enterprise 2015 LTSB')}` }),
    ],
  },
  { version: '10.0', build: 10586, editions: clientPair('Windows 10', '1511', '2015-11-10', '2017-10-10', '2017-10-10') },
  {
    version: '10.0',
    build: 14393,
    editions: [
      ...clientPair('Windows 10', '1607', '2016-08-02', '2018-04-10', '2019-04-09'),
      fixed({ name: 'Windows 10 Enterprise 2016 LTSB', family: 'Windows 10 Enterprise 2016 LTSB', released: '2016-08-02', mainstreamEnd: '2021-10-12', end: '2026-10-13', source: `${RI10}; ${LC('Windows 10 Enterprise 2016 LTSB')}` }),
      fixed({ name: 'Windows Server 2016', family: 'Windows Server 2016', released: '2016-10-15', mainstreamEnd: '2022-01-11', end: '2027-01-12', source: `${RIS}; ${LC('Windows Server 2016')}` }),
    ],
  },
  { version: '10.0', build: 15063, editions: clientPair('Windows 10', '1703', '2017-04-11', '2018-10-09', '2019-10-08') },
  { version: '10.0', build: 16299, editions: [...clientPair('Windows 10', '1709', '2017-10-17', '2019-04-09', '2020-10-13'), serverChannel('1709', '2017-10-17', '2019-04-09')] },
  { version: '10.0', build: 17134, editions: [...clientPair('Windows 10', '1803', '2018-04-30', '2019-11-12', '2021-05-11'), serverChannel('1803', '2018-04-30', '2019-11-12')] },
  {
    version: '10.0',
    build: 17763,
    editions: [
      ...clientPair('Windows 10', '1809', '2018-11-13', '2020-11-10', '2021-05-11'),
      fixed({ name: 'Windows 10 Enterprise LTSC 2019', family: 'Windows 10 Enterprise LTSC 2019', released: '2018-11-13', mainstreamEnd: '2024-01-09', end: '2029-01-09', source: `${RI10}; ${LC('Windows 10 Enterprise LTSC 2019')}` }),
      fixed({ name: 'Windows Server 2019', family: 'Windows Server 2019', released: '2018-11-13', mainstreamEnd: '2024-01-09', end: '2029-01-09', source: `${RIS}; ${LC('Windows Server 2019')}` }),
      serverChannel('1809', '2018-11-13', '2020-11-10'),
    ],
  },
  { version: '10.0', build: 18362, editions: [...clientPair('Windows 10', '1903', '2019-05-21', '2020-12-08', '2020-12-08'), serverChannel('1903', '2019-05-21', '2020-12-08')] },
  { version: '10.0', build: 18363, editions: [...clientPair('Windows 10', '1909', '2019-11-12', '2021-05-11', '2022-05-10'), serverChannel('1909', '2019-11-12', '2021-05-11')] },
  { version: '10.0', build: 19041, editions: [...clientPair('Windows 10', '2004', '2020-05-27', '2021-12-14', '2021-12-14'), serverChannel('2004', '2020-05-27', '2021-12-14')] },
  // Windows Server 20H2 was first announced to end 2022-05-10, then serviced until 2022-08-09.
  { version: '10.0', build: 19042, editions: [...clientPair('Windows 10', '20H2', '2020-10-20', '2022-05-10', '2023-05-09'), serverChannel('20H2', '2020-10-20', '2022-08-09')] },
  { version: '10.0', build: 19043, editions: clientPair('Windows 10', '21H1', '2021-05-18', '2022-12-13', '2022-12-13') },
  {
    version: '10.0',
    build: 19044,
    editions: [
      ...clientPair('Windows 10', '21H2', '2021-11-16', '2023-06-13', '2024-06-11'),
      modern({ name: 'Windows 10 Enterprise LTSC 2021', family: 'Windows 10 Enterprise LTSC 2021', released: '2021-11-16', end: '2027-01-12', source: `${RI10}; ${LC('Windows 10 Enterprise LTSC 2021')}` }),
      modern({ name: 'Windows 10 IoT Enterprise LTSC 2021', family: 'Windows 10 IoT Enterprise LTSC 2021', released: '2021-11-16', end: '2032-01-13', source: `${RI10}; ${LC('Windows 10 IoT Enterprise LTSC 2021')}` }),
    ],
  },
  { version: '10.0', build: 19045, editions: clientPair('Windows 10', '22H2', '2022-10-18', '2025-10-14', '2025-10-14', ESU_WIN10) },
  {
    version: '10.0',
    build: 20348,
    editions: [fixed({ name: 'Windows Server 2022', family: 'Windows Server 2022', released: '2021-08-18', mainstreamEnd: '2026-10-13', end: '2031-10-14', source: `${RIS}; ${LC('Windows Server 2022')}` })],
  },
  // ---------------------------------------------------------------- Windows 11 and its servers
  { version: '10.0', build: 22000, editions: clientPair('Windows 11', '21H2', '2021-10-04', '2023-10-10', '2024-10-08') },
  { version: '10.0', build: 22621, editions: clientPair('Windows 11', '22H2', '2022-09-20', '2024-10-08', '2025-10-14') },
  { version: '10.0', build: 22631, editions: clientPair('Windows 11', '23H2', '2023-10-31', '2025-11-11', '2026-11-10') },
  // Annual Channel: 24 months of servicing from 2023-10-24.
  { version: '10.0', build: 25398, editions: [serverChannel('23H2', '2023-10-24', '2025-10-24')] },
  {
    version: '10.0',
    build: 26100,
    editions: [
      ...clientPair('Windows 11', '24H2', '2024-10-01', '2026-10-13', '2027-10-12'),
      modern({ name: 'Windows 11 Enterprise LTSC 2024', family: 'Windows 11 Enterprise LTSC 2024', released: '2024-10-01', end: '2029-10-09', source: `${RI11}; ${LC('Windows 11 Enterprise LTSC 2024')}` }),
      modern({ name: 'Windows 11 IoT Enterprise LTSC 2024', family: 'Windows 11 IoT Enterprise LTSC 2024', released: '2024-10-01', end: '2034-10-10', source: `${RI11}; ${LC('Windows 11 IoT Enterprise LTSC 2024')}` }),
      fixed({ name: 'Windows Server 2025', family: 'Windows Server 2025', released: '2024-11-01', mainstreamEnd: '2029-11-13', end: '2034-11-14', source: `${RIS}; ${LC('Windows Server 2025')}` }),
    ],
  },
  { version: '10.0', build: 26200, editions: clientPair('Windows 11', '25H2', '2025-09-30', '2027-10-12', '2028-10-10') },
  { version: '10.0', build: 26300, editions: clientPair('Windows 11', '26H2', '2026-09-29', '2028-10-10', '2029-10-09') },
  // 26H1 ships only on new devices with new processors (not an update of 24H2/25H2).
  { version: '10.0', build: 28000, editions: clientPair('Windows 11', '26H1', '2026-02-10', '2028-03-14', '2029-03-13') },
];

/**
 * Builds delivered as enablement packages on a base build: a server whose NTLM VERSION says the base build
 * may run any of them. The later releases keep their own table rows (for servers that do report them).
 */
export const REPORTED_AS_BASE_BUILD: Readonly<Record<number, readonly number[]>> = {
  18362: [18363],
  19041: [19042, 19043, 19044, 19045],
  22621: [22631],
  26100: [26200, 26300],
};

// ---------------------------------------------------------------------------------------------- judgement

export type SupportPhase =
  /** Fixed Lifecycle before mainstream end, or Modern Lifecycle before end of servicing. */
  | 'supported'
  /** Fixed Lifecycle between mainstream and extended end: security updates only. */
  | 'extended'
  /** Past the end, inside a paid ESU window: security updates only for enrolled machines. */
  | 'esu'
  /** Past the end (and past any ESU). */
  | 'ended';

export interface EditionStatus {
  edition: Edition;
  build: number;
  phase: SupportPhase;
}

/** One family of editions (e.g. "Windows 10 Home and Pro") among the builds that may be running. */
export interface FamilyStatus {
  family: string;
  /** The family's member that is supported longest: it decides whether the family is still supported. */
  latest: EditionStatus;
  /** Every member the reported build may stand for, oldest first. */
  members: EditionStatus[];
}

export type WindowsVerdict =
  | { kind: 'unparsed'; version: string }
  | { kind: 'unknown_build'; version: string; build: number; newerThanTable: boolean; asOf: string }
  | {
      kind: 'judged';
      version: string;
      build: number;
      /** The builds the reported build may stand for (itself, plus enablement-package releases on it). */
      builds: number[];
      at: string;
      asOf: string;
      families: FamilyStatus[];
      /** none: every family still gets security updates; some: families differ; all: none does (outside ESU). */
      outOfSupport: 'none' | 'some' | 'all';
    };

/** YYYY-MM-DD of a Date, in UTC. */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Where an edition stands on `day` (YYYY-MM-DD): an end date is the last day of that phase. */
export function phaseOn(edition: Edition, day: string): SupportPhase {
  if (edition.mainstreamEnd !== null && day <= edition.mainstreamEnd) return 'supported';
  if (day <= edition.end) return edition.policy === 'fixed' ? 'extended' : 'supported';
  if (edition.esu !== null && day <= edition.esu.end) return 'esu';
  return 'ended';
}

const PHASE_RANK: Record<SupportPhase, number> = { supported: 3, extended: 2, esu: 1, ended: 0 };

function lastDay(e: Edition): string {
  return e.esu?.end ?? e.end;
}

/** Is this phase "out of support" (past the end of servicing or of extended support)? */
export function isOutOfSupport(phase: SupportPhase): boolean {
  return phase === 'esu' || phase === 'ended';
}

/**
 * Judge an NTLM VERSION ("major.minor.build") on `at` against the table: every edition the build may stand for,
 * grouped by family; a family is out of support only when every member the build may stand for is.
 */
export function judgeWindowsVersion(version: string, at: Date): WindowsVerdict {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version.trim());
  if (!m) return { kind: 'unparsed', version };
  const [major, minor, build] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const majorMinor = `${major}.${minor}`;
  const day = isoDay(at);
  const exact = WINDOWS_BUILDS.find((b) => b.build === build && b.version === majorMinor);
  if (!exact) {
    // Newer than the table: a build above the newest one listed for 10.0, or a version above 10.0.
    const newest = WINDOWS_BUILDS.reduce((max, b) => Math.max(max, b.build), 0);
    const newerThanTable = major > 10 || (major === 10 && (minor > 0 || build > newest));
    return { kind: 'unknown_build', version, build, newerThanTable, asOf: WINDOWS_RELEASES_AS_OF };
  }
  const builds = [build, ...(REPORTED_AS_BASE_BUILD[build] ?? [])];
  const statuses: EditionStatus[] = WINDOWS_BUILDS.filter((b) => b.version === majorMinor && builds.includes(b.build)).flatMap((b) =>
    b.editions.map((edition) => ({ edition, build: b.build, phase: phaseOn(edition, day) })),
  );
  const byFamily = new Map<string, EditionStatus[]>();
  for (const s of statuses) byFamily.set(s.edition.family, [...(byFamily.get(s.edition.family) ?? []), s]);
  const families: FamilyStatus[] = [...byFamily].map(([family, members]) => {
    const latest = members.reduce((best, s) =>
      PHASE_RANK[s.phase] > PHASE_RANK[best.phase] || (PHASE_RANK[s.phase] === PHASE_RANK[best.phase] && lastDay(s.edition) > lastDay(best.edition)) ? s : best,
    );
    return { family, latest, members };
  });
  const out = families.filter((f) => isOutOfSupport(f.latest.phase)).length;
  const outOfSupport = out === 0 ? 'none' : out === families.length ? 'all' : 'some';
  return { kind: 'judged', version, build, builds, at: day, asOf: WINDOWS_RELEASES_AS_OF, families, outOfSupport };
}

/** "Windows 10 Home and Pro, version 1809", or "Windows 10 Home and Pro, versions 2004, 20H2, 21H1, 21H2, 22H2"
 * when the reported build may stand for several releases of the family. */
export function familyLabel(f: FamilyStatus): string {
  if (f.members.length === 1) return f.latest.edition.name;
  const versions = f.members.map((m) => /version (\S+)$/.exec(m.edition.name)?.[1]).filter((v): v is string => v !== undefined);
  return versions.length === f.members.length ? `${f.family}, versions ${versions.join(', ')}` : f.members.map((m) => m.edition.name).join(' / ');
}

/** Where a family stands, decided by its longest-supported member: "Windows 7 SP1: out of extended support since
 * 2020-01-14 (paid ESU also ended 2023-01-10)" and the like, for evidence and causes. */
export function describeFamily(f: FamilyStatus): string {
  const label = familyLabel(f);
  const e = f.latest.edition;
  const latest = f.members.length > 1 ? ` (${e.name.replace(/^.*version /, 'version ')} decides)` : '';
  switch (f.latest.phase) {
    case 'supported':
      return e.policy === 'fixed' ? `${label}: mainstream support until ${e.mainstreamEnd}, extended support until ${e.end}` : `${label}: serviced until ${e.end}${latest}`;
    case 'extended':
      return `${label}: out of mainstream support since ${e.mainstreamEnd}; extended support (security updates) until ${e.end}`;
    case 'esu':
      return `${label}: ${endedWords(e)}${latest}; paid Extended Security Updates until ${e.esu!.end} for enrolled machines (${e.esu!.note})`;
    case 'ended':
      return `${label}: ${endedWords(e)}${latest}${e.esu ? `; its paid ESU ended ${e.esu.end}` : ''}`;
  }
}

function endedWords(e: Edition): string {
  return e.policy === 'fixed' ? `out of extended support since ${e.end}` : `out of support, servicing ended ${e.end}`;
}

/** What to say about a build the table does not know (it never fires as unsupported). */
export function describeUnknownBuild(v: Extract<WindowsVerdict, { kind: 'unknown_build' }>): string {
  const why = v.newerThanTable ? 'newer than the table, or an Insider build' : 'an Insider, pre-release or unlisted build';
  return `build ${v.build} (${v.version}) is not in the Windows release table as of ${v.asOf}: ${why}; its support status is not judged`;
}

/** Short names of what a build stands for, e.g. "Windows 7 SP1 / Windows Server 2008 R2 SP1". */
export function releaseNames(version: string): string | null {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version.trim());
  if (!m) return null;
  const row = WINDOWS_BUILDS.find((b) => b.build === Number(m[3]) && b.version === `${Number(m[1])}.${Number(m[2])}`);
  return row ? [...new Set(row.editions.map((e) => e.name.replace(/ (Home and Pro|Enterprise and Education),/, ',')))].join(' / ') : null;
}
