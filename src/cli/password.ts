/**
 * Where the test account's password comes from, in this order: --password-file FILE, the RDPROBE_PASSWORD
 * environment variable, or a prompt on the terminal (no echo). Never from the command line, where every user of
 * the machine can read it (`ps`, shell history): there is no --password option. Errors name the source, never
 * the content.
 */
import { readFile } from 'node:fs/promises';
import { readErrorText } from '../read-error.js';
import { CliError, EXIT } from './exit-codes.js';

const PASSWORD_ENV = 'RDPROBE_PASSWORD';

/** The one-line answer to `--password`: say why it does not exist and what to use instead. */
export const NO_PASSWORD_OPTION = `there is no --password option (a password on the command line is visible to every user of the machine): set ${PASSWORD_ENV}, use --password-file FILE, or run on a terminal to be asked`;

/** A --password / --password=... argument (not --password-file). */
export function isPasswordArgument(arg: string): boolean {
  return /^--password(=|$)/i.test(arg);
}

/** The file's bytes less a BOM and one trailing line break (what `echo secret > file` leaves). */
async function readPasswordFile(path: string): Promise<Uint8Array> {
  let b: Buffer;
  try {
    b = await readFile(path);
  } catch (e) {
    throw new CliError(`--password-file ${path}: cannot read it (${readErrorText(e)})`);
  }
  const start = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  let end = b.length;
  if (end > start && b[end - 1] === 0x0a) end--;
  if (end > start && b[end - 1] === 0x0d) end--;
  const out = Uint8Array.from(b.subarray(start, end));
  b.fill(0);
  if (out.length === 0) throw new CliError(`--password-file ${path}: the file is empty`);
  if (out.includes(0x0a) || out.includes(0x0d)) {
    out.fill(0);
    throw new CliError(`--password-file ${path}: the password must be on one line`);
  }
  return out;
}

/**
 * Asks on the terminal with node:readline, echo muted (portable: no stty). The prompt goes to `output` (stderr),
 * so stdout stays the scan's. Ctrl-C or Ctrl-D at the prompt ends rdprobe with a one-line message.
 */
export function promptPassword(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, prompt: string): Promise<Uint8Array> {
  // Loaded here, not at start: only a run that prompts needs them.
  const { Writable } = process.getBuiltinModule('node:stream');
  const { createInterface } = process.getBuiltinModule('node:readline');
  return new Promise((resolve, reject) => {
    let muted = false;
    const echo = new Writable({
      write(chunk: Buffer, _enc, done) {
        if (!muted) output.write(chunk);
        done();
      },
    });
    const rl = createInterface({ input, output: echo, terminal: true, historySize: 0 });
    let answered = false;
    rl.on('SIGINT', () => {
      rl.close();
    });
    rl.on('close', () => {
      if (answered) return;
      output.write('\n');
      reject(new CliError('no password given at the prompt', EXIT.INTERRUPTED));
    });
    rl.question(prompt, (line) => {
      answered = true;
      muted = false;
      output.write('\n');
      rl.close();
      const bytes = Uint8Array.from(Buffer.from(line, 'utf8'));
      if (bytes.length === 0) reject(new CliError('an empty password was given at the prompt'));
      else resolve(bytes);
    });
    // Everything readline writes from here on (the typed characters, its line refreshes) is swallowed.
    muted = true;
  });
}

export interface PasswordSources {
  passwordFile: string | undefined;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadStream;
  stderr: NodeJS.WriteStream;
  /** The account, for the prompt. */
  account: string;
  /** Targets come from standard input: it cannot also answer a prompt. */
  stdinTaken: boolean;
}

export async function obtainPassword(s: PasswordSources): Promise<Uint8Array> {
  if (s.passwordFile !== undefined) return readPasswordFile(s.passwordFile);
  const fromEnv = s.env[PASSWORD_ENV];
  if (fromEnv !== undefined) {
    if (fromEnv === '') throw new CliError(`${PASSWORD_ENV} is set but empty`);
    return Uint8Array.from(Buffer.from(fromEnv, 'utf8'));
  }
  if (s.stdin.isTTY && !s.stdinTaken) return promptPassword(s.stdin, s.stderr, `Password for ${s.account}: `);
  throw new CliError(`--user ${s.account} needs a password: set ${PASSWORD_ENV}, use --password-file FILE, or run on a terminal to be asked (there is no --password option)`);
}
