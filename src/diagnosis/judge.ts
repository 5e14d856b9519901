/**
 * The verdict on a scan, in one place: every record (probed now, or read back from a file being resumed) gets its
 * host findings, its policy findings and its fleet findings here, and the gate (--fail-on, --policy) is decided
 * here. The CLI wires records through a Judge; it does not judge.
 */
import { evaluatePolicy, isPolicyFinding, type Policy } from '../policy/index.js';
import { severityRank, type Finding, type ProbeRecord, type Severity } from '../record.js';
import { hostPortKey } from '../targets/key.js';
import { explainInline, sortFindings } from './findings.js';
import { FLEET_FINDING_IDS, FleetIndex } from './fleet.js';
import { diagnose } from './index.js';
import type { DiagnoseOptions } from './types.js';

export interface JudgeOptions {
  diagnose: DiagnoseOptions;
  policy: Policy | null;
  /**
   * The records were judged with a policy this run does not have (`rdprobe merge` without --policy, of shards scanned
   * with one): their policy findings are kept as they are, and gate as a policy's would. Ignored when `policy` is set.
   */
  carriedPolicy?: boolean;
  /** --fail-on; undefined when not given. */
  failOn: Severity | 'none' | undefined;
  /** --explain-inline: findings carry the catalog's text. */
  explainInline: boolean;
}

/**
 * The gate as a predicate on one finding: at or above `failOn`; any policy finding when a policy is given (so
 * `--policy` alone fails exactly when a host violates it or could not be checked against it); and, under any gate,
 * `probe_incomplete` (what rdprobe could not measure never passes a gate).
 */
export function gatePredicate(failOn: Severity | 'none', opts: { policy?: boolean } = {}): (f: Finding) => boolean {
  const threshold = failOn === 'none' ? Infinity : severityRank(failOn);
  const anyGate = failOn !== 'none' || opts.policy === true;
  return (f) => severityRank(f.severity) >= threshold || (opts.policy === true && isPolicyFinding(f)) || (anyGate && f.id === 'probe_incomplete');
}

/** Exit code of a set of judged records under a gate: 1 when any finding fails it. */
export function gateExitCode(records: Iterable<ProbeRecord>, failOn: Severity | 'none', opts: { policy?: boolean } = {}): 0 | 1 {
  const fails = gatePredicate(failOn, opts);
  for (const r of records) if (r.findings.some(fails)) return 1;
  return 0;
}

export class Judge {
  private readonly fleet = new FleetIndex();
  private readonly failing = new Set<string>();
  private fleetFinal: Map<string, Finding[]> | null = null;
  /** Whether there is a gate at all (--fail-on or a policy); reports mark failures by `failsGate` only then. */
  readonly hasGate: boolean;
  readonly failsGate: (f: Finding) => boolean;

  constructor(private readonly o: JudgeOptions) {
    const policy = o.policy !== null || o.carriedPolicy === true;
    this.hasGate = policy || (o.failOn !== undefined && o.failOn !== 'none');
    this.failsGate = gatePredicate(o.failOn ?? 'none', { policy });
  }

  /**
   * The record with its host and policy findings (whatever it carried before is replaced: a resumed record is
   * judged again, by this run's rules), and the fleet findings it gets against the records judged before it (what
   * a line streamed now can carry). Every record of the scan passes through here once.
   */
  judge(r: ProbeRecord): ProbeRecord {
    const own = diagnose(r, this.o.diagnose);
    if (this.o.policy) own.push(...evaluatePolicy(r, this.o.policy));
    else if (this.o.carriedPolicy) own.push(...r.findings.filter(isPolicyFinding).map(({ explain: _text, ...f }) => f));
    const streamed = this.fleet.add(r);
    this.note(r, own);
    // In place: the record is ours (just probed, or just read back from a file), and a /16 judges 65536 of them.
    r.findings = streamed.length > 0 ? sortFindings([...own, ...streamed]) : sortFindings(own);
    return this.finish(r);
  }

  /**
   * Once every record is judged: the fleet findings of every member of every duplicate group. After this,
   * `complete(r)` gives a record its final findings and `gateFailed` covers them.
   */
  close(): void {
    this.fleetFinal = this.fleet.final();
    for (const [key, findings] of this.fleetFinal) if (findings.some(this.failsGate)) this.failing.add(key);
  }

  /** A judged record with its final fleet findings (every member of a group, not only the later ones). */
  complete(r: ProbeRecord): ProbeRecord {
    if (!this.fleetFinal) throw new Error('Judge.complete before close');
    const fleet = this.fleetFinal.get(hostPortKey(r.host, r.port));
    if (!fleet && !r.findings.some((f) => FLEET_FINDING_IDS.includes(f.id))) return r;
    r.findings = sortFindings([...r.findings.filter((f) => !FLEET_FINDING_IDS.includes(f.id)), ...(fleet ?? [])]);
    return this.finish(r);
  }

  /** The gate failed on some record (the fleet findings of every member count once `close` ran). */
  get gateFailed(): boolean {
    return this.failing.size > 0;
  }

  /** hostPortKey of every host that fails the gate. */
  get failingHosts(): ReadonlySet<string> {
    return this.failing;
  }

  private note(r: ProbeRecord, findings: Finding[]): void {
    if (findings.some(this.failsGate)) this.failing.add(hostPortKey(r.host, r.port));
  }

  private finish(r: ProbeRecord): ProbeRecord {
    if (this.o.explainInline) r.findings = r.findings.map((f) => explainInline(f, r));
    return r;
  }
}
