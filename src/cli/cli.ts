import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { parsePemBundle } from '../analysis/trust.js';
import { readErrorText } from '../read-error.js';
import { explain, formatExplain, listFindings } from '../diagnosis/index.js';
import { OUTPUT_FORMATS } from '../output/index.js';
import { forTerminal } from '../output/escape.js';
import { POLICY_TLS_VERSIONS } from '../policy/index.js';
import { PRESET_NAMES } from '../policy/presets.js';
import { checkSwitches, DEFAULT_SCAN_OPTIONS } from '../checks/index.js';
import { CLIENT_PROFILE_IDS } from '../clients/index.js';
import { unknownClientIds } from '../checks/client-plans.js';
import { SEVERITIES, type Severity } from '../record.js';
import { DEFAULT_CONCURRENCY } from '../scan/runner.js';
import { DEFAULT_CONNECT_CONCURRENCY } from '../scan/limits.js';
import { isTargetError, parsePorts, parseShard } from '../targets/index.js';
import { VERSION } from '../version.js';
import { ArgParser, type CommandArgs } from './args.js';
import { parseDuration } from './durations.js';
import { CliError, EXIT } from './exit-codes.js';
import { isPasswordArgument, NO_PASSWORD_OPTION } from './password.js';
import { runScanCommand, type Io } from './scan.js';

const FAIL_ON = [...SEVERITIES, 'none'] as const;

/**
 * The command line. Returns the exit code instead of exiting so tests can drive it in-process; bin/main.ts
 * is the only place that touches process.exit.
 */
