/**
 * Exit codes, documented in README.md ("Exit codes"). CI systems rely on them: change only deliberately.
 */
export const EXIT = {
  /** Scan finished; nothing at or above the gate (--fail-on / --policy / --baseline). */
  OK: 0,
  /** The gate failed: a finding at or above --fail-on, a policy violation, or a regression against the baseline. */
  GATE_FAILED: 1,
  /** Usage or input error: bad arguments, invalid target, unreadable policy/baseline/targets file. */
  USAGE: 2,
  /** rdprobe itself failed (output not writable, internal error). Records already written stay valid. */
  RUNTIME: 3,
  /** Interrupted (Ctrl-C): records already written are complete and valid; --resume continues. */
  INTERRUPTED: 130,
} as const;

/** An error whose message is the one line the user sees, with the exit code it maps to. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.USAGE,
  ) {
    super(message);
  }
}
