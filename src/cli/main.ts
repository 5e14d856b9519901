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
// stdin is a getter: Node builds the stream on first access, and only `-` / `-i -` read it.
const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  get stdin() {
    return process.stdin;
  },
});
process.exitCode = code;
