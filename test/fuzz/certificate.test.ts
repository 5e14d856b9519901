/**
 * Fuzz suite, part 4: analyzeCertificate(der, chainLength, now) may only resolve or reject with DecodeError
 * (never RangeError, TypeError or an asn1js / @peculiar/x509 exception). See test/fuzz/README.md.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { DecodeError } from '../../protocol/errors.js';
import { fromHex, toHex } from '../../protocol/writer.js';
import { analyzeCertificate } from '../../src/analysis/certificate.js';
import { RUNS, corpus, mutated, randomBytes, regressions } from './fuzz-helpers.js';

const NOW = new Date('2026-11-22T00:00:00Z');
/** Parsing and verifying a certificate costs far more than a protocol decode: fewer runs, same scaling. */
const CERT_RUNS = Math.max(1, Math.floor(RUNS / 4));

async function analyzeOrDecodeError(der: Uint8Array): Promise<unknown> {
  try {
    return await analyzeCertificate(der, 1, NOW);
  } catch (e) {
    if (e instanceof DecodeError) return e;
    const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    throw new Error(`analyzeCertificate rejected with ${what} (not a DecodeError) on input ${toHex(der)}`);
  }
}

const fixtures = readdirSync(new URL('../fixtures/certs/', import.meta.url))
  .filter((f) => f.endsWith('.pem'))
  .sort()
  .map((f) => new Uint8Array(new X509Certificate(readFileSync(new URL(`../fixtures/certs/${f}`, import.meta.url))).raw));
const seeds = [...fixtures, ...corpus('seeds', 'certificate').map((e) => e.bytes)];

describe('fuzz: analyzeCertificate', () => {
  it('every fixture is analysed', async () => {
    expect(fixtures.length).toBeGreaterThan(0);
    for (const der of seeds) expect(await analyzeCertificate(der, 1, NOW)).toHaveProperty('sha256_fingerprint');
  });

  it('random bytes: resolves or rejects with DecodeError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(randomBytes([], 64), randomBytes([0x30, 0x82], 64), randomBytes([0x30, 0x81, 0x40, 0x30], 64)), async (b) => {
        await analyzeOrDecodeError(b);
      }),
      { numRuns: CERT_RUNS },
    );
  });

  it('mutated certificates: resolves or rejects with DecodeError', async () => {
    await fc.assert(
      fc.asyncProperty(mutated(seeds), async (b) => {
        await analyzeOrDecodeError(b);
      }),
      { numRuns: CERT_RUNS },
    );
  });

  it('long-form and deeply nested encodings fail cleanly', async () => {
    for (const hex of ['30 84 ff ff ff ff 30 00', '30 85 00 00 00 00 01 00', '30 80 30 80 00 00 00 00', '', '30', '30 00', '04 00']) {
      expect(await analyzeOrDecodeError(fromHex(hex)), hex).toBeInstanceOf(DecodeError);
    }
    const depth = 5000;
    const indefinite = new Uint8Array(depth * 2).map((_, i) => (i % 2 === 0 ? 0x30 : 0x80));
    expect(await analyzeOrDecodeError(indefinite)).toBeInstanceOf(DecodeError);
    const definite: number[] = [];
    for (let i = 0; i < depth; i++) definite.unshift(0x30, 0x84, 0, 0, 0, 0); // lengths patched below
    let inner = 0;
    for (let i = depth - 1; i >= 0; i--) {
      const at = i * 6;
      definite[at + 2] = (inner >>> 24) & 0xff;
      definite[at + 3] = (inner >>> 16) & 0xff;
      definite[at + 4] = (inner >>> 8) & 0xff;
      definite[at + 5] = inner & 0xff;
      inner += 6;
    }
    expect(await analyzeOrDecodeError(Uint8Array.from(definite))).toBeInstanceOf(DecodeError);
  });

  regressions('certificate', (der) => analyzeCertificate(der, 1, NOW));
});
