/**
 * The command-line parser: commands with positionals and options, declared the way cli.ts reads them
 * (`.command('scan [targets..]', ..., (y) => y.option(...), handler)`), help generated from the declarations.
 *
 * Why not a library: yargs cost about 110 ms of a 270 ms start-up (loading its ~45 modules, then laying out the whole
 * help text after every command, in case it is asked for), and one start-up per CI job or per pod is the common case
 * (bench `startup`). What rdprobe needs is small and is all here:
 *  - `--name value`, `--name=value`, `-x value`, `-xvalue`; `--no-name` for booleans; `--` ends the options;
 *  - `-` is a value (standard input), never an option; an array option takes one value per flag (`-i a -i b`);
 *  - a single-valued option given twice takes the last value (getopt's rule);
 *  - unknown options and extra positionals: one-line errors (exit 2).
 */
import { CliError, EXIT } from './exit-codes.js';

export interface OptionSpec {
  alias?: string;
  /** Default 'string'. */
  type?: 'string' | 'boolean' | 'number';
  array?: boolean;
  default?: unknown;
  describe?: string;
  choices?: readonly string[];
  /** The command cannot run without it: a one-line error naming it. */
  demandOption?: boolean;
}

export interface PositionalSpec {
  type?: 'string';
  array?: boolean;
  describe?: string;
  demandOption?: boolean;
}

/** Parsed arguments: option values by their long name, positionals by name, `_` = [command, ...after `--`]. */
export type Parsed = Record<string, unknown> & { _: string[] };

type Handler = (o: Parsed) => void | Promise<void>;

/** One command's declarations; the builder callback of `.command()` fills it. */
export class CommandArgs {
  readonly options = new Map<string, OptionSpec>();
  readonly positionals: { name: string; spec: PositionalSpec }[] = [];

  option(name: string, spec: OptionSpec): this {
    this.options.set(name, spec);
    return this;
  }

  positional(name: string, spec: PositionalSpec): this {
    const p = this.positionals.find((x) => x.name === name);
    if (p) p.spec = { ...p.spec, ...spec };
    else this.positionals.push({ name, spec });
    return this;
  }
}

interface Command {
  name: string;
  /** `scan [targets..]`: the name and its positionals as written. */
  signature: string;
  describe: string;
  args: CommandArgs;
  handler: Handler;
}

const HELP: OptionSpec = { type: 'boolean', describe: 'show help' };
const VERSION: OptionSpec = { type: 'boolean', describe: 'show the version number' };

export class ArgParser {
  private readonly commands: Command[] = [];
  private usageText = '';
  private epilogueText = '';
  private versionText = '';
  private demandMessage = 'give a command';
  private width = 100;

  constructor(
    private readonly script: string,
    private readonly out: { write(s: string): unknown },
  ) {}

  usage(text: string): this {
    this.usageText = text;
    return this;
  }

  version(v: string): this {
    this.versionText = v;
    return this;
  }

  demandCommand(message: string): this {
    this.demandMessage = message;
    return this;
  }

  wrap(columns: number): this {
    this.width = Math.max(40, columns);
    return this;
  }

  epilogue(text: string): this {
    this.epilogueText = text;
    return this;
  }

  /**
   * `signature` is `name`, then positionals: `<a>` required, `[a]` optional, `..` variadic. `build` declares the
   * options (and describes the positionals); `handler` gets the parsed values.
   */
  command(signature: string, describe: string, build: (y: CommandArgs) => CommandArgs, handler: Handler): this {
    const [name, ...params] = signature.split(/\s+/);
    const args = new CommandArgs();
    for (const p of params) {
      const m = /^([<[])([\w-]+)(\.\.)?[>\]]$/.exec(p);
      if (!m) throw new Error(`bad command signature: ${signature}`);
      args.positional(m[2]!, { demandOption: m[1] === '<', array: Boolean(m[3]) });
    }
    build(args);
    this.commands.push({ name: name!, signature, describe, args, handler });
    return this;
  }

