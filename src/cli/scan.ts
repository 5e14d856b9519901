import { createHash } from '../../protocol/node-crypto.js';
import { policyNeedsDeepTls } from '../policy/needs.js';
/**
 * `rdprobe scan`: wires the input (targets, policy, resume file, baseline) to the runner, every record through the
 * Judge, and the judged records to the outputs. It does not judge and it does not format: it decides what goes
 * where and which exit code the run ends with.
 */
import { DEFAULT_CERT_EXPIRY_DAYS } from '../diagnosis/index.js';
import { Judge } from '../diagnosis/judge.js';
import { Outputs, OutputError, type OutputSpec } from '../output/outputs.js';
import { RecordSpool } from '../output/spool.js';
import type { OutputFormat, ScanMeta, ScanScope } from '../output/index.js';
import type { Policy } from '../policy/index.js';
import { checkSwitches, DEFAULT_SCAN_OPTIONS, type ScanOptions } from '../checks/index.js';
import type { ProbeRecord, ScanInfo, Severity } from '../record.js';
import { AuthGate, gateStopOf } from '../scan/auth-gate.js';
import { scanInfo } from '../scan/info.js';
import { openResume, ResumeError, trimPartialLine, type ResumeFile } from '../scan/resume.js';
import { runScan } from '../scan/runner.js';
import { addressExcluded, countTargets, expandTargetsSync, isTargetError, readTargetLines, readTargetsFile, targetScope, type Shard } from '../targets/index.js';
import { hostPortKey } from '../targets/key.js';
import { tcpDialer } from '../transport/dialer.js';
import { resolveHost } from '../transport/resolve.js';
import { VERSION } from '../version.js';
import { planAuth, withPassword, type AuthArgs } from './auth-args.js';
import { CliError, EXIT } from './exit-codes.js';
import { Progress } from './progress.js';
import { gatePolicy } from './gate-policy.js';
import { outputSpecs, sameFile } from './output-specs.js';

export interface ScanArgs {
  targets: string[];
  targetsFiles: string[];
  ports: number[];
  exclude: string[];
  allowHuge: boolean;
  shard: Shard | undefined;
  format: OutputFormat | undefined;
  /** -o values in order; `-` is standard output. Empty: standard output. */
  outputs: string[];
  probe: ScanOptions;
  /** --ca-file paths (their text is in probe.caCertificates). */
  caFiles: string[];
  /** The authentication test's options as given (turned into probe.auth once the input is valid). */
  auth: AuthArgs;
  concurrency: number;
  /** --connect-concurrency; undefined: the runner's default. */
  connectConcurrency: number | undefined;
  rate: number | null;
  certExpiryDays: number;
  failOn: Severity | 'none' | undefined;
  policyFile: string | undefined;
  /** --policy-preset: a named baseline under the file and the rule flags. */
  policyPreset: string | undefined;
  /** Rule flags as the JSON values a policy file would hold (validated like the file's keys). */
  policyFlags: Record<string, unknown>;
  baseline: string | undefined;
  resume: string | undefined;
  explainInline: boolean;
  /** csv rows: one per host, or one per host, version and suite. */
  csvRows: 'hosts' | 'suites';
  progress: boolean;
  quiet: boolean;
  color: boolean | undefined;
  /** table: per-host blocks even for several hosts. */
  details: boolean;
  argv: string[];
}

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  /** The environment (RDPROBE_PASSWORD); process.env by default. */
  env?: NodeJS.ProcessEnv;
}

/** The options that change what is measured or judged (record `scan.options` keeps those that differ from the defaults). */
function measuredOptions(p: ScanOptions, certExpiryDays: number, authStamp: Record<string, string | number | boolean> = {}): Record<string, string | number | boolean> {
  return {
    timeout_ms: p.timeoutMs,
    host_timeout_ms: p.hostTimeoutMs,
    cookie: p.cookie ?? '',
    // Every check switch, by its flag (tls-versions, udp, ...).
    ...p.checks,
    clients: (p.clients ?? []).join(','),
    cert_expiry_days: certExpiryDays,
    // The trust store changes the verdict on a chain: its content (not its file name) is what counts.
    ca_file: p.caCertificates.length === 0 ? '' : createHash('sha256').update(p.caCertificates.join('\n')).digest('hex').slice(0, 12),
    connection_spacing_ms: p.connectionSpacingMs,
    // The authentication test's account and rules (never the password).
    ...authStamp,
  };
}