export async function runCli(argv: string[], io: Io): Promise<number> {
  // Before the parser sees it: its own "unknown argument" message could echo the password given with it.
  if (argv.some(isPasswordArgument)) {
    io.stderr.write(`rdprobe: ${NO_PASSWORD_OPTION}\n`);
    return EXIT.USAGE;
  }
  let code: number = EXIT.OK;
  const parser = new ArgParser('rdprobe', io.stdout)
    .usage('$0 <command> [options]\n\nProbe RDP servers from the network and explain why connections fail.')
    .version(VERSION)
    .demandCommand('give a command: scan, explain, diff, merge or policy')
    .wrap(Math.min(110, io.stdout.columns ?? 100))
    .command(
      'scan [targets..]',
      'probe RDP hosts: protocols, NLA, TLS versions, certificate, CredSSP identity, Standard RDP Security, findings',
      (y) => gateOptions(scanOptions(y)),
      async (o) => {
        code = await runScanCommand(
          {
            // `scan -- A B`: what follows `--` is targets too (the parser leaves it in `_`, after the command name).
            ...targetsAndFiles([...((o.targets as string[] | undefined) ?? []), ...o._.slice(1).map(String)], o['targets-file'] as string[]),
            ports: ports(o.port),
            exclude: splitList(o.exclude as string[]),
            allowHuge: o['allow-huge'] as boolean,
            shard: o.shard === undefined ? undefined : wrapTargetError(() => parseShard(String(o.shard))),
            format: o.format === undefined ? undefined : choice('format', o.format, OUTPUT_FORMATS),
            outputs: outputList(o.output),
            probe: {
              timeoutMs: parseDuration('timeout', o.timeout),
              hostTimeoutMs: parseDuration('host-timeout', o['host-timeout']),
              cookie: cookie(o.cookie),
              // Every check's switch, as the checks declare them (src/checks).
              checks: Object.fromEntries(checkSwitches().map((sw) => [sw.flag, Boolean(o[sw.flag])])),
              caCertificates: caFiles(o['ca-file'] as string[]),
              connectionSpacingMs: o['connection-spacing'] === undefined ? 0 : parseDuration('connection-spacing', o['connection-spacing']),
              clients: clientIds('clients', o.clients, true),
            },
            caFiles: o['ca-file'] as string[],
            auth: {
              user: o.user === undefined ? undefined : String(o.user),
              passwordFile: o['password-file'] === undefined ? undefined : String(o['password-file']),
              auth: Boolean(o.auth),
              authz: Boolean(o.authz),
              logon: Boolean(o.logon),
              authHosts: splitList(o['auth-hosts'] as string[] | undefined),
              pins: splitList(o.pin as string[] | undefined),
              insecure: Boolean(o['auth-insecure']),
              logonTimeoutMs: parseDuration('logon-timeout', o['logon-timeout']),
            },
            concurrency: positiveInt('concurrency', o.concurrency),
            connectConcurrency: o['connect-concurrency'] === undefined ? undefined : positiveInt('connect-concurrency', o['connect-concurrency']),
            rate: o.rate === undefined ? null : positiveNumber('rate', o.rate),
            certExpiryDays: nonNegativeInt('cert-expiry-days', o['cert-expiry-days']),
            ...gateArgs(o),
            explainInline: o['explain-inline'] as boolean,
            csvRows: choice('csv-rows', o['csv-rows'], ['hosts', 'suites'] as const),
            baseline: o.baseline as string | undefined,
            resume: o.resume as string | undefined,
            progress: o.progress as boolean,
            quiet: o.quiet as boolean,
            color: o.color as boolean | undefined,
            details: o.details as boolean,
            argv,
          },
          io,
        );
      },
    )
    .command(
      'policy',
      'write the policy a reference host satisfies (YAML, every rule commented): --from HOST, or --from scan.ndjson --host ADDR',
      (y) =>
        y
          .option('from', { type: 'string', demandOption: true, describe: 'the reference: a host[:port] to probe (every check, every client simulated), or a saved scan file' })
          .option('host', { type: 'string', describe: 'with a scan file: the record of this host, address or target (host:port when several ports)' })
          .option('port', { alias: 'p', type: 'string', default: '3389', describe: 'port when --from names a host without one' })
          .option('output', { alias: 'o', type: 'string', describe: 'write the policy there (default: standard output)' })
          .option('timeout', { alias: 't', type: 'string', default: String(DEFAULT_SCAN_OPTIONS.timeoutMs / 1000), describe: 'timeout per step' })
          .option('host-timeout', { type: 'string', default: String(DEFAULT_SCAN_OPTIONS.hostTimeoutMs / 1000), describe: 'deadline for all checks of the host' })
          .option('cookie', { type: 'string', default: DEFAULT_SCAN_OPTIONS.cookie ?? '', describe: 'mstshash cookie sent to the server; "" for none' }),
      async (o) => {
        const { runPolicyFrom } = await import('./policy-from.js');
        code = await runPolicyFrom(
          {
            from: String(o.from),
            host: o.host as string | undefined,
            ports: ports(o.port),
            output: o.output === undefined ? undefined : outputList(o.output)[0],
            probe: { ...DEFAULT_SCAN_OPTIONS, timeoutMs: parseDuration('timeout', o.timeout), hostTimeoutMs: parseDuration('host-timeout', o['host-timeout']), cookie: cookie(o.cookie) },
          },
          io,
        );
      },
    )
    .command(
      'explain [id]',
      'print what a finding means: causes, server events to look for, checks to run, remediation',
      (y) =>
        y
          .positional('id', { type: 'string', describe: 'finding id, e.g. tls_failed_all_versions' })
          .option('list', { type: 'boolean', default: false, describe: 'list every finding id' }),
      (o) => {
        if (o.list || !o.id) {
          const rows = listFindings();
          const w = Math.max(...rows.map((e) => e.id.length));
          for (const e of rows) io.stdout.write(`${e.id.padEnd(w)}  ${e.severity.padEnd(8)}  ${e.title}\n`);
          return;
        }
        const entry = explain(String(o.id));
        if (!entry) throw new CliError(`unknown finding id "${String(o.id)}" (rdprobe explain --list shows them all)`);
        io.stdout.write(formatExplain(entry) + '\n');
      },
    )
    .command(
      'diff <before> <after>',
      'compare two saved scans (ndjson or json): what a change window changed, regressions first',
      (y) =>
        y
          .positional('before', { type: 'string', demandOption: true })
          .positional('after', { type: 'string', demandOption: true })
          .option('format', { alias: 'f', choices: ['table', 'json', 'html'] as const, describe: 'table (default), json, or html (a page to open, print and forward; -o infers it from .html)' })
          .option('output', { alias: 'o', type: 'string', describe: 'write the diff to this file instead of standard output' })
          .option('fail-on', { choices: ['regression', 'none'] as const, default: 'regression' as const, describe: 'exit 1 when the diff has a regression' })
          .option('expiry-days', { type: 'number', default: 30, describe: 'a certificate closer than this to expiry counts as expiring' }),
      async (o) => {
        const { diffExitCode, diffScans, diffToJson, formatDiffHtml, formatDiffTable, loadScan, ScanFileError } = await import('../diff/index.js');
        const output = o.output === undefined ? null : String(o.output);
        if (output === '') throw new CliError('-o/--output needs a file name');
        const format = o.format ?? (output && /\.html?$/i.test(output) ? 'html' : output && /\.json$/i.test(output) ? 'json' : 'table');
        let before, after;
        try {
          before = await loadScan(String(o.before));
          after = await loadScan(String(o.after));
        } catch (e) {
          throw e instanceof ScanFileError ? new CliError(e.message) : e;
        }
        for (const w of [...before.warnings, ...after.warnings]) io.stderr.write(`rdprobe: warning: ${forTerminal(w)}\n`);
        const diff = diffScans(before, after, { expiringDays: o['expiry-days'] as number });
        const text =
          format === 'json'
            ? diffToJson(diff) + '\n'
            : format === 'html'
              ? formatDiffHtml(diff, { before: String(o.before), after: String(o.after), version: VERSION, generated_at: new Date().toISOString() })
              : formatDiffTable(diff) + '\n';
        if (output === null || output === '-') io.stdout.write(text);
        else {
          try {
            await writeFile(output, text);
          } catch (e) {
            throw new CliError(`cannot write ${output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT.RUNTIME);
          }
        }
        code = diffExitCode(diff, o['fail-on'] as 'regression' | 'none');
      },
    )
    .command(
      'merge <files..>',
      'join the ndjson outputs of one scan run as shards (scan --shard K/N) into the report the whole scan gives: cross-shard duplicates, summary, gate',
      (y) =>
        gateOptions(
          y
            .positional('files', { describe: 'the ndjson file of every shard (shard-*.ndjson)' })
            .option('format', { alias: 'f', type: 'string', describe: `output format: ${OUTPUT_FORMATS.join(', ')} (default: table on a terminal, else ndjson; -o infers it from the extension)` })
            .option('output', { alias: 'o', type: 'string', array: true, describe: 'write the merged report to this file (repeatable, each in the format of its extension; - is stdout)' })
            .option('partial', { type: 'boolean', default: false, describe: 'a missing or repeated shard is a warning the report carries, not an error' })
            .option('explain-inline', { type: 'boolean', default: false, describe: 'findings in json/ndjson/csv carry the catalog text' })
            .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no notes on stderr (warnings still)' })
            .option('color', { type: 'boolean', describe: 'force colour on/off in the table' }),
        ),
      async (o) => {
        const { runMergeCommand } = await import('./merge.js');
        code = await runMergeCommand(
          {
            files: o.files as string[],
            format: o.format === undefined ? undefined : choice('format', o.format, OUTPUT_FORMATS),
            outputs: outputList(o.output),
            ...gateArgs(o),
            partial: o.partial as boolean,
            explainInline: o['explain-inline'] as boolean,
            quiet: o.quiet as boolean,
            color: o.color as boolean | undefined,
            argv,
          },
          io,
        );
      },
    )
    .epilogue('Exit codes: 0 ok, 1 gate failed (--fail-on, --policy, --baseline/diff regression), 2 usage or input error (merge: parts of another scan, a shard missing or repeated), 3 runtime error, 130 interrupted.');

  try {
    await parser.parse(argv);
  } catch (e) {
    if (e instanceof CliError) {
      // Messages quote what the user typed (targets, ids, file names): escaped like server strings are.
      io.stderr.write(`rdprobe: ${forTerminal(oneLine(e.message))}\n`);
      return e.exitCode;
    }
    if (isTargetError(e)) {
      io.stderr.write(`rdprobe: ${forTerminal(oneLine((e as Error).message))}\n`);
      return EXIT.USAGE;
    }
    io.stderr.write(`rdprobe: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT.RUNTIME;
  }
  return code;
}

/**
 * `@FILE` among the targets reads FILE like `-i FILE` (the curl/MSBuild convention the docs use: `scan @hosts.txt`).
 * No host, address or range starts with `@`, so the spelling cannot hide a target.
 */
function targetsAndFiles(targets: string[], files: string[]): { targets: string[]; targetsFiles: string[] } {
  const at = targets.filter((t) => t.startsWith('@'));
  for (const t of at) if (t.length === 1) throw new CliError('@ needs a file name: @hosts.txt reads targets from hosts.txt');
  return { targets: targets.filter((t) => !t.startsWith('@')), targetsFiles: [...files, ...at.map((t) => t.slice(1))] };
}

function scanOptions(y: CommandArgs): CommandArgs {
  // The checks' own switches (--no-tls-versions, --no-udp, ...): adding a check adds its switch here by itself.
  for (const sw of checkSwitches()) y.option(sw.flag, { type: 'boolean', default: sw.default, describe: sw.describe });
  return y
    .positional('targets', { type: 'string', array: true, describe: 'host, host:port, IPv4/IPv6 ([::1]:3389), CIDR, range 10.0.0.10-40, @FILE (one target per line), or - for stdin' })
    .option('port', { alias: 'p', type: 'string', default: '3389', describe: 'port(s) for targets without one, e.g. 3389,3390' })
    .option('targets-file', { alias: 'i', type: 'string', array: true, default: [] as string[], describe: 'file with one target per line (# comments); - for stdin' })
    .option('ca-file', { type: 'string', array: true, default: [] as string[], describe: 'PEM file of CA certificates to trust besides the bundled roots (an enterprise CA); repeatable' })
    .option('connection-spacing', { type: 'string', describe: 'least time between two connections to one host (e.g. 200ms): spreads the deep TLS scan out' })
    .option('exclude', { type: 'string', array: true, default: [] as string[], describe: 'targets to leave out (same syntaxes; comma-separated or repeated)' })
    .option('allow-huge', { type: 'boolean', default: false, describe: 'allow one target item to expand to more than 2^24 addresses' })
    .option('shard', { type: 'string', describe: 'K/N: scan only the K-th of N disjoint parts of the target set' })
    .option('format', { alias: 'f', type: 'string', describe: `output format: ${OUTPUT_FORMATS.join(', ')} (default: table on a terminal, else ndjson; -o infers it from the extension)` })
    .option('output', { alias: 'o', type: 'string', array: true, describe: 'write results to this file (repeatable: -o scan.ndjson -o report.xml, each in the format of its extension; - is stdout)' })
    .option('explain-inline', { type: 'boolean', default: false, describe: 'findings in json/ndjson/csv carry the catalog text (causes, events, checks, remediation)' })
    .option('timeout', { alias: 't', type: 'string', default: String(DEFAULT_SCAN_OPTIONS.timeoutMs / 1000), describe: 'timeout per step (5, 2.5s, 500ms)' })
    .option('host-timeout', { type: 'string', default: String(DEFAULT_SCAN_OPTIONS.hostTimeoutMs / 1000), describe: 'deadline for all checks of one host' })
    .option('concurrency', { alias: 'c', type: 'string', default: String(DEFAULT_CONCURRENCY), describe: 'hosts probed at a time' })
    .option('connect-concurrency', { type: 'string', describe: `first TCP connects in flight (default ${DEFAULT_CONNECT_CONCURRENCY}, within the open-file limit): firewalled addresses wait here, not in the -c probe slots` })
    .option('rate', { type: 'string', describe: 'new connections per second across the scan' })
    .option('cookie', { type: 'string', default: DEFAULT_SCAN_OPTIONS.cookie ?? '', describe: 'mstshash cookie sent to servers (shows in their logs); "" for none' })
    .option('cert-expiry-days', { type: 'string', default: '30', describe: 'cert_expiring_soon threshold' })
    .option('csv-rows', { type: 'string', default: 'hosts', describe: 'csv: hosts (one row per host) or suites (one row per host, version and accepted cipher suite: the long form auditors pivot on; needs --tls-suites)' })
    .option('user', { type: 'string', describe: 'authentication test with this test account: DOMAIN\\user, user@domain or user (password from RDPROBE_PASSWORD, --password-file, or asked on the terminal; see docs/auth.md)' })
    .option('password-file', { type: 'string', describe: 'file holding the test account\'s password (one line)' })
    .option('auth', { type: 'boolean', describe: 'authenticate and stop once the server proved its key: the password is not delegated (the default with --user)' })
    .option('authz', { type: 'boolean', describe: 'also delegate the credentials (TSCredentials) and read the Early User Authorization Result; no session is created' })
    .option('auth-hosts', { type: 'string', array: true, describe: 'the only targets credentials may be sent to (target syntax; required with several targets)' })
    .option('pin', { type: 'string', array: true, describe: 'trust a certificate by its SHA-1 thumbprint (certificate.sha1_fingerprint) for the authentication test' })
    .option('auth-insecure', { type: 'boolean', describe: 'send credentials even when the certificate is not trusted (said in the record)' })
    .option('logon-timeout', { type: 'string', default: '30', describe: 'with --logon: how long to wait for the logon to complete after the Client Info PDU' })
    .option('clients', { type: 'string', array: true, describe: `simulate these clients' handshakes (profile ids, comma-separated, or all): ${CLIENT_PROFILE_IDS.join(', ')}` })
    .option('baseline', { type: 'string', describe: 'earlier scan (ndjson/json) to diff against; exit 1 on a regression' })
    .option('resume', { type: 'string', describe: 'skip hosts already in this ndjson output (append to it with -o SAME_FILE)' })
    .option('progress', { type: 'boolean', default: true, describe: 'progress line on stderr when it is a terminal (--no-progress)' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no progress, no notes on stderr' })
    .option('color', { type: 'boolean', describe: 'force colour on/off in the table (default: on a terminal unless NO_COLOR)' })
    .option('details', { type: 'boolean', default: false, describe: 'table: a block of facts per host even for several hosts (default: one line per host, then the summary)' });
}

/** The gate: --fail-on, --policy (and --policy-preset) and the policy's rule flags (scan and merge). */
function gateOptions(y: CommandArgs): CommandArgs {
  return y
    .option('max-clock-skew', { type: 'string', describe: 'policy: |server clock - prober clock| at most this many seconds' })
    .option('fail-on', { type: 'string', describe: `exit 1 when a finding at or above this severity is found: ${FAIL_ON.join(', ')}` })
    .option('policy', { type: 'string', describe: 'policy file (YAML or JSON, see docs/policy.md)' })
    .option('require-nla', { type: 'boolean', describe: 'policy: NLA must be required' })
    .option('forbid-standard-rdp-security', { type: 'boolean', describe: 'policy: PROTOCOL_RDP must be refused' })
    .option('min-tls', { type: 'string', describe: `policy: no TLS version below this accepted (${POLICY_TLS_VERSIONS.join(', ')})` })
    .option('forbid-tls', { type: 'string', array: true, describe: 'policy: versions that must be refused, e.g. ssl3,1.0,1.1 (ssl2/ssl3 need --tls-suites)' })
    .option('min-cert-days', { type: 'string', describe: 'policy: certificate valid for at least this many days' })
    .option('min-key-bits', { type: 'string', describe: 'policy: certificate key at least this many (RSA-equivalent) bits' })
    .option('forbid-self-signed', { type: 'boolean', describe: 'policy: certificate must not be self-signed' })
    .option('expected-thumbprint', { type: 'string', array: true, describe: 'policy: HOST=SHA1 (the SSLCertificateSHA1Hash value); repeatable' })
    .option('min-credssp-version', { type: 'string', describe: 'policy: server CredSSP version at least this' })
    .option('allow-unreachable', { type: 'boolean', describe: 'policy: unreachable hosts do not fail the gate' })
    .option('forbid-udp', { type: 'boolean', describe: 'policy: RDP over UDP must not answer' })
    .option('forbid-suites', { type: 'string', array: true, describe: 'policy: cipher suites that must be refused, IANA names or globs (TLS_RSA_*,*_CBC_*)' })
    .option('allow-suites', { type: 'string', array: true, describe: 'policy: the only cipher suites that may be accepted, IANA names or globs' })
    .option('min-dh-bits', { type: 'string', describe: 'policy: DHE prime at least this many bits' })
    .option('require-pfs', { type: 'boolean', describe: 'policy: every TLS 1.0-1.2 suite must have forward secrecy' })
    .option('require-trusted-cert', { type: 'boolean', describe: 'policy: the certificate must chain to a trusted root (bundled roots + --ca-file)' })
    .option('policy-preset', { type: 'string', describe: `a named baseline to gate against: ${PRESET_NAMES.join(', ')} (Mozilla Server Side TLS 5.7); --policy and rule flags override it` })
    .option('require-auth', { type: 'boolean', describe: 'policy: the authentication test must succeed (with --user)' })
    .option('require-logon', { type: 'boolean', describe: 'policy: the logon test must reach the logon notification (with --logon)' })
    .option('forbid-weak-signature', { type: 'boolean', describe: 'policy: certificate not signed with SHA-1 or MD5' })
    .option('min-encryption-level', { type: 'string', describe: 'policy: Standard RDP Security, where accepted, at least at this level (low, client_compatible, high, fips)' })
    .option('clients-must-connect', { type: 'string', array: true, describe: 'policy: these client profiles must connect (simulated: implies --clients for them)' });
}




function oneLine(message: string): string {
  return message
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ');
}

/** The mstshash cookie goes into a CRLF-terminated ASCII line of the X.224 request: printable ASCII, short. */
function cookie(v: unknown): string | null {
  const s = String(v ?? '');
  if (s === '') return null;
  if (!/^[\x20-\x7e]+$/.test(s) || s.length > 64) throw new CliError(`--cookie: expected up to 64 printable ASCII characters, got "${s.slice(0, 20)}${s.length > 20 ? '...' : ''}"`);
  return s;
}

function wrapTargetError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw isTargetError(e) ? new CliError((e as Error).message) : e;
  }
}

function ports(v: unknown): number[] {
  const list = Array.isArray(v) ? v.join(',') : String(v);
  return wrapTargetError(() => parsePorts(list));
}

function splitList(v: string[] | undefined): string[] {
  return (v ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}

/** One of `choices`, or a one-line error naming them (yargs' own says "Given: true" for a flag without a value). */
function choice<T extends string>(name: string, v: unknown, choices: readonly T[]): T {
  const s = typeof v === 'string' ? v : '';
  if (!(choices as readonly string[]).includes(s)) {
    throw new CliError(typeof v === 'string' && v !== '' ? `--${name}: "${v}" is not one of ${choices.join(', ')}` : `--${name} needs a value: one of ${choices.join(', ')}`);
  }
  return s as T;
}

/** -o values: each flag one file (`-` is stdout); a flag without a value is an error, not stdout. */
/** Each --ca-file's text, checked to hold PEM certificates (the trust store parses them when a chain arrives). */
function caFiles(files: string[]): string[] {
  return files.map((f) => {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      throw new CliError(`--ca-file ${f}: cannot read it (${readErrorText(e)})`);
    }
    try {
      parsePemBundle(text);
    } catch (e) {
      throw new CliError(`--ca-file ${f}: ${(e as Error).message}`);
    }
    return text;
  });
}

function outputList(v: unknown): string[] {
  const list = v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => String(x));
  // `-o` with nothing after it arrives as an empty array (absent is undefined): never a silent stdout.
  if ((Array.isArray(v) && v.length === 0) || list.some((x) => x === '')) throw new CliError('-o/--output needs a file name (or - for standard output)');
  return list;
}

function positiveInt(name: string, v: unknown): number {
  const n = /^\s*\d+\s*$/.test(String(v)) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new CliError(`--${name}: expected a whole number from 1 to 100000, got "${String(v)}"`);
  return n;
}

function nonNegativeInt(name: string, v: unknown): number {
  const n = /^\s*\d+\s*$/.test(String(v)) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0) throw new CliError(`--${name}: expected a whole number of 0 or more, got "${String(v)}"`);
  return n;
}

function positiveNumber(name: string, v: unknown): number {
  const n = /^\s*\d+(\.\d+)?\s*$/.test(String(v)) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`--${name}: expected a number above 0, got "${String(v)}"`);
  return n;
}

/**
 * Client profile ids from --clients / --clients-must-connect (repeated or comma-separated); `all` where allowed.
 * An unknown id is a one-line usage error that lists the ids.
 */
function clientIds(name: string, v: unknown, allowAll: boolean): string[] {
  const ids = splitList(v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String));
  if (v !== undefined && ids.length === 0) throw new CliError(`--${name} needs profile ids${allowAll ? ' or all' : ''}: ${CLIENT_PROFILE_IDS.join(', ')}`);
  const bad = allowAll ? unknownClientIds(ids) : ids.filter((id) => !CLIENT_PROFILE_IDS.includes(id));
  if (bad.length > 0) throw new CliError(`--${name}: unknown client ${bad.map((b) => `"${b}"`).join(', ')}; the profiles are ${CLIENT_PROFILE_IDS.join(', ')}${allowAll ? ', or all' : ''}`);
  return [...new Set(ids)];
}

