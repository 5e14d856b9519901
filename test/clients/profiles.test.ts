import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeTsRequest } from '../../protocol/credssp.js';
import { requestedProtocolNames } from '../../protocol/negotiation.js';
import { ENCRYPTION_METHOD_NAMES } from '../../protocol/rdp-security.js';
import { flagNames } from '../../protocol/writer.js';
import { CLIENT_PROFILES, clientProfile } from '../../src/clients/index.js';
import {
  FACT_PATHS,
  OPTIONAL_FACT_PATHS,
  SEVERITIES,
  SOURCE_KINDS,
  factAt,
  type CaptureRef,
  type ClientProfile,
  type Fact,
  type FactPath,
} from '../../src/clients/profile.js';
import { suitesFor, WINDOWS_10_1809, WINDOWS_7, WINDOWS_11, WINDOWS_SERVER_2022 } from '../../src/clients/schannel-defaults.js';
import { methodsOf, requestedOf } from '../helpers/replay.js';
import { highestOffered, readClientHello, supportedVersionNames } from './client-hello.js';

interface Transcript {
  connections: { flow: ({ client: string } | { server: string })[]; inside_tls?: { client: string }[] }[];
}

const captureUrl = (file: string) => new URL(`../../captures/${file}`, import.meta.url);
const transcripts = new Map<string, Transcript>();
function transcript(file: string): Transcript {
  if (!transcripts.has(file)) transcripts.set(file, JSON.parse(readFileSync(captureUrl(file), 'utf8')) as Transcript);
  return transcripts.get(file)!;
}
/** The recorded client bytes a capture reference points at (hex). */
function capturedHex(ref: CaptureRef): string {
  const conn = transcript(ref.file).connections[ref.connection!];
  if (!conn) throw new Error(`${ref.file}: no connection ${ref.connection}`);
  const msg = ref.part === 'inside_tls' ? conn.inside_tls?.[ref.message!] : conn.flow[ref.message!];
  if (!msg || !('client' in msg)) throw new Error(`${ref.file}: connection ${ref.connection} ${ref.part ?? 'flow'}[${ref.message}] is not a client message`);
  return msg.client;
}

const ALL_PATHS: (FactPath | (typeof OPTIONAL_FACT_PATHS)[number])[] = [...FACT_PATHS, ...OPTIONAL_FACT_PATHS];
const facts = (p: ClientProfile) =>
  ALL_PATHS.map((path) => [path, factAt(p, path)] as const).filter((e): e is readonly [typeof e[0], Fact<unknown>] => e[1] !== undefined);

const TLS_VERSIONS = ['ssl3', 'tls1.0', 'tls1.1', 'tls1.2', 'tls1.3'];
const PROTOCOLS = ['PROTOCOL_RDP', 'PROTOCOL_SSL', 'PROTOCOL_HYBRID', 'PROTOCOL_RDSTLS', 'PROTOCOL_HYBRID_EX', 'PROTOCOL_RDSAAD'];
const ID16 = /^0x[0-9a-f]{4}$/;

