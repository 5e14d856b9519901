// A minimal, test-only ClientHello reader: enough to compare client profiles with recorded bytes. The real TLS
// codec is being built in protocol/ by someone else; this stays small and strict (every length checked).

export interface ClientHelloSummary {
  recordVersion: number;
  legacyVersion: number;
  cipherSuites: string[];
  extensions: number[];
  groups: string[] | null;
  signatureAlgorithms: string[] | null;
  supportedVersions: number[] | null;
}

const hex4 = (v: number) => `0x${v.toString(16).padStart(4, '0')}`;

class Cursor {
  constructor(
    private readonly b: Buffer,
    public pos = 0,
    private readonly end = b.length,
  ) {}
  need(n: number, what: string) {
    if (this.pos + n > this.end) throw new Error(`ClientHello: ${what} runs past the end (${this.pos}+${n} > ${this.end})`);
  }
  u8(what: string) { this.need(1, what); return this.b[this.pos++]!; }
  u16(what: string) { this.need(2, what); const v = this.b.readUInt16BE(this.pos); this.pos += 2; return v; }
  u24(what: string) { this.need(3, what); const v = this.b.readUIntBE(this.pos, 3); this.pos += 3; return v; }
  sub(len: number, what: string) { this.need(len, what); const c = new Cursor(this.b, this.pos, this.pos + len); this.pos += len; return c; }
  skip(len: number, what: string) { this.need(len, what); this.pos += len; }
  done() { return this.pos === this.end; }
  u16list(what: string) { const out: number[] = []; while (!this.done()) out.push(this.u16(what)); return out; }
}

/** Reads one TLS record holding a whole ClientHello; throws on anything else or on trailing bytes. */
export function readClientHello(hex: string): ClientHelloSummary {
  const b = Buffer.from(hex, 'hex');
  const rec = new Cursor(b);
  if (rec.u8('content type') !== 22) throw new Error('ClientHello: record content type is not handshake (22)');
  const recordVersion = rec.u16('record version');
  const body = rec.sub(rec.u16('record length'), 'record body');
  if (!rec.done()) throw new Error('ClientHello: bytes after the record');
  if (body.u8('handshake type') !== 1) throw new Error('ClientHello: handshake type is not client_hello (1)');
  const hs = body.sub(body.u24('handshake length'), 'handshake body');
  if (!body.done()) throw new Error('ClientHello: bytes after the handshake message');
  const legacyVersion = hs.u16('legacy_version');
  hs.skip(32, 'random');
  hs.sub(hs.u8('session_id length'), 'session_id');
  const cipherSuites = hs.sub(hs.u16('cipher_suites length'), 'cipher_suites').u16list('cipher suite').map(hex4);
  hs.sub(hs.u8('compression_methods length'), 'compression_methods');
  const out: ClientHelloSummary = {
    recordVersion, legacyVersion, cipherSuites, extensions: [], groups: null, signatureAlgorithms: null, supportedVersions: null,
  };
  if (hs.done()) return out;
  const exts = hs.sub(hs.u16('extensions length'), 'extensions');
  if (!hs.done()) throw new Error('ClientHello: bytes after the extensions');
  while (!exts.done()) {
    const type = exts.u16('extension type');
    const data = exts.sub(exts.u16('extension length'), `extension ${type}`);
    out.extensions.push(type);
    if (type === 10) out.groups = data.sub(data.u16('named_group_list length'), 'named_group_list').u16list('group').map(hex4);
    if (type === 13) out.signatureAlgorithms = data.sub(data.u16('signature_algorithms length'), 'signature_algorithms').u16list('scheme').map(hex4);
    if (type === 43) out.supportedVersions = data.sub(data.u8('supported_versions length'), 'supported_versions').u16list('version');
  }
  return out;
}

const VERSION_NAMES: Record<number, string> = { 0x0300: 'ssl3', 0x0301: 'tls1.0', 0x0302: 'tls1.1', 0x0303: 'tls1.2', 0x0304: 'tls1.3' };

/** The highest version a ClientHello offers, as a profile's TlsVersion name. */
export function highestOffered(h: ClientHelloSummary): string {
  const versions = h.supportedVersions ?? [h.legacyVersion];
  return VERSION_NAMES[Math.max(...versions)] ?? `unknown(${hex4(Math.max(...versions))})`;
}

/** Versions in supported_versions (lowest first) as TlsVersion names, or null when the extension is absent. */
export function supportedVersionNames(h: ClientHelloSummary): string[] | null {
  return h.supportedVersions ? [...h.supportedVersions].sort((a, b) => a - b).map((v) => VERSION_NAMES[v] ?? hex4(v)) : null;
}