/** A flag's text as the JSON value a policy file would hold: numbers as numbers, the rest as written. */
function policyValue(v: unknown): unknown {
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return v;
}

/** The gate's arguments (the options gateOptions declares), read the same way for scan and merge. */
function gateArgs(o: Record<string, unknown>): { failOn: Severity | 'none' | undefined; policyFile: string | undefined; policyPreset: string | undefined; policyFlags: Record<string, unknown> } {
  return {
    failOn: o['fail-on'] === undefined ? undefined : choice('fail-on', o['fail-on'], FAIL_ON),
    policyFile: o['policy'] as string | undefined,
    policyPreset: o['policy-preset'] === undefined ? undefined : choice('policy-preset', o['policy-preset'], PRESET_NAMES),
    policyFlags: policyFlags(o),
  };
}

/**
 * The policy rules given as flags (they override a --policy file). Each flag's value goes through the very
 * validation its policy-file key does (policyFromFlags), so `--min-tls 1.2` and `min_tls: "1.2"` are one rule.
 */
function policyFlags(o: Record<string, unknown>): Record<string, unknown> {
  const f: Record<string, unknown> = {};
  const flag = (name: string, key: string, convert: (v: unknown) => unknown = policyValue): void => {
    if (o[name] !== undefined) f[key] = convert(o[name]);
  };
  flag('require-nla', 'require_nla', Boolean);
  flag('forbid-standard-rdp-security', 'forbid_standard_rdp_security', Boolean);
  flag('min-tls', 'min_tls', String);
  flag('forbid-tls', 'forbid_tls', (v) => splitList(v as string[]));
  flag('min-cert-days', 'min_cert_days');
  flag('min-key-bits', 'min_key_bits');
  flag('forbid-self-signed', 'forbid_self_signed', Boolean);
  flag('min-credssp-version', 'min_credssp_version');
  flag('max-clock-skew', 'max_clock_skew');
  flag('allow-unreachable', 'allow_unreachable', Boolean);
  flag('forbid-udp', 'forbid_udp', Boolean);
  flag('forbid-suites', 'forbid_suites', (v) => splitList(v as string[]));
  flag('allow-suites', 'allow_suites', (v) => splitList(v as string[]));
  flag('min-dh-bits', 'min_dh_bits');
  flag('require-pfs', 'require_pfs', Boolean);
  flag('require-trusted-cert', 'require_trusted_cert', Boolean);
  flag('require-auth', 'require_auth', Boolean);
  flag('require-logon', 'require_logon', Boolean);
  flag('forbid-weak-signature', 'forbid_weak_signature', Boolean);
  flag('min-encryption-level', 'min_encryption_level', String);
  flag('clients-must-connect', 'clients_must_connect', (v) => clientIds('clients-must-connect', v, false));
  if (o['expected-thumbprint'] !== undefined) {
    const map: Record<string, string> = {};
    for (const pair of splitList(o['expected-thumbprint'] as string[])) {
      const i = pair.lastIndexOf('=');
      if (i <= 0) throw new CliError(`--expected-thumbprint: expected HOST=SHA1, got "${pair}"`);
      map[pair.slice(0, i)] = pair.slice(i + 1);
    }
    f['expected_thumbprints'] = map;
  }
  return f;
}
