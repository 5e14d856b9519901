#!/usr/bin/env node
// Runs the rdprobe CLI exactly like dist/src/cli/main.js does, and at exit writes the process's peak resident
// set size to stderr as "@@bench maxrss_kb=N vmhwm_kb=N". Used by bench/bench.mjs for the memory figures.
import { readFileSync, writeSync } from 'node:fs';
import { runCli } from '../dist/src/cli/cli.js';

process.on('exit', () => {
  let hwm = '';
  try {
    hwm = /VmHWM:\s*(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '';
  } catch {
    // not Linux: maxRSS alone
  }
  writeSync(2, `\n@@bench maxrss_kb=${process.resourceUsage().maxRSS} vmhwm_kb=${hwm}\n`);
});

const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
process.exitCode = code;
