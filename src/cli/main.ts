#!/usr/bin/env node
import { runCli } from './cli.js';

// A reader that goes away (`rdprobe explain --list | head -1`) is not an error of ours: without a listener the EPIPE
// would crash the process with a stack trace and exit 1, the "gate failed" code. `scan` still sees the failed write
// through its own listener and stops with exit 3, so `scan --fail-on high | head` never passes a gate by accident.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') process.exitCode = 3;
  });
}

// The only process-level code: run, then set the exit code and let Node exit on its own once every socket and
// timer is gone (a forced exit could cut an output write short).
// No top-level await, so that the one-file build can run this as a script from V8's code cache (scripts/bundle.mjs).
// What top-level await gave for free is kept by hand: if the event loop runs dry while the run is still pending (a
// socket path that forgot to keep the process alive), the process must not exit 0 as if all went well; it says so
// in one line and exits 3, "rdprobe itself failed" (README, exit codes).
let settled = false;
process.on('exit', (code) => {
  // A second Ctrl-C exits 130 at once (cli/scan.ts): that is not this case.
  if (settled || code !== 0) return;
  process.stderr.write('rdprobe: internal error: the run ended before it finished (nothing kept it alive)\n');
  process.exitCode = 3;
});
// stdin is a getter: Node builds the stream on first access, and only `-` / `-i -` read it.
void runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  get stdin() {
    return process.stdin;
  },
}).then(
  (code) => {
    settled = true;
    process.exitCode = code;
  },
  (e: unknown) => {
    settled = true;
    process.stderr.write(`rdprobe: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 3;
  },
);
