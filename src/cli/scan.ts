import { createWriteStream, type WriteStream } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { diagnose, type DiagnoseOptions } from '../diagnosis/index.js';
import { createSink, SummaryCounter, type OutputFormat } from '../output/index.js';
import { evaluatePolicy, gatePredicate, loadPolicy, mergePolicies, PolicyError, policyFromFlags, type Policy, type PolicyRules } from '../policy/index.js';
import type { ProbeOptions } from '../probes/host.js';
import type { ProbeRecord, Severity } from '../record.js';
import { FleetIndex } from '../scan/fleet.js';
import { runScan } from '../scan/runner.js';
import { countTargets, expandTargets, isTargetError, readTargetLines, readTargetsFile, type Shard } from '../targets/index.js';
import { tcpDialer } from '../transport/dialer.js';
import { resolveHost } from '../transport/resolve.js';
import { VERSION } from '../version.js';
import { CliError, EXIT } from './exit-codes.js';
import { Progress } from './progress.js';
import { doneKey, readDoneKeys, trimPartialLine } from './resume.js';

export interface ScanArgs {
  targets: string[];
  targetsFiles: string[];
  ports: number[];
  exclude: string[];
  allowHuge: boolean;
  shard: Shard | undefined;
  format: OutputFormat | undefined;
  output: string | undefined;
  probe: ProbeOptions;
  concurrency: number;
  rate: number | null;
  certExpiryDays: number;
  failOn: Severity | 'none' | undefined;
  policyFile: string | undefined;
  policyFlags: Partial<PolicyRules>;
  baseline: string | undefined;
  resume: string | undefined;
  progress: boolean;
  quiet: boolean;
  color: boolean | undefined;
  argv: string[];
}

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
}

/** Format from the output file's extension, so `-o report.xml` does what a CI author expects. */
export function formatFor(output: string | undefined, stdoutIsTty: boolean): OutputFormat {
  if (output) {
    const ext = output.toLowerCase().split('.').pop() ?? '';
    const byExt: Record<string, OutputFormat> = { json: 'json', ndjson: 'ndjson', jsonl: 'ndjson', csv: 'csv', xml: 'junit', sarif: 'sarif', txt: 'table' };
    return byExt[ext] ?? 'ndjson';
  }
  return stdoutIsTty ? 'table' : 'ndjson';
}

