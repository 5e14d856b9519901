/**
 * The command-line parser (src/cli/args.ts) on its own: the spellings users type, what it refuses, and the help it
 * generates. In-process: the handlers capture what they were given.
 */
import { describe, expect, it } from 'vitest';
import { ArgParser, type Parsed } from '../../src/cli/args.js';
import { CliError } from '../../src/cli/exit-codes.js';

function parser(): { p: ArgParser; got: () => Parsed; out: () => string } {
  let got: Parsed | null = null;
  let out = '';
  const p = new ArgParser('rdprobe', { write: (s: string) => (out += s) })
    .usage('$0 <command> [options]')
    .version('9.9.9')
    .demandCommand('give a command: scan or diff')
    .command(
      'scan [targets..]',
      'probe hosts',
      (y) =>
        y
          .positional('targets', { describe: 'hosts' })
          .option('port', { alias: 'p', type: 'string', default: '3389', describe: 'ports' })
          .option('output', { alias: 'o', type: 'string', array: true, describe: 'files' })
          .option('exclude', { type: 'string', array: true, default: [] as string[] })
          .option('fail-on', { type: 'string' })
          .option('quiet', { alias: 'q', type: 'boolean', default: false })
          .option('udp', { type: 'boolean', default: true, describe: 'UDP check' })
          .option('color', { type: 'boolean' })
          .option('format', { alias: 'f', type: 'string' }),
      (o) => void (got = o),
    )
    .command(
      'diff <before> <after>',
      'compare',
      (y) => y.option('expiry-days', { type: 'number', default: 30 }).option('format', { alias: 'f', choices: ['table', 'json'], default: 'table' }),
      (o) => void (got = o),
    );
  return { p, got: () => got!, out: () => out };
}

async function parse(argv: string[]): Promise<Parsed> {
  const t = parser();
  await t.p.parse(argv);
  return t.got();
}

async function refused(argv: string[], pattern: RegExp): Promise<void> {
  const t = parser();
  const e = await t.p.parse(argv).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CliError);
  expect((e as CliError).exitCode).toBe(2);
  expect((e as CliError).message).toMatch(pattern);
}

describe('ArgParser: spellings', () => {
  it('options before, between and after positionals; defaults; --name=value and -x value', async () => {
    const o = await parse(['scan', '-p', '3390', 'a', '--fail-on=high', 'b', '-o', 'x.json', '-o', 'y.xml']);
    expect(o['targets']).toEqual(['a', 'b']);
    expect(o['port']).toBe('3390');
    expect(o['fail-on']).toBe('high');
    expect(o['output']).toEqual(['x.json', 'y.xml']);
    expect(o['exclude']).toEqual([]);
    expect(o['quiet']).toBe(false);
    expect(o['udp']).toBe(true);
    expect(o['color']).toBeUndefined();
    expect(o._).toEqual(['scan']);
  });

  it('a single-valued option given twice takes its last value (getopt)', async () => {
    expect((await parse(['scan', 'a', '--fail-on', 'high', '--fail-on', 'low']))['fail-on']).toBe('low');
    expect((await parse(['scan', 'a', '-f', 'json', '--format=table']))['format']).toBe('table');
  });

  it('an array option takes one value per flag: the next word is a target again', async () => {
    const o = await parse(['scan', '--exclude', '10.0.0.1', '10.0.0.0/24']);
    expect(o['exclude']).toEqual(['10.0.0.1']);
    expect(o['targets']).toEqual(['10.0.0.0/24']);
  });

  it('"-" is a value (standard input), as a positional and as an option value', async () => {
    expect((await parse(['scan', '-']))['targets']).toEqual(['-']);
    expect((await parse(['scan', '-o', '-', 'a']))['output']).toEqual(['-']);
  });

  it('--no-X turns a switch off; --X=false too; a switch may be followed by true/false', async () => {
    expect((await parse(['scan', '--no-udp']))['udp']).toBe(false);
    expect((await parse(['scan', '--udp=false']))['udp']).toBe(false);
    expect((await parse(['scan', '--no-color']))['color']).toBe(false);
    const o = await parse(['scan', '--quiet', 'false', 'a']);
    expect(o['quiet']).toBe(false);
    expect(o['targets']).toEqual(['a']);
  });

  it('clustered short switches, the last letter taking a value: -qf json, -qfjson', async () => {
    for (const argv of [['scan', '-qf', 'json'], ['scan', '-qfjson'], ['scan', '-q', '-f=json']]) {
      const o = await parse(argv);
      expect(o['quiet']).toBe(true);
      expect(o['format']).toBe('json');
    }
  });

  it('after --, everything is a positional (in _ after the command), even --help', async () => {
    const o = await parse(['scan', 'a', '--', '--help', '-q']);
    expect(o['targets']).toEqual(['a']);
    expect(o._).toEqual(['scan', '--help', '-q']);
    expect(o['quiet']).toBe(false);
  });

  it('a flag without its value: an array gets nothing, a string gets "" (the command says what it needed)', async () => {
    expect((await parse(['scan', 'a', '-o']))['output']).toEqual([]);
    expect((await parse(['scan', 'a', '--fail-on']))['fail-on']).toBe('');
  });

  it('numbers and choices', async () => {
    const o = await parse(['diff', 'a.ndjson', 'b.ndjson', '--expiry-days', '14', '-f', 'json']);
    expect(o).toMatchObject({ before: 'a.ndjson', after: 'b.ndjson', 'expiry-days': 14, format: 'json' });
  });
});

