/**
 * `rdprobe merge shard-*.ndjson -o all.ndjson`: the outputs of one scan run as N shards, made into the report the
 * same scan run whole would have given. The shards are checked to be one scan and complete (src/scan/shards.ts);
 * every record is judged again through the Judge, so what only the whole set can show comes out as an unsharded scan
 * has it: duplicate certificates and NetBIOS names across shards (each shard's own fleet findings, computed on that
 * shard alone, are replaced), the summary, and the gate's verdict and exit code. Every output is written at the end,
 * ndjson too, from the final records in address order.
 */
import { DEFAULT_CERT_EXPIRY_DAYS } from '../diagnosis/index.js';
import { Judge } from '../diagnosis/judge.js';
import { forTerminal } from '../output/escape.js';
import type { OutputFormat } from '../output/index.js';
import { Outputs, OutputError } from '../output/outputs.js';
import { RecordSpool } from '../output/spool.js';
import type { ProbeRecord, ScanInfo, Severity } from '../record.js';
import { policyDigest, unshardedInfo } from '../scan/info.js';
import { MergeError, readShards, type ShardedScan } from '../scan/shards.js';
import { VERSION } from '../version.js';
import { CliError, EXIT } from './exit-codes.js';
import { gatePolicy } from './gate-policy.js';
import { outputSpecs, sameFile } from './output-specs.js';
import type { Io } from './scan.js';

export interface MergeArgs {
  files: string[];
  format: OutputFormat | undefined;
  outputs: string[];
  failOn: Severity | 'none' | undefined;
  policyFile: string | undefined;
  policyPreset: string | undefined;
  policyFlags: Record<string, unknown>;
  /** Missing or repeated shards, cut lines: warnings the report carries instead of errors. */
  partial: boolean;
  explainInline: boolean;
  quiet: boolean;
  color: boolean | undefined;
  argv: string[];
}

export async function runMergeCommand(a: MergeArgs, io: Io): Promise<number> {
  if (a.files.length === 0) throw new CliError('merge: give the files of every shard (shard-*.ndjson)');
  const files: string[] = [];
  for (const f of a.files) {
    if (files.some((g) => sameFile(f, g))) throw new CliError(`merge: ${f} is given twice`);
    files.push(f);
  }
  const specs = outputSpecs(a, Boolean(io.stdout.isTTY));
  const inputs = [...files, ...(a.policyFile ? [a.policyFile] : [])];
  for (const s of specs) {
    const clash = s.path !== null ? inputs.find((f) => sameFile(f, s.path!)) : undefined;
    if (clash) throw new CliError(`-o ${s.path} would overwrite the input ${clash}; write the output elsewhere`);
  }
  const policy = await gatePolicy(a.policyFile, a.policyFlags, a.policyPreset);

  // Judged as the scan would have: its cert-expiry threshold, and its policy unless this run gives one. The Judge is
  // made with the first record, which tells how the scan ran.
  let judge: Judge | null = null;
  // Every record is stamped as the whole scan's are: no shard, the policy they are judged with (one object for all).
  let stamp: ScanInfo | null = null;
  const makeJudge = (scan: ShardedScan): Judge => {
    const days = scan.info.options['cert_expiry_days'];
    const stampPolicy = policy ? policyDigest(policy) : scan.info.policy;
    stamp = unshardedInfo(scan.info, stampPolicy);
    if (policy && scan.info.policy !== null && scan.info.policy !== stampPolicy && !a.quiet) {
      io.stderr.write('rdprobe: the shards were judged with another policy: judged again with this one\n');
    }
    return new Judge({
      diagnose: { certExpiryDays: typeof days === 'number' ? days : DEFAULT_CERT_EXPIRY_DAYS },
      policy,
      carriedPolicy: policy === null && scan.info.policy !== null,
      failOn: a.failOn,
      explainInline: a.explainInline,
    });
  };

  const spool = new RecordSpool();
  let read;
  try {
    read = await readShards(files, {
      partial: a.partial,
      onRecord: (r, scan) => {
        judge ??= makeJudge(scan);
        r.scan = stamp;
        spool.add(judge.judge(r));
      },
    });
  } catch (e) {
    spool.dispose();
    throw e instanceof MergeError ? new CliError(e.message) : e;
  }
  const j = judge as Judge | null;
  if (j === null) throw new Error('merge: records without a judge');
  for (const w of read.warnings) io.stderr.write(`rdprobe: warning: ${forTerminal(w)}\n`);
  if (!a.quiet) for (const note of read.notes) io.stderr.write(`rdprobe: ${forTerminal(note)}\n`);

  j.close();
  let outputs: Outputs;
  try {
    outputs = await Outputs.open(
      specs,
      io.stdout,
      { color: a.color, failOn: a.failOn === undefined || a.failOn === 'none' ? undefined : a.failOn, failing: j.hasGate ? j.failsGate : undefined },
      { streamed: false },
    );
  } catch (e) {
    spool.dispose();
    throw e instanceof OutputError ? new CliError(e.message, EXIT.USAGE) : e;
  }
  const meta = {
    version: VERSION,
    started_at: read.startedAt,
    argv: a.argv,
    targets_total: read.records,
    merged_from: files,
    ...(read.warnings.length > 0 ? { warnings: read.warnings } : {}),
  };
  const final = function* (): Generator<ProbeRecord> {
    for (const r of spool.sorted()) yield j.complete(r);
  };
  try {
    await outputs.begin(meta);
    await outputs.end(final(), { interrupted: false }, meta);
  } catch (e) {
    outputs.abort();
    throw e instanceof OutputError ? new CliError(e.message, EXIT.RUNTIME) : e;
  } finally {
    spool.dispose();
  }
  return j.gateFailed ? EXIT.GATE_FAILED : EXIT.OK;
}
