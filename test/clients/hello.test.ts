/**
 * The ClientHellos the simulation sends: a recorded hello goes out as recorded (only random, session id, key shares
 * and server name new), a hello built from facts carries exactly the profile's versions, suites, groups and
 * extension order; profiles that send the same bytes share one connection.
 */
import { describe, expect, it } from 'vitest';
import { decodeClientHello, encodeClientHello, offeredVersions } from '../../protocol/tls/client-hello.js';
import { clientExtensionId } from '../../protocol/tls/extensions.js';
import { fromHex } from '../../protocol/writer.js';
import { CLIENT_PROFILES, clientProfile } from '../../src/clients/index.js';
import { helloIdentity, profileClientHello, TLS_VERSION_NUMBERS } from '../../src/clients/hello.js';
import { clientPlans, clientsConnectionBudget, selectedProfiles, unknownClientIds } from '../../src/checks/client-plans.js';

const hex16 = (ids: string[]) => ids.map((s) => Number.parseInt(s, 16));

describe('profile ClientHellos', () => {
  it('a recorded hello is replayed as recorded: same suites, extensions in the same order; fresh random; our server name', () => {
    for (const id of ['freerdp-2', 'remmina', 'mstsc-win10']) {
      const p = clientProfile(id)!;
      const recorded = decodeClientHello(fromHex(p.tls.client_hello_hex!.value)).spec;
      const spec = profileClientHello(p, 'rdp01.corp.example')!;
      const sent = decodeClientHello(encodeClientHello(spec).bytes).spec;
      expect(sent.cipherSuites, id).toEqual(recorded.cipherSuites);
      expect(sent.extensions!.map(clientExtensionId), id).toEqual(recorded.extensions!.map(clientExtensionId));
      expect(sent.legacyVersion).toBe(recorded.legacyVersion);
      expect(sent.recordVersion).toBe(recorded.recordVersion);
      expect(Buffer.from(sent.random!).equals(Buffer.from(recorded.random!)), `${id}: fresh random`).toBe(false);
      const sni = sent.extensions!.find((e) => e.type === 'server_name');
      if (sni) expect(sni).toEqual({ type: 'server_name', hostName: 'rdp01.corp.example' });
      const share = sent.extensions!.find((e) => e.type === 'key_share');
      const recordedShare = recorded.extensions!.find((e) => e.type === 'key_share');
      if (share && share.type === 'key_share' && recordedShare?.type === 'key_share') {
        expect(share.shares.map((s) => s.group)).toEqual(recordedShare.shares.map((s) => s.group));
        expect(Buffer.from(share.shares[0]!.keyExchange!).equals(Buffer.from(recordedShare.shares[0]!.keyExchange!)), 'a new key share').toBe(false);
      }
    }
  });

  it('a hello built from facts offers exactly the profile versions, suites, groups and extension order', () => {
    for (const p of CLIENT_PROFILES) {
      if (p.tls.client_hello_hex) continue;
      const spec = profileClientHello(p, '10.0.0.5');
      if (p.tls.cipher_suites.value === null) {
        expect(spec, `${p.id}: unknown suites, no hello`).toBeNull();
        continue;
      }
      const sent = decodeClientHello(encodeClientHello(spec!).bytes).spec;
      const versions = p.tls.versions.value!.map((v) => TLS_VERSION_NUMBERS[v]);
      const offered = offeredVersions(sent);
      // Without supported_versions a hello offers SSL 3.0 up to its version: the highest is what it says.
      expect(Math.max(...offered), p.id).toBe(Math.max(...versions));
      for (const v of versions) expect(offered, p.id).toContain(v);
      if (Math.min(...versions) > 0x0301) expect(offered.sort(), `${p.id}: only its versions`).toEqual([...versions].sort());
      expect(sent.cipherSuites, p.id).toEqual(hex16(p.tls.cipher_suites.value));
      const groups = sent.extensions!.find((e) => e.type === 'supported_groups');
      if (p.tls.groups.value) expect(groups, p.id).toEqual({ type: 'supported_groups', groups: hex16(p.tls.groups.value) });
      const order = sent.extensions!.map(clientExtensionId);
      if (p.tls.extensions.value) {
        // The profile's own extensions come first in its order (TLS 1.3 ones it lacks are appended).
        const own = p.tls.extensions.value.filter((x) => x !== 13 || Math.max(...versions) >= 0x0303);
        expect(order.slice(0, own.length), p.id).toEqual(own);
      }
      if (versions.includes(0x0304)) expect(order, `${p.id}: TLS 1.3 needs key_share`).toContain(51);
    }
  });

  it('freerdp-2 and remmina send the same bytes (one connection); the Microsoft apps, whose suites are unknown, none', () => {
    const plans = clientPlans(selectedProfiles(['all']), 'srv');
    const of = (id: string) => plans.find((p) => p.profiles.includes(id))!;
    expect(of('freerdp-2')).toBe(of('remmina'));
    expect(helloIdentity(profileClientHello(clientProfile('freerdp-2')!, 'h')!)).toBe(helloIdentity(profileClientHello(clientProfile('remmina')!, 'h')!));
    expect(of('windows-app-macos').hello).toBeNull();
    expect(of('windows-app-macos').profiles).toEqual(['windows-app-macos', 'rd-ios', 'rd-android']);
    // Every profile is in exactly one plan.
    expect(plans.flatMap((p) => p.profiles).sort()).toEqual(CLIENT_PROFILES.map((p) => p.id).sort());
  });

  it('the connection budget: one per distinct offer plus one per Standard RDP Security retry, at most 2 per profile', () => {
    const plans = clientPlans(selectedProfiles(['all']), 'x');
    expect(clientsConnectionBudget(['all'])).toBe(plans.length + 1);
    expect(clientsConnectionBudget(['all'])).toBeLessThanOrEqual(2 * CLIENT_PROFILES.length);
    expect(clientsConnectionBudget(['freerdp-2', 'remmina'])).toBe(2);
    expect(clientsConnectionBudget([])).toBe(0);
    expect(selectedProfiles(['remmina', 'mstsc-win7', 'remmina']).map((p) => p.id)).toEqual(['mstsc-win7', 'remmina']);
    expect(unknownClientIds(['all', 'mstsc-win7', 'mstsc-xp'])).toEqual(['mstsc-xp']);
  });
});