/** What the html report says was asked for (ScanScope). */
function scanScope(a: ScanArgs, specs: string[]): ScanScope {
  const defaults = DEFAULT_SCAN_OPTIONS.checks;
  return {
    targets: specs,
    targets_files: a.targetsFiles,
    exclude: a.exclude,
    ports: a.ports,
    shard: a.shard ? `${a.shard.index}/${a.shard.count}` : null,
    options: { ...measuredOptions(a.probe, a.certExpiryDays), concurrency: a.concurrency, ...(a.rate !== null ? { rate: a.rate } : {}) },
    checks_off: checkSwitches()
      .filter((sw) => defaults[sw.flag] === true && a.probe.checks[sw.flag] === false)
      .map((sw) => ({ flag: sw.flag, describe: sw.describe })),
    policy_file: a.policyFile ?? null,
    fail_on: a.failOn ?? null,
    baseline: a.baseline ?? null,
  };
}

/** --clients, plus every profile a policy's clients_must_connect names (top level and hosts: entries), each once. */
function clientsToSimulate(given: readonly string[] | undefined, policy: Policy | null): string[] {
  const out = new Set(given ?? []);
  for (const id of policy?.rules.clients_must_connect ?? []) out.add(id);
  for (const h of policy?.hosts ?? []) for (const id of h.rules.clients_must_connect ?? []) out.add(id);
  return [...out];
}

async function readSpecs(a: ScanArgs, io: Io): Promise<string[]> {
  const specs = [...a.targets.filter((t) => t !== '-')];
  try {
    for (const f of a.targetsFiles) for await (const line of readTargetsFile(f, { allowHuge: a.allowHuge })) specs.push(line);
    if (a.targets.includes('-')) for await (const line of readTargetLines(io.stdin, { source: 'stdin' })) specs.push(line);
  } catch (e) {
    throw isTargetError(e) ? new CliError(e.message) : e;
  }
  if (specs.length === 0) throw new CliError('no targets: give hosts, addresses, ranges or CIDR blocks, --targets-file FILE, or - for stdin');
  return specs;
}

