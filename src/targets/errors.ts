/**
 * The one error type of the targets module: every bad target, exclude, port list, shard or targets-file line
 * throws a TargetError whose message is one line naming the offending input and why, e.g.
 *   invalid target "10.0.0.300": octet 300 out of range
 *   hosts.txt:12: invalid target "web 01": contains whitespace (one target per line)
 * The CLI prints `message` as is and exits with a usage error; it never needs the stack.
 */
export type TargetErrorKind = 'target' | 'exclude' | 'port' | 'shard' | 'file';

/** Longest rendering of a user's input in a message (a pasted binary blob must not flood the terminal). */
const MAX_SHOWN = 120;

/** JSON-quotes the input so control characters (a stray CR, a tab) are visible and the message stays one line. */
export function quoteInput(input: string): string {
  const shown = input.length > MAX_SHOWN ? `${input.slice(0, MAX_SHOWN)}...` : input;
  return JSON.stringify(shown);
}

export class TargetError extends Error {
  override readonly name = 'TargetError';
  constructor(
    /** What kind of item was bad. */
    readonly kind: TargetErrorKind,
    /** The item exactly as the user gave it. */
    readonly input: string,
    /** Why, in words the user can act on. */
    readonly reason: string,
    /** `FILE:LINE` when the item came from a targets file, else null. */
    readonly location: string | null = null,
  ) {
    const what = kind === 'port' ? 'invalid port' : kind === 'file' ? 'cannot read targets' : `invalid ${kind}`;
    super(`${location !== null ? `${location}: ` : ''}${what} ${quoteInput(input)}: ${reason}`);
  }

  /** The same error, located at `FILE:LINE`. */
  at(location: string): TargetError {
    return new TargetError(this.kind, this.input, this.reason, location);
  }
}

export function isTargetError(e: unknown): e is TargetError {
  return e instanceof TargetError;
}