describe('client profiles: shape and sources', () => {
  it('covers the clients the simulation needs, with unique kebab-case ids', () => {
    const ids = CLIENT_PROFILES.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    for (const id of ['mstsc-win7', 'mstsc-win7-kb3080079', 'mstsc-win81', 'mstsc-win10', 'mstsc-win11', 'freerdp-2', 'freerdp-3',
      'remmina', 'windows-app-macos', 'rd-ios', 'rd-android']) expect(clientProfile(id), id).toBeDefined();
  });

  for (const p of CLIENT_PROFILES) {
    describe(p.id, () => {
      it('has every fact, each with a non-empty source of a known kind', () => {
        expect(p.name.trim()).not.toBe('');
        for (const path of FACT_PATHS) expect(factAt(p, path), `${p.id}.${path}`).toBeDefined();
        for (const [path, f] of facts(p)) {
          const where = `${p.id}.${path}`;
          expect(f.source, where).toBeDefined();
          expect(SOURCE_KINDS, where).toContain(f.source.kind);
          expect(f.source.text.trim().length, where).toBeGreaterThan(20);
          if (f.source.url !== undefined) expect(f.source.url, where).toMatch(/^https:\/\//);
          if (f.source.kind === 'capture') {
            expect(f.source.capture, `${where}: a capture source names its file`).toBeDefined();
            expect(existsSync(captureUrl(f.source.capture!.file)), `${where}: captures/${f.source.capture!.file}`).toBe(true);
            if (f.source.capture!.message !== undefined) expect(() => capturedHex(f.source.capture!), where).not.toThrow();
          }
        }
      });

      it('has well-formed values', () => {
        expect(p.population.value.trim()).not.toBe('');
        expect(SEVERITIES).toContain(p.severity.value);
        for (const name of p.requested_protocols.value) expect(PROTOCOLS).toContain(name);
        const versions = p.tls.versions.value;
        if (versions) {
          for (const v of versions) expect(TLS_VERSIONS).toContain(v);
          expect(versions, 'lowest first').toEqual([...versions].sort((a, b) => TLS_VERSIONS.indexOf(a) - TLS_VERSIONS.indexOf(b)));
        }
        for (const list of [p.tls.cipher_suites.value, p.tls.groups.value, p.tls.signature_algorithms.value]) {
          if (!list) continue;
          for (const id of list) expect(id).toMatch(ID16);
          expect(new Set(list).size, 'no duplicates').toBe(list.length);
        }
        if (p.tls.cipher_suites.value) expect(p.tls.cipher_suites.value.length).toBeGreaterThan(0);
        for (const e of p.tls.extensions.value ?? []) expect(Number.isInteger(e) && e >= 0 && e <= 0xffff).toBe(true);
        const v = p.credssp.tsrequest_version.value;
        if (v !== null) expect(v >= 2 && v <= 6).toBe(true);
      });

      if (p.tls.client_hello_hex) {
        it('has a recorded ClientHello that decodes as a TLS handshake record with a ClientHello', () => {
          const hex = p.tls.client_hello_hex!.value;
          expect(hex).toMatch(/^(?:[0-9a-f]{2})+$/);
          const b = Buffer.from(hex, 'hex');
          expect(b[0]).toBe(22); // content type handshake
          expect(b[5]).toBe(1); // handshake type client_hello
          expect(() => readClientHello(hex)).not.toThrow();
        });
      }
    });
  }
});

/** Each fact that says it comes from a capture must equal what the capture holds. */
describe('client profiles: facts from captures match the recorded bytes', () => {
  for (const p of CLIENT_PROFILES) {
    for (const [path, f] of facts(p)) {
      const ref = f.source.capture;
      if (f.source.kind !== 'capture' || ref?.message === undefined) continue;
      it(`${p.id}.${path} = captures/${ref.file} #${ref.connection}/${ref.part ?? 'flow'}[${ref.message}]`, () => {
        const hex = capturedHex(ref);
        const bytes = Buffer.from(hex, 'hex');
        switch (path) {
          case 'requested_protocols': {
            const requested = requestedOf(bytes);
            expect(requested, 'an RDP_NEG_REQ').not.toBeNull();
            expect(f.value).toEqual(requestedProtocolNames(requested!));
            return;
          }
          case 'standard_rdp_security.encryption_methods': {
            const methods = methodsOf(bytes);
            expect(methods, 'a CS_SECURITY block').not.toBeNull();
            expect([...(f.value as string[])].sort()).toEqual(flagNames(ENCRYPTION_METHOD_NAMES, methods!).sort());
            return;
          }
          case 'credssp.tsrequest_version':
            expect(f.value).toBe(decodeTsRequest(bytes).version);
            return;
          case 'tls.client_hello_hex':
            expect(f.value).toBe(hex);
            return;
        }
        const hello = readClientHello(hex);
        switch (path) {
          case 'tls.versions': {
            const offered = supportedVersionNames(hello);
            // With supported_versions the list is exact; without, only the highest version is on the wire.
            if (offered) expect(f.value).toEqual(offered);
            else expect((f.value as string[]).at(-1)).toBe(highestOffered(hello));
            return;
          }
          case 'tls.cipher_suites':
            expect(f.value).toEqual(hello.cipherSuites);
            return;
          case 'tls.groups':
            expect(f.value).toEqual(hello.groups);
            return;
          case 'tls.signature_algorithms':
            expect(f.value).toEqual(hello.signatureAlgorithms ?? []);
            return;
          case 'tls.extensions':
            expect(f.value).toEqual(hello.extensions);
            return;
          default:
            throw new Error(`no capture check for ${path}: add one before citing a capture for it`);
        }
      });
    }
  }
});

describe('Schannel default lists against recorded Windows clients', () => {
  const TLS_1_0_TO_1_2 = ['tls1.0', 'tls1.1', 'tls1.2'] as const;

  it('the recorded Windows 10 ClientHello is exactly the documented 1809 default list (checks the IANA mapping too)', () => {
    const hello = readClientHello((transcript('windows-client-win10-schannel.json').connections[0]!.flow[2] as { client: string }).client);
    expect(hello.cipherSuites).toEqual(suitesFor(WINDOWS_10_1809, [...TLS_1_0_TO_1_2]));
  });

  it('a TLS 1.0 Schannel ClientHello leaves out TLS 1.2-only suites, as suitesFor does', () => {
    const hello = readClientHello((transcript('windows-client-win7-schannel.json').connections[0]!.flow[2] as { client: string }).client);
    expect(hello.legacyVersion).toBe(0x0301);
    const tls12Only = WINDOWS_7.filter(([, , v]) => v.length === 1 && v[0] === 'tls1.2').map(([id]) => id);
    for (const id of hello.cipherSuites) expect(tls12Only).not.toContain(id);
    // Every suite the 2011 client sent is still a documented Windows 7 suite (the update changed order and added DHE_RSA).
    for (const id of hello.cipherSuites) expect(WINDOWS_7.map(([i]) => i)).toContain(id);
  });

  it('Windows 11 and Server 2022 document the same default list', () => {
    expect(WINDOWS_11).toEqual(WINDOWS_SERVER_2022);
  });
});

describe('docs/clients.md', () => {
  it('lists every profile', () => {
    const doc = readFileSync(new URL('../../docs/clients.md', import.meta.url), 'utf8');
    for (const p of CLIENT_PROFILES) expect(doc, p.id).toContain(`| \`${p.id}\` |`);
  });
});

describe('captures/xfreerdp-2.11-lab-results.json', () => {
  const lab = JSON.parse(readFileSync(captureUrl('xfreerdp-2.11-lab-results.json'), 'utf8')) as {
    results: { server: string; address: string; outcome: string; log: string[]; options: string[] }[];
  };

  it('has a result for each lab server the simulation is compared against, with its log and no password', () => {
    for (const address of ['127.0.10.2', '127.0.10.7', '127.0.10.14', '127.0.20.1', '127.0.20.2']) {
      expect(lab.results.some((r) => r.address === address), address).toBe(true);
    }
    for (const r of lab.results) {
      expect(r.outcome.trim()).not.toBe('');
      expect(r.log.length).toBeGreaterThan(0);
      expect(JSON.stringify(r)).not.toContain('LabPassw0rd');
    }
  });

  it('agrees with the freerdp-2 profile: TLS without NLA is accepted, a certificate problem is a prompt', () => {
    const tls = lab.results.find((r) => r.server === 'xrdp-tls' && r.options.includes('/cert:ignore'))!;
    expect(tls.outcome).toMatch(/^connected/);
    expect(clientProfile('freerdp-2')!.insists_on_nla.value).toBe(false);
    const expired = lab.results.find((r) => r.server === 'xrdp-expired')!;
    expect(expired.log.join('\n')).toContain('Do you trust the above certificate?');
    expect(clientProfile('freerdp-2')!.certificate_handling.expired.value).toBe('warn');
  });
});