export async function runScanCommand(args: ScanArgs, io: Io): Promise<number> {
  let a = args;
  // Everything that can be wrong with the input is found before the first packet is sent (exit 2).
  const specs = await readSpecs(a, io);
  const expandOpts = { ports: a.ports, exclude: a.exclude, shard: a.shard, allowHuge: a.allowHuge };
  let total: number | null;
  try {
    const n = countTargets(specs, expandOpts);
    // Targets and exclusions that leave nothing is an input error; an empty shard of a real set is not.
    if (n === 0n && (a.shard === undefined || countTargets(specs, { ...expandOpts, shard: undefined }) === 0n)) {
      throw new CliError(`nothing to scan: the exclusions (--exclude) remove every target`);
    }
    total = n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : null;
  } catch (e) {
    throw isTargetError(e) ? new CliError(e.message) : e;
  }

  const policy: Policy | null = await gatePolicy(a.policyFile, a.policyFlags, a.policyPreset);

  // The clients a policy must let in are simulated whether or not --clients names them: a gate on them needs it.
  // Likewise the TLS deep mode, for a policy whose suite or SSL rules only it can answer.
  const checks = policyNeedsDeepTls(policy) ? { ...a.probe.checks, 'tls-suites': true } : a.probe.checks;
  const probe: ScanOptions = { ...a.probe, checks, clients: clientsToSimulate(a.probe.clients, policy) };
  a = { ...a, probe };

  const authPlan = await planAuth(a.auth, { specs, ports: a.ports, targetCount: total, policy, caCertificates: a.probe.caCertificates });
  const info: ScanInfo | null = scanInfo({
    options: measuredOptions(a.probe, a.certExpiryDays, authPlan?.stamp),
    defaults: measuredOptions(DEFAULT_SCAN_OPTIONS, DEFAULT_CERT_EXPIRY_DAYS),
    policy,
    targets: { specs, ports: a.ports, exclude: a.exclude },
    shard: a.shard,
  });

  const specsOut = outputSpecs(a, Boolean(io.stdout.isTTY));
  let resume: ResumeFile | null = null;
  let appendTo: OutputSpec | null = null;
  if (a.resume) {
    try {
      resume = await openResume(a.resume, info);
    } catch (e) {
      throw e instanceof ResumeError ? new CliError(e.message) : e;
    }
    appendTo = specsOut.find((s) => s.path !== null && sameFile(s.path, a.resume!)) ?? null;
    if (appendTo) {
      if (appendTo.format !== 'ndjson') throw new CliError(`--resume appends to ${a.resume}: that output must be ndjson (-o ${a.resume} with a .ndjson name, or -f ndjson)`);
      appendTo.append = true;
    }
  }
  // An output must never overwrite an input of the same run (the targets file, the policy, the baseline).
  const inputs: [string, string][] = [
    ...a.targetsFiles.filter((f) => f !== '-').map((f): [string, string] => ['--targets-file', f]),
    ...(a.policyFile ? [['--policy', a.policyFile] as [string, string]] : []),
    ...a.caFiles.map((f): [string, string] => ['--ca-file', f]),
    ...(a.baseline ? [['--baseline', a.baseline] as [string, string]] : []),
    ...(a.resume && !appendTo ? [['--resume', a.resume] as [string, string]] : []),
  ];
  for (const s of specsOut) {
    const clash = s.path !== null ? inputs.find(([, f]) => sameFile(f, s.path!)) : undefined;
    if (clash) throw new CliError(`-o ${s.path} would overwrite the ${clash[0]} file; write the output elsewhere`);
  }

  let baseline: ProbeRecord[] | null = null;
  const diffModule = a.baseline ? await import('../diff/index.js') : null;
  if (a.baseline && diffModule) {
    try {
      baseline = await diffModule.loadScan(a.baseline);
    } catch (e) {
      throw e instanceof diffModule.ScanFileError ? new CliError(`--baseline: ${e.message}`) : e;
    }
  }

  // The password last, once everything else about the input is valid: a prompt comes only for a scan that will run.
  const auth = authPlan
    ? await withPassword(authPlan, { env: io.env ?? process.env, stdin: io.stdin, stderr: io.stderr, stdinTaken: a.targets.includes('-') || a.targetsFiles.includes('-') })
    : null;
  try {
    return await execute(a, io, { ...a.probe, auth }, { specs, expandOpts, total, policy, info, specsOut, resume, appendTo, baseline, diffModule });
  } finally {
    auth?.credentials.dispose();
  }
}

interface Prepared {
  specs: string[];
  expandOpts: Parameters<typeof expandTargetsSync>[1];
  total: number | null;
  policy: Policy | null;
  info: ScanInfo | null;
  specsOut: OutputSpec[];
  resume: ResumeFile | null;
  appendTo: OutputSpec | null;
  baseline: ProbeRecord[] | null;
  diffModule: typeof import('../diff/index.js') | null;
}

