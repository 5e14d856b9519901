#!/usr/bin/env node
import { runCli } from './cli.js';

// The only process-level code: run, then set the exit code and let Node exit on its own once every socket and
// timer is gone (a forced exit could cut an output write short).
const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
process.exitCode = code;