  /** Parses argv and runs the command's handler (or prints help or the version). Throws CliError on bad input. */
  async parse(argv: readonly string[]): Promise<void> {
    const first = argv.findIndex((a) => !a.startsWith('-') || a === '-');
    for (const a of first < 0 ? argv : argv.slice(0, first)) {
      if (a === '--help' || a === '-h') return void this.out.write(this.help(null));
      if (a === '--version') return void this.out.write(`${this.versionText}\n`);
      if (a === '--') break;
      throw new CliError(`unknown option ${a.split('=')[0]} (options go after the command: ${this.script} scan --help)`);
    }
    if (first < 0) throw new CliError(this.demandMessage);
    const word = argv[first]!;
    const cmd = this.commands.find((c) => c.name === word);
    if (!cmd) {
      const near = closest(word, this.commands.map((c) => c.name));
      throw new CliError(`unknown command "${word}"${near ? `: did you mean ${near}?` : ''} (commands: ${this.commands.map((c) => c.name).join(', ')})`);
    }
    const rest = argv.slice(first + 1);
    if (rest.includes('--help') || rest.includes('-h')) {
      // `scan -- --help` scans a host named --help; anything before `--` asks for help.
      const dd = rest.indexOf('--');
      const h = Math.min(...['--help', '-h'].map((x) => rest.indexOf(x)).filter((i) => i >= 0));
      if (dd < 0 || h < dd) return void this.out.write(this.help(cmd));
    }
    if (rest.includes('--version') && (rest.indexOf('--') < 0 || rest.indexOf('--version') < rest.indexOf('--'))) {
      return void this.out.write(`${this.versionText}\n`);
    }
    await cmd.handler(parseCommand(cmd, rest));
  }

  /** Help for the program (cmd null) or one command. */
  help(cmd: Command | null): string {
    const lines: string[] = [];
    if (cmd === null) {
      lines.push(this.usageText.replace(/\$0/g, this.script), '', 'Commands:');
      const w = Math.max(...this.commands.map((c) => c.signature.length)) + this.script.length + 5;
      for (const c of this.commands) lines.push(...columns(`  ${this.script} ${c.signature}`, c.describe, w, this.width));
      lines.push('', 'Options:');
      lines.push(...optionLines(new Map([['help', { ...HELP, alias: 'h' }], ['version', VERSION]]), this.width));
    } else {
      lines.push(`${this.script} ${cmd.signature}`, '', ...wrapText(cmd.describe, this.width));
      const described = cmd.args.positionals.filter((p) => p.spec.describe);
      if (described.length > 0) {
        lines.push('', 'Positionals:');
        const w = Math.max(...described.map((p) => p.name.length)) + 4;
        for (const p of described) lines.push(...columns(`  ${p.name}`, p.spec.describe!, w, this.width));
      }
      lines.push('', 'Options:');
      lines.push(...optionLines(new Map([...cmd.args.options, ['help', { ...HELP, alias: 'h' }], ['version', VERSION]]), this.width));
    }
    if (this.epilogueText) lines.push('', ...wrapText(this.epilogueText, this.width));
    return `${lines.join('\n')}\n`;
  }
}

