/**
 * Shared values for the report's embedded data. A fleet repeats itself: the same `unreachable` finding, the same
 * protocol answers, the same cipher-suite lists on every host built from one image. Each object or array whose
 * JSON is at least MIN_LENGTH characters is written once, as a table entry, and referred to as {"$ref": n}
 * afterwards; entries are emitted in the same stream as the hosts, before their first use, so neither side has to
 * hold the whole scan (the writer keeps a digest per distinct value, the page a table it resolves lazily).
 * Record keys never start with "$" (snake_case, see record.ts), so a reference cannot be mistaken for data.
 */
import { createHash } from '../../../protocol/node-crypto.js';

/** Shorter values are cheaper inline than as a reference. */
const MIN_LENGTH = 40;

export class Interner {
  private readonly index = new Map<string, number>();
  private next = 0;

  /**
   * `v` with its repeated parts as references. `define` receives each new table entry (already encoded) before
   * the value that uses it is returned, so the caller can write entries ahead of their first use.
   */
  encode(v: unknown, define: (entry: unknown) => void): unknown {
    return this.children(v, define);
  }

  private value(v: unknown, define: (entry: unknown) => void): unknown {
    if (v === null || typeof v !== 'object') return v;
    const json = JSON.stringify(v);
    if (json.length < MIN_LENGTH) return this.children(v, define);
    const digest = createHash('sha1').update(json).digest('base64');
    let n = this.index.get(digest);
    if (n === undefined) {
      const entry = this.children(v, define);
      n = this.next++;
      this.index.set(digest, n);
      define(entry);
    }
    return { $ref: n };
  }

  private children(v: unknown, define: (entry: unknown) => void): unknown {
    if (Array.isArray(v)) return v.map((x) => this.value(x, define));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = this.value(x, define);
      return out;
    }
    return v;
  }
}
