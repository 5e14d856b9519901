#!/usr/bin/env node
// The one-file release build: dist/rdprobe.mjs, runnable as `node rdprobe.mjs ...` from any folder, with no
// node_modules. `npm run bundle` compiles the TypeScript (tsc, into dist/) and then bundles dist/src/cli/main.js.
//
// Start-up is what one file is for (a CI job or a pod starts rdprobe once), so what a scan may never use stays out
// of the code Node compiles at start: the packages rdprobe imports only when needed (`await import(...)`: the X.509
// parser on the first certificate, YAML on the first YAML policy) are carried inside the file as the text of a
// CommonJS bundle each, brotli-compressed, unpacked and compiled (new Function) on that first import. Node reads and
// V8 scans a short string for them at start instead of compiling them (bench `startup`).
import { build } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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

/** The names a CommonJS module's text exports (evaluated here, at build time, as it will be at run time). */
function exportNames(text) {
  const m = { exports: {} };
  new Function('module', 'exports', 'require', text)(m, m.exports, createRequire(import.meta.url));
  return Object.keys(m.exports).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k) && k !== 'default');
}

// In LAZY's order, as src/ loads them: @peculiar/x509 needs reflect-metadata's global polyfill in place.
const lazy = new Map();
for (const pkg of LAZY) {
  const text = await lazySource(pkg);
  lazy.set(pkg, { text, names: exportNames(text) });
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
    // An ES module of the bundle, evaluated on the first import only: it unpacks the package's text, compiles it with
    // a `require` for Node's built-ins, and exports what the package exports. node:module and node:zlib load then.
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => {
      const { text, names } = lazy.get(args.path);
      return {
        loader: 'js',
        contents: [
          `const { createRequire } = await import('node:module');`,
          `const { brotliDecompressSync } = await import('node:zlib');`,
          `const text = brotliDecompressSync(Buffer.from(${JSON.stringify(packed(text))}, 'base64')).toString('utf8');`,
          `const m = { exports: {} };`,
          `new Function('module', 'exports', 'require', text)(m, m.exports, createRequire(import.meta.url));`,
          ...names.map((k) => `export const ${k} = m.exports.${k};`),
          `export default m.exports;`,
        ].join('\n'),
      };
    });
  },
};

await build({
  entryPoints: [ENTRY],
  outfile: OUT,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: TARGET,
  minify: true,
  legalComments: 'eof',
  define: { RDPROBE_BUILD_VERSION: JSON.stringify(version) },
  banner: { js: `// rdprobe ${version}: one-file build (node rdprobe.mjs --help). Source: the rdprobe repository, npm run bundle.` },
  plugins: [lazyPlugin],
  logLevel: 'warning',
});
chmodSync(OUT, 0o755);
// stdout stays clean (npm pack --json prints after this script).
process.stderr.write(`${OUT}\n`);
