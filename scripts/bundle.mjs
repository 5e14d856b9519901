#!/usr/bin/env node
// The one-file release build: dist/rdprobe.mjs, runnable as `node rdprobe.mjs ...` from any folder, with no
// node_modules. `npm run bundle` compiles the TypeScript (tsc, into dist/) and then bundles dist/src/cli/main.js.
//
// Start-up is what one file is for (a CI job or a pod starts rdprobe once), and most of it is V8 compiling code
// (bench `startup`). Two things keep that small:
// - What a scan may never use stays out of the code compiled at start: the packages rdprobe imports only when
//   needed (`await import(...)`: the X.509 parser on the first certificate, YAML on the first YAML policy) are carried
//   inside the file as the text of a CommonJS bundle each, brotli-compressed, unpacked and compiled (new Function) on
//   that first import.
// - The application itself is a CommonJS script held in a string, which a small ES-module loader at the top of the
//   file compiles with node:vm and V8's code cache, as Node 22's module.enableCompileCache() does for modules (Node
//   20, which rdprobe supports, has no such switch). The first run compiles and, at exit, writes V8's cache of what
//   it compiled to a per-user cache folder; later runs of the same build on the same Node load that instead of
//   compiling. The cache is an optimisation only: a missing, unreadable, foreign or rejected cache file means an
//   ordinary compile, and RDPROBE_CACHE_DIR=off turns it off (README, "One file").
import { build } from 'esbuild';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import zlib, { brotliCompressSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = join(ROOT, 'dist/src/cli/main.js');
// `--out FILE` writes elsewhere (the tests build their own copy); default dist/rdprobe.mjs.
const outAt = process.argv.indexOf('--out');
const OUT = outAt > 0 && process.argv[outAt + 1] ? resolve(process.argv[outAt + 1]) : join(ROOT, 'dist/rdprobe.mjs');
/** Packages src/ imports only with `await import()`: each becomes a lazily loaded module inside the file. */
const LAZY = ['reflect-metadata', '@peculiar/x509', 'asn1js', 'yaml'];
const TARGET = 'node20.19';

const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

/** One package as the source text of a self-contained CommonJS module (node built-ins come from `require`). */
async function lazySource(pkg) {
  const r = await build({
    entryPoints: [pkg],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: TARGET,
    minify: true,
    write: false,
    // The packages' licence notices travel with their code.
    legalComments: 'eof',
    logLevel: 'warning',
  });
  return r.outputFiles[0].text;
}

/** Brotli at its best, as base64. */
const packed = (text) => brotliCompressSync(Buffer.from(text, 'utf8'), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).toString('base64');

// In LAZY's order, as src/ loads them: @peculiar/x509 needs reflect-metadata's global polyfill in place.
const lazy = new Map();
for (const pkg of LAZY) {
  const text = await lazySource(pkg);
  lazy.set(pkg, { text });
}

const lazyPlugin = {
  name: 'lazy-packages',
  setup(b) {
    const filter = new RegExp(`^(${LAZY.map((p) => p.replace(/[/.]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, (args) => {
      // A static import of one of them would load it at start: the build refuses it.
      if (args.kind !== 'dynamic-import') return { errors: [{ text: `${args.path} is imported statically by ${args.importer}: import it with await import() where it is needed` }] };
      return { path: args.path, namespace: 'lazy' };
    });
    // A CommonJS module of the bundle, evaluated on the first import only: it unpacks the package's text and has the
    // loader compile it (with V8's code cache, like the application) and run it with the application's `require`
    // (Node's built-ins). node:zlib loads then.
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => {
      const { text } = lazy.get(args.path);
      return {
        loader: 'js',
        contents: [
          `const text = require('node:zlib').brotliDecompressSync(Buffer.from(${JSON.stringify(packed(text))}, 'base64')).toString('utf8');`,
          `__rdprobe_compile(${JSON.stringify(args.path.replace(/[^\w.-]+/g, '_'))}, '(function (module, exports, require) {' + text + '\\n})')(module, module.exports, require);`,
        ].join('\n'),
      };
    });
  },
};

// The application, as the body of a function the loader calls with a `require` for Node's built-ins. No
// `import()` is left in it (esbuild turns each into a require behind a promise), so node:vm needs no module loader.
const app = await build({
  entryPoints: [ENTRY],
  write: false,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: TARGET,
  minify: true,
  legalComments: 'eof',
  supported: { 'dynamic-import': false },
  define: { RDPROBE_BUILD_VERSION: JSON.stringify(version), 'import.meta.url': '__rdprobe_url' },
  plugins: [lazyPlugin],
  logLevel: 'warning',
});
// (main.ts's #! line is the loader's now.)
const source = `(function (require, module, exports, __rdprobe_url, __rdprobe_compile) {${app.outputFiles[0].text.replace(/^#!.*\n/, '')}\n})`;
// V8 accepts a cache for a script of the same length: cache files are named for this exact build.
const digest = createHash('sha256').update(source).digest('hex').slice(0, 16);

// The file: the loader, then the application as line comments after a marker line. V8 skims comments faster than
// it scans a string literal of the same size (a few ms of every start); the loader reads its own file and takes the
// text back. That round trip must be exact: the text is ASCII (esbuild's default charset) and has no line
// terminator but \n, which the build checks.
const MARKER = '//# rdprobe application: a CommonJS script, each line behind "//"; the loader above compiles it.';
if (/[^\x00-\x7f]|\r/.test(source)) throw new Error('bundle: the application text is not plain ASCII with \\n line ends');

// The loader. compile() runs a script from V8's code cache when there is one of this build for this Node, else
// compiles it and writes its cache at exit: the application at start, each lazy package on its first import. Any
// failure of the cache (no home folder, read-only disk, a file of another user, V8 rejecting it) only costs the
// compile.
// Node's modules come from process.getBuiltinModule, not import: an ES-module import of node:fs builds a facade
// that reads every export of it, which loads its streams (a few ms of every start).
const loader = `const { createRequire } = process.getBuiltinModule('node:module');
const { Script } = process.getBuiltinModule('node:vm');
const { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } = process.getBuiltinModule('node:fs');
const { dirname, join } = process.getBuiltinModule('node:path');
const { fileURLToPath } = process.getBuiltinModule('node:url');
const self = readFileSync(fileURLToPath(import.meta.url), 'latin1');
const APP = self.slice(self.indexOf(${JSON.stringify('\n' + MARKER + '\n')}) + ${MARKER.length + 1}).replaceAll('\\n//', '\\n');
function cacheDir() {
  const env = process.env, own = env.RDPROBE_CACHE_DIR;
  if (own !== undefined && own !== '') return own === 'off' ? null : own;
  if (process.platform === 'win32') return env.LOCALAPPDATA ? join(env.LOCALAPPDATA, 'rdprobe', 'cache') : null;
  if (!env.HOME) return null;
  if (process.platform === 'darwin') return join(env.HOME, 'Library', 'Caches', 'rdprobe');
  return join(env.XDG_CACHE_HOME || join(env.HOME, '.cache'), 'rdprobe');
}
const dir = cacheDir();
const unwritten = [];
function compile(name, source) {
  const file = dir && join(dir, '${digest}-' + name + '-' + process.version + '-' + process.arch + '.v8cache');
  let cached;
  if (file) {
    try {
      // Only a cache this user wrote (on POSIX: owned by this uid): V8 runs what the cache holds.
      const st = statSync(file);
      if (process.getuid === undefined || st.uid === process.getuid()) cached = readFileSync(file);
    } catch {}
  }
  const script = new Script(source, { filename: 'rdprobe.mjs (' + name + ')', cachedData: cached });
  if (file && (cached === undefined || script.cachedDataRejected)) unwritten.push([script, file]);
  return script.runInThisContext();
}
process.once('exit', () => {
  if (unwritten.length === 0) return;
  for (const [script, file] of unwritten) {
    try {
      const data = script.createCachedData();
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      const part = file + '.' + process.pid;
      writeFileSync(part, data, { mode: 0o600 });
      renameSync(part, file);
    } catch {}
  }
  // A new build's first run also clears the caches of other builds not written for 30 days, so updates do not pile
  // up files (a build in use keeps its own; a pruned one only compiles once more).
  try {
    const old = Date.now() - 30 * 86400000;
    for (const name of readdirSync(dir)) {
      if (!/^[0-9a-f]{16}-.*\\.v8cache$/.test(name) || name.startsWith('${digest}-')) continue;
      const f = join(dir, name);
      if (statSync(f).mtimeMs < old) unlinkSync(f);
    }
  } catch {}
});
const module = { exports: {} };
compile('app', APP)(createRequire(import.meta.url), module, module.exports, import.meta.url, compile);
`;
const text = `#!/usr/bin/env node\n// rdprobe ${version}: one-file build (node rdprobe.mjs --help). Source: the rdprobe repository, npm run bundle.\n${loader}${MARKER}\n//${source.replaceAll('\n', '\n//')}\n`;
writeFileSync(OUT, text);
chmodSync(OUT, 0o755);
// stdout stays clean (npm pack --json prints after this script).
process.stderr.write(`${OUT}\n`);
