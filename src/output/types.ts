/**
 * The contract between the scan runner and the output formats. A sink sees the scan as a stream:
 * `begin` once, `record` once per host as soon as it is finished, `end` once (also after an interrupt).
 * Sinks never keep the whole scan in memory unless the format forces them to (SARIF buffers its results).
 */
import type { Finding, ProbeRecord, ProtocolKey, Severity, Status, TlsVersionKey } from '../record.js';

export interface ScanMeta {
  /** rdprobe's own version. */
  version: string;
  /** ISO 8601 time the scan started. */
  started_at: string;
  /** The command line, for the report header (json only). */
  argv?: string[];
  /** How many targets the scan expands to, when known up front. */
  targets_total?: number | null;
  /** What was asked for, for the reports people read (html); the other formats do not use it. */
  scope?: ScanScope;
  /** `rdprobe merge`: the shard files the report was merged from. */
  merged_from?: string[];
  /** What the report cannot vouch for (`rdprobe merge --partial`: a shard missing or repeated); every format says so. */
  warnings?: string[];
}

/** The scan as the user asked for it: targets, exclusions and the options that shape what was measured. */
export interface ScanScope {
  /** Targets as given on the command line, in files and on stdin. */
  targets: string[];
  targets_files: string[];
  exclude: string[];
  ports: number[];
  /** `K/N` for a sharded run. */
  shard: string | null;
  /** Every option that changes what is measured or judged, with its value in this run. */
  options: Record<string, string | number | boolean>;
  /** Checks switched off by their flags (--no-udp...): the flag and what the check measures. */
  checks_off: { flag: string; describe: string }[];
  /** The gate: --policy file, --fail-on, --baseline. */
  policy_file: string | null;
  fail_on: string | null;
  baseline: string | null;
}

export interface ScanSummary {
  hosts: number;
  by_status: Record<Status, number>;
  /** Hosts whose server selected the protocol (`supported === true`). */
  protocols: Record<ProtocolKey, number>;
  /** Hosts that accepted the TLS version (`versions[v] === true`). */
  tls_versions: Record<TlsVersionKey, number>;
  /** Findings (not hosts) per severity. */
  findings_by_severity: Record<Severity, number>;
  /** Findings (not hosts) per finding id. */
  findings_by_id: Record<string, number>;
  finished_at: string;
  /** The scan stopped before every target was probed (Ctrl-C, deadline). */
  interrupted: boolean;
}

export interface OutputSink {
  begin(meta: ScanMeta): void | Promise<void>;
  /** The runner awaits this before handing over the next record. */
  record(r: ProbeRecord): void | Promise<void>;
  end(summary: ScanSummary): void | Promise<void>;
}

export const OUTPUT_FORMATS = ['table', 'json', 'ndjson', 'csv', 'junit', 'sarif', 'github', 'html'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface SinkOptions {
  /** table: force colour on/off. Unset: colour when the stream is a TTY and NO_COLOR is unset or empty. */
  color?: boolean;
  /** junit, sarif, github: findings at or above this severity fail the gate. Default 'high'. */
  failOn?: Severity;
  /**
   * The gate itself, when the scan has one (--fail-on, --policy): which findings fail it. Overrides failOn, so the
   * report marks as failures exactly what makes the exit code 1 (a passing policy gate writes no <failure>).
   */
  failing?: (f: Finding) => boolean;
  /** csv: one row per host (default), or per host, version and accepted cipher suite (--csv-rows suites). */
  csvRows?: 'hosts' | 'suites';
  /** table: per-host blocks even for several hosts (--details); otherwise one line per host when there are several. */
  details?: boolean;
}