export async function runScanCommand(args: ScanArgs, io: Io): Promise<number> {
  // `-o -` is standard output, as usual for command-line tools.
  const a: ScanArgs = args.output === '-' ? { ...args, output: undefined } : args;
  // Everything that can be wrong with the input is found before the first packet is sent (exit 2).
  const specs = [...a.targets.filter((t) => t !== '-')];
  try {
    for (const f of a.targetsFiles) for await (const line of readTargetsFile(f, { allowHuge: a.allowHuge })) specs.push(line);
    if (a.targets.includes('-')) for await (const line of readTargetLines(io.stdin, { source: 'stdin' })) specs.push(line);
  } catch (e) {
    throw isTargetError(e) ? new CliError(e.message) : e;
  }
  if (specs.length === 0) throw new CliError('no targets: give hosts, addresses, ranges or CIDR blocks, --targets-file FILE, or - for stdin');
  const expandOpts = { ports: a.ports, exclude: a.exclude, shard: a.shard, allowHuge: a.allowHuge };
  let total: number | null;
  try {
    const n = countTargets(specs, expandOpts);
    total = n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : null;
  } catch (e) {
    throw isTargetError(e) ? new CliError(e.message) : e;
  }

  let policy: Policy | null = null;
  try {
    const file = a.policyFile ? await loadPolicy(a.policyFile) : null;
    const hasFlags = Object.keys(a.policyFlags).length > 0;
    policy = file || hasFlags ? mergePolicies(file, hasFlags ? policyFromFlags(a.policyFlags) : null) : null;
  } catch (e) {
    throw e instanceof PolicyError ? new CliError(e.message) : e;
  }
  let baseline: ProbeRecord[] | null = null;
  const diffModule = a.baseline ? await import('../diff/index.js') : null;
  if (a.baseline && diffModule) {
    const { loadScan, ScanFileError } = diffModule;
    try {
      baseline = await loadScan(a.baseline);
    } catch (e) {
      throw e instanceof ScanFileError ? new CliError(`--baseline: ${e.message}`) : e;
    }
  }
  const done = a.resume ? await readDoneKeys(a.resume) : null;

  const format = a.format ?? formatFor(a.output, Boolean(io.stdout.isTTY));
  const sameFileResume = a.resume && a.output && resolvePath(a.resume) === resolvePath(a.output);
  if (a.resume && format !== 'ndjson' && sameFileResume) throw new CliError('--resume appends to its file: use --format ndjson for it');
  let out: NodeJS.WritableStream = io.stdout;
  let file: WriteStream | null = null;
  if (a.output) {
    if (sameFileResume) await trimPartialLine(a.output);
    file = createWriteStream(a.output, { flags: sameFileResume ? 'a' : 'w' });
    await new Promise<void>((res, rej) => {
      file!.once('open', () => res());
      file!.once('error', (e) => rej(new CliError(`cannot write ${a.output}: ${e.message}`, EXIT.USAGE)));
    });
    out = file;
  }
  // A failed write (disk full, EPIPE from `| head`) must end the scan cleanly, not crash it: the awaited sink
  // write rejects and runScan stops pulling targets.
  out.on('error', () => {});

  const failOn: Severity | 'none' = a.failOn ?? 'none';
  // Reports (junit, sarif, github) mark as failures exactly what fails this run's gate; without a gate they
  // fall back to their documented default (high and above).
  const hasGate = policy !== null || a.failOn !== undefined;
  const failsGate = gatePredicate(failOn, { policy: policy !== null });
  const sink = createSink(format, out, { color: a.color, failOn: failOn === 'none' ? undefined : failOn, failing: hasGate ? failsGate : undefined });
  const counter = new SummaryCounter();
  const diagOpts: DiagnoseOptions = { certExpiryDays: a.certExpiryDays };
  const fleet = new FleetIndex(diagOpts);
  const showProgress = a.progress && !a.quiet && Boolean(io.stderr.isTTY);
  const progress = new Progress(io.stderr, total, showProgress);
  const toTerminal = out === io.stdout && Boolean(io.stdout.isTTY);
  const kept: ProbeRecord[] | null = baseline ? [] : null;
  let gate = 0;

  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT.INTERRUPTED);
    controller.abort();
    progress.clear();
    if (!a.quiet) io.stderr.write('rdprobe: interrupted; finishing the hosts in flight (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSigint);

  const startedAt = new Date();
  await sink.begin({ version: VERSION, started_at: startedAt.toISOString(), argv: a.argv, targets_total: total });
  let result;
  try {
    result = await runScan(expandTargets(specs, expandOpts), {
      concurrency: a.concurrency,
      rate: a.rate,
      probe: a.probe,
      dialer: tcpDialer,
      resolve: resolveHost,
      signal: controller.signal,
      skip: done ? (t) => done.has(doneKey(t.host, t.port)) : undefined,
      onRecord: async (r) => {
        try {
          r.findings = [...diagnose(r, diagOpts), ...fleet.add(r), ...(policy ? evaluatePolicy(r, policy) : [])];
        } catch (e) {
          throw new CliError(`internal error while diagnosing ${r.target}: ${(e as Error).message}`, EXIT.RUNTIME);
        }
        if (r.findings.some(failsGate)) gate = EXIT.GATE_FAILED;
        counter.add(r);
        progress.add(r.status);
        if (toTerminal) progress.clear();
        await sink.record(r);
        kept?.push(r);
      },
    });
  } catch (e) {
    // The runner stops on the first failed write (disk full, closed pipe); records written so far are whole.
    throw e instanceof CliError ? e : writeFailed(e, a.output);
  } finally {
    process.off('SIGINT', onSigint);
    progress.stop();
  }
  const summary = { ...counter.result(), interrupted: result.interrupted };
  try {
    await sink.end(summary);
    if (file) await new Promise<void>((res, rej) => file!.end((err?: Error | null) => (err ? rej(err) : res())));
  } catch (e) {
    throw writeFailed(e, a.output);
  }

  if (baseline && kept && diffModule) {
    const { diffScans, diffExitCode, formatDiffTable } = diffModule;
    const diff = diffScans(baseline, kept, { expiringDays: a.certExpiryDays });
    io.stderr.write(`\nChanges against the baseline ${a.baseline}:\n${formatDiffTable(diff)}\n`);
    if (diffExitCode(diff, 'regression') !== 0) gate = EXIT.GATE_FAILED;
  }
  if (!a.quiet && result.skipped > 0) io.stderr.write(`rdprobe: ${result.skipped} target(s) skipped (already in ${a.resume})\n`);
  if (result.interrupted) return EXIT.INTERRUPTED;
  return gate;
}

function writeFailed(e: unknown, output: string | undefined): CliError {
  const err = e as NodeJS.ErrnoException;
  return new CliError(`cannot write the output${output ? ` to ${output}` : ''}: ${err.code ?? err.message}`, EXIT.RUNTIME);
}