describe('ArgParser: refusals are one-line usage errors', () => {
  it.each([
    [['scna'], /unknown command "scna": did you mean scan\?/],
    [[], /give a command/],
    [['--port', '1', 'scan'], /unknown option --port .*after the command/],
    [['scan', '--bogus'], /unknown option --bogus/],
    [['scan', '--fail-of', 'high'], /unknown option --fail-of: did you mean --fail-on\?/],
    [['scan', '-x'], /unknown option -x/],
    [['scan', '--no-udp=yes'], /--no-udp takes no value/],
    [['scan', '--quiet=maybe'], /--quiet is a switch/],
    [['diff', 'a'], /diff: missing <after>/],
    [['diff', 'a', 'b', 'c'], /unknown argument: c/],
    [['diff', 'a', 'b', '--expiry-days', 'soon'], /--expiry-days: expected a number/],
    [['diff', 'a', 'b', '-f', 'xml'], /--format: "xml" is not one of table, json/],
  ])('%j', async (argv, pattern) => refused(argv as string[], pattern));
});

describe('ArgParser: help and version', () => {
  it('--version anywhere before --', async () => {
    for (const argv of [['--version'], ['scan', '--version']]) {
      const t = parser();
      await t.p.parse(argv);
      expect(t.out()).toBe('9.9.9\n');
      expect(t.got()).toBeNull();
    }
  });

  it('--help lists the commands; scan --help its positionals and options, a default-on switch as --no-X', async () => {
    const top = parser();
    await top.p.parse(['--help']);
    expect(top.out()).toMatch(/Commands:\n {2}rdprobe scan \[targets\.\.\] +probe hosts\n {2}rdprobe diff <before> <after> +compare/);
    const scan = parser();
    await scan.p.parse(['scan', '-h']);
    expect(scan.out()).toMatch(/^rdprobe scan \[targets\.\.\]\n\nprobe hosts\n\nPositionals:\n {2}targets +hosts\n\nOptions:\n/);
    expect(scan.out()).toMatch(/^ {2}-p, --port +ports \[default: "3389"\]$/m);
    expect(scan.out()).toMatch(/^ {2}-o, --output +files \[repeatable\]$/m);
    expect(scan.out()).toMatch(/^ {6}--no-udp +UDP check$/m);
    expect(scan.got()).toBeNull();
  });
});
