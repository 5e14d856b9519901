/**
 * `rdprobe policy --from HOST` (probe the reference host with every default check, the TLS deep mode and every client simulated) or
 * `--from scan.ndjson --host ADDR` (take its record from a saved scan): write the policy it satisfies
 * (src/policy/from-record.ts). A reference that is not an RDP server, or cannot be found, is an input error.
 */
import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { ScanOptions } from '../checks/index.js';
import { ALL_CLIENTS } from '../checks/client-plans.js';
import { loadScan, ScanFileError } from '../diff/index.js';
import { policyFromRecord } from '../policy/from-record.js';
import type { MeasuredRecord, ProbeRecord } from '../record.js';
import { runScan } from '../scan/runner.js';
import { expandTargetsSync, isTargetError } from '../targets/index.js';
import { hostPortKey } from '../targets/key.js';
import { sameFile } from './output-specs.js';
import { tcpDialer } from '../transport/dialer.js';
import { resolveHost } from '../transport/resolve.js';
import { CliError, EXIT } from './exit-codes.js';
import type { Io } from './scan.js';

export interface PolicyFromArgs {
  from: string;
  /** With a scan file: which record (host, address or target, optionally :port). */
  host: string | undefined;
  ports: number[];
  output: string | undefined;
  probe: ScanOptions;
}

/** Is `from` a saved scan rather than a target? A path to an existing file is. */
function isScanFile(from: string): boolean {
  try {
    return existsSync(from) && statSync(from).isFile();
  } catch {
    return false;
  }
}

function pickRecord(records: ProbeRecord[], source: string, host: string | undefined): ProbeRecord {
  if (host === undefined) {
    if (records.length === 1) return records[0]!;
    throw new CliError(`--from ${source}: the file has ${records.length} records; name the reference host with --host`);
  }
  const wanted = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  const matches = records.filter((r) => {
    const names = [r.host, r.address, r.target].filter((x): x is string => typeof x === 'string').map((x) => x.toLowerCase());
    return names.some((n) => n === wanted || hostPortKey(n, r.port) === host.trim().toLowerCase());
  });
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new CliError(`--host ${host}: no record of ${source} has that host, address or target`);
  throw new CliError(`--host ${host}: ${matches.length} records of ${source} match (several ports?); give host:port`);
}

async function probeReference(a: PolicyFromArgs): Promise<ProbeRecord> {
  let targets;
  try {
    targets = [...take(expandTargetsSync([a.from], { ports: a.ports }), 2)];
  } catch (e) {
    throw isTargetError(e) ? new CliError(`--from: ${(e as Error).message}`) : e;
  }
  if (targets.length !== 1) throw new CliError(`--from ${a.from}: the reference must be one host, not a range`);
  // The runner probes it, as it does every scan's hosts (concurrency, sockets and UDP live there).
  let measured: MeasuredRecord | null = null;
  await runScan(targets, {
    concurrency: 1,
    rate: null,
    // Every default check, every client, and the TLS deep mode: the reference's suites become allow_suites.
    probe: { ...a.probe, clients: [ALL_CLIENTS], checks: { ...a.probe.checks, 'tls-suites': true } },
    dialer: tcpDialer,
    resolve: resolveHost,
    onRecord: async (r) => void (measured = r),
  });
  if (measured === null) throw new CliError(`--from ${a.from}: the name resolved to no address that could be probed`);
  return { ...(measured as MeasuredRecord), findings: [], scan: null };
}

function* take<T>(it: Iterable<T>, n: number): Generator<T> {
  if (n <= 0) return;
  let i = 0;
  for (const x of it) {
    yield x;
    if (++i >= n) return;
  }
}

export async function runPolicyFrom(a: PolicyFromArgs, io: Io): Promise<number> {
  const fromFile = isScanFile(a.from);
  if (!fromFile && a.host !== undefined) throw new CliError(`--host picks a record of a scan file, and ${a.from} is not a file`);
  if (fromFile && a.output !== undefined && sameFile(a.output, a.from)) throw new CliError(`-o ${a.output} would overwrite the --from file`);
  let record: ProbeRecord;
  if (fromFile) {
    try {
      record = pickRecord(await loadScan(a.from), a.from, a.host);
    } catch (e) {
      throw e instanceof ScanFileError ? new CliError(e.message) : e;
    }
  } else record = await probeReference(a);
  const key = hostPortKey(record.host, record.port);
  if (record.status !== 'ok') {
    const f = record.failure ? ` (${record.failure.stage}: ${record.failure.reason}${record.failure.detail ? `, ${record.failure.detail}` : ''})` : '';
    throw new CliError(`the reference host ${key} is ${record.status}${f}: no policy can be taken from it`);
  }
  const text = policyFromRecord(record);
  if (a.output === undefined || a.output === '-') io.stdout.write(text);
  else {
    try {
      await writeFile(a.output, text);
    } catch (e) {
      throw new CliError(`-o ${a.output}: ${(e as Error).message}`, EXIT.RUNTIME);
    }
    io.stderr.write(`rdprobe: wrote the policy of ${key} to ${a.output}\n`);
  }
  return EXIT.OK;
}