/** The values of one command's arguments (everything after the command word). */
function parseCommand(cmd: Command, args: readonly string[]): Parsed {
  const { options } = cmd.args;
  const byAlias = new Map<string, string>();
  for (const [name, spec] of options) if (spec.alias) byAlias.set(spec.alias, name);
  const o: Parsed = { _: [cmd.name] };
  const positionals: string[] = [];

  const set = (name: string, spec: OptionSpec, shown: string, value: string | boolean | undefined): void => {
    if (spec.type === 'boolean') {
      o[name] = value === undefined ? true : value;
      return;
    }
    if (spec.array) {
      const list = (o[name] as unknown[] | undefined) ?? [];
      // A flag without a value leaves an empty list (or adds ''): the command says what it needed.
      if (value !== undefined) list.push(convert(spec, shown, value as string));
      o[name] = list;
      return;
    }
    // A single-valued option given twice takes its last value, as getopt does (`--timeout 1 --timeout 2` is 2 s).
    o[name] = value === undefined ? (spec.type === 'number' ? convert(spec, shown, '') : '') : convert(spec, shown, value as string);
  };

  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      o._.push(...args.slice(i + 1));
      break;
    }
    if (a === '-' || !a.startsWith('-') || /^-\d/.test(a)) {
      positionals.push(a);
      continue;
    }
    let name: string;
    let shown: string;
    let inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      inline = eq < 0 ? undefined : a.slice(eq + 1);
      shown = `--${name}`;
      if (!options.has(name)) {
        const base = name.startsWith('no-') ? name.slice(3) : null;
        if (base !== null && options.get(base)?.type === 'boolean') {
          if (inline !== undefined) throw new CliError(`${shown} takes no value`);
          o[base] = false;
          continue;
        }
        throw unknownOption(shown, [...options.keys()]);
      }
    } else {
      const letter = a[1]!;
      const long = byAlias.get(letter);
      shown = `-${letter}`;
      if (long === undefined) throw unknownOption(shown, [...options.keys()]);
      name = long;
      const tail = a.slice(2);
      if (tail !== '' && options.get(name)!.type === 'boolean' && !tail.startsWith('=')) {
        // -qf json: switches clustered, the last letter may take a value.
        let j = 1;
        while (j < a.length - 1 && options.get(byAlias.get(a[j]!) ?? '')?.type === 'boolean') o[byAlias.get(a[j++]!)!] = true;
        const n = byAlias.get(a[j]!);
        if (n === undefined) throw unknownOption(`-${a[j]!}`, [...options.keys()]);
        name = n;
        shown = `-${a[j]!}`;
        const after = a.slice(j + 1);
        if (after !== '') inline = after.startsWith('=') ? after.slice(1) : after;
      } else if (tail !== '') inline = tail.startsWith('=') ? tail.slice(1) : tail;
    }
    const spec = options.get(name)!;
    if (spec.type === 'boolean') {
      let v: boolean | undefined;
      if (inline !== undefined) {
        if (inline !== 'true' && inline !== 'false') throw new CliError(`${shown} is a switch: ${shown}, ${shown}=true or ${shown}=false, not "${inline}"`);
        v = inline === 'true';
      } else if (args[i + 1] === 'true' || args[i + 1] === 'false') v = args[++i] === 'true';
      set(name, spec, shown, v);
      continue;
    }
    if (inline === undefined) {
      const next = args[i + 1];
      // The next word is this option's value unless it is itself an option (a negative number is a value).
      if (next !== undefined && next !== '--' && (next === '-' || !next.startsWith('-') || /^-\d/.test(next))) {
        inline = next;
        i++;
      }
    }
    set(name, spec, shown, inline);
  }

  for (const [name, spec] of options) {
    if (o[name] === undefined && spec.default !== undefined) o[name] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
    const v = o[name];
    if (spec.demandOption && (v === undefined || v === '')) throw new CliError(`${cmd.name}: --${name} is required`);
    if (spec.choices && v !== undefined) {
      for (const x of Array.isArray(v) ? v : [v]) {
        if (!spec.choices.includes(String(x))) throw new CliError(`--${name}: "${String(x)}" is not one of ${spec.choices.join(', ')}`);
      }
    }
  }

  let next = 0;
  for (const { name, spec } of cmd.args.positionals) {
    if (spec.array) {
      o[name] = positionals.slice(next);
      if (spec.demandOption && positionals.length <= next) throw new CliError(`${cmd.name}: missing <${name}>`);
      next = positionals.length;
    } else if (next < positionals.length) o[name] = positionals[next++];
    else if (spec.demandOption) throw new CliError(`${cmd.name}: missing <${name}> (${cmd.name} ${cmd.signature.split(/\s+/).slice(1).join(' ')})`);
  }
  if (next < positionals.length) throw new CliError(`unknown argument: ${positionals[next]}`);
  return o;
}

function convert(spec: OptionSpec, shown: string, v: string): string | number {
  if (spec.type !== 'number') return v;
  const n = /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new CliError(`${shown}: expected a number, got "${v}"`);
  return n;
}

function unknownOption(shown: string, names: string[]): CliError {
  const near = shown.startsWith('--') ? closest(shown.slice(2), names) : null;
  return new CliError(`unknown option ${shown}${near ? `: did you mean --${near}?` : ''}`, EXIT.USAGE);
}

/** The candidate within edit distance 2 (or a third of the word) of `word`, if one is that close. */
function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

function optionLines(options: Map<string, OptionSpec>, width: number): string[] {
  const rows = [...options].map(([name, spec]) => {
    // A switch that is on by default is shown the way it is used: --no-udp.
    const flag = spec.type === 'boolean' && spec.default === true ? `--no-${name}` : `--${name}`;
    const left = `  ${spec.alias ? `-${spec.alias}, ` : '    '}${flag}`;
    const notes: string[] = [];
    if (spec.choices) notes.push(`[choices: ${spec.choices.join(', ')}]`);
    if (spec.default !== undefined && spec.type !== 'boolean' && !(Array.isArray(spec.default) && spec.default.length === 0)) notes.push(`[default: ${JSON.stringify(spec.default)}]`);
    if (spec.array) notes.push('[repeatable]');
    return { left, text: [spec.describe ?? '', ...notes].filter(Boolean).join(' ') };
  });
  const w = Math.min(34, Math.max(...rows.map((r) => r.left.length)) + 2);
  return rows.flatMap((r) => columns(r.left, r.text, w, width));
}

/** `left` padded to `w`, then `text` wrapped to `width` with continuation lines indented to `w`. */
function columns(left: string, text: string, w: number, width: number): string[] {
  const body = wrapText(text, Math.max(20, width - w));
  if (left.length >= w) return [left, ...body.map((l) => ' '.repeat(w) + l)];
  return body.map((l, i) => (i === 0 ? left.padEnd(w) : ' '.repeat(w)) + l);
}

function wrapText(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '' || out.length === 0) out.push(line);
  return out;
}