/** The scan itself, once the input is known to be valid: outputs, the runner, the verdict. */
async function execute(a: ScanArgs, io: Io, probe: ScanOptions, p: Prepared): Promise<number> {
  const { specs, expandOpts, total, policy, info, specsOut, resume, appendTo, baseline, diffModule } = p;
  const judge = new Judge({ diagnose: { certExpiryDays: a.certExpiryDays }, policy, failOn: a.failOn, explainInline: a.explainInline });
  if (appendTo && resume?.cutLastLine) await trimPartialLine(appendTo.path!);
  let outputs: Outputs;
  try {
    outputs = await Outputs.open(specsOut, io.stdout, {
      color: a.color,
      details: a.details,
      failOn: a.failOn === undefined || a.failOn === 'none' ? undefined : a.failOn,
      failing: judge.hasGate ? judge.failsGate : undefined,
      csvRows: a.csvRows,
    });
  } catch (e) {
    // An output that cannot be opened before the scan starts is an input error.
    throw e instanceof OutputError ? new CliError(e.message, EXIT.USAGE) : e;
  }
  const spool = outputs.hasDocuments || baseline ? new RecordSpool() : null;

  const showProgress = a.progress && !a.quiet && Boolean(io.stderr.isTTY);
  const remaining = total === null ? null : Math.max(0, total - (resume?.done.size ?? 0));
  const progress = new Progress(io.stderr, remaining, showProgress, {
    connectWaitMs: Math.min(a.probe.timeoutMs, a.probe.hostTimeoutMs),
    hostTimeoutMs: a.probe.hostTimeoutMs,
  });
  const stdoutTty = specsOut.some((s) => s.path === null) && Boolean(io.stdout.isTTY);

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

  const meta: ScanMeta = { version: VERSION, started_at: new Date().toISOString(), argv: a.argv, targets_total: total, scope: scanScope(a, specs) };
  const keep = (r: ProbeRecord): void => spool?.add(r);
  const authGate = probe.auth ? new AuthGate() : undefined;
  let result;
  try {
    await outputs.begin(meta);
    if (resume) {
      // The resumed records are judged again by this run (same options and policy, checked above): the verdict and
      // every report cover the whole file. The file being appended to has them already.
      for await (const r of resume.records()) {
        // Credentials the file shows rejected (or an account locked out) are not tried again on the other hosts.
        const stop = authGate ? gateStopOf(r) : null;
        if (stop) authGate!.close(stop);
        const judged = judge.judge(r);
        await outputs.record(judged, (s) => s === appendTo);
        keep(judged);
      }
    }
    result = await runScan(expandTargetsSync(specs, expandOpts), {
      concurrency: a.concurrency,
      connectConcurrency: a.connectConcurrency,
      rate: a.rate,
      probe,
      ...(authGate ? { authGate } : {}),
      dialer: tcpDialer,
      resolve: resolveHost,
      signal: controller.signal,
      skip: resume ? (t) => resume!.done.has(hostPortKey(t.host, t.port)) : undefined,
      excluded: addressExcluded(a.exclude),
      ...(showProgress ? { onQueued: (t: object) => progress.queued(t), onStart: (t: object) => progress.probing(t), onSettled: (t: object) => progress.settled(t) } : {}),
      onRecord: async (m) => {
        // Completed in place: a /16 makes 65536 of these, and a copy of each is garbage to collect.
        const r = m as ProbeRecord;
        r.findings = [];
        r.scan = info;
        const judged = judge.judge(r);
        progress.add(judged.status);
        if (stdoutTty) progress.clear();
        await outputs.record(judged);
        keep(judged);
      },
    });
  } catch (e) {
    outputs.abort();
    spool?.dispose();
    // The runner stops on the first failed write (disk full, closed pipe); records written so far are whole.
    throw e instanceof OutputError ? new CliError(e.message, EXIT.RUNTIME) : e;
  } finally {
    process.off('SIGINT', onSigint);
    progress.stop();
  }

  judge.close();
  const final = function* (): Generator<ProbeRecord> {
    if (spool) for (const r of spool.sorted()) yield judge.complete(r);
  };
  // The baseline comparison needs every record at once: read the spool once for it and for the outputs.
  const finished = baseline ? [...final()] : null;
  try {
    await outputs.end(finished ?? final(), { interrupted: result.interrupted }, meta);
  } catch (e) {
    outputs.abort();
    throw e instanceof OutputError ? new CliError(e.message, EXIT.RUNTIME) : e;
  }

  let gate: number = judge.gateFailed ? EXIT.GATE_FAILED : EXIT.OK;
  if (baseline && finished && diffModule) {
    const { diffScans, diffExitCode, formatDiffTable } = diffModule;
    // Hosts this run was never asked to scan (another shard, other targets) are out of scope, not gone.
    const inScope = targetScope(specs, expandOpts);
    // Nor has a host that an interrupted run did not reach gone: it was not measured (--resume measures it).
    const reached = result.interrupted ? new Set(finished.map((r) => hostPortKey(r.host, r.port))) : null;
    const before = baseline.filter((r) => inScope(r.host, r.port) && (!reached || reached.has(hostPortKey(r.host, r.port))));
    const diff = diffScans(before, finished, { expiringDays: a.certExpiryDays });
    io.stderr.write(`\nChanges against the baseline ${a.baseline}:\n${formatDiffTable(diff)}\n`);
    if (diffExitCode(diff, 'regression') !== 0) gate = EXIT.GATE_FAILED;
  }
  spool?.dispose();
  if (!a.quiet && result.excluded > 0) io.stderr.write(`rdprobe: ${result.excluded} name(s) resolved to an excluded address: not probed\n`);
  if (!a.quiet && result.skipped > 0) io.stderr.write(`rdprobe: ${result.skipped} target(s) skipped (already in ${a.resume})\n`);
  if (result.interrupted) return EXIT.INTERRUPTED;
  return gate;
}
