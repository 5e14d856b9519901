// Remmina's RDP plugin, a GTK front end of libfreerdp, with a new connection's default settings. Recorded from
// Remmina 1.4.29 on Debian 12 (libfreerdp 2.11.7): the TLS surface is libfreerdp's.

import { fact, type ClientProfile, type Source } from '../profile.js';
import { FREERDP_2, FREERDP_NO_ORACLE_REFUSAL, OPENSSL3_SECLEVEL1_TLS12 } from './freerdp-2.js';

const HANDSHAKE = 'remmina-1.4.29-handshake.json';

/** The ClientHello Remmina 1.4.29 sent (captures/remmina-1.4.29-handshake.json, connection 0). */
export const REMMINA_1_4_29_CLIENT_HELLO =
  '1603010137010001330303e189fa494ab72f7c92659a80f1f90f7b5c23861906bd79b9bf2bad9ede0c193e20d48d2110b488' +
  '9f3b7ab7e8c5725a405a6ef500a6bff85e183546a3c1214e699e003e130213031301c02cc030009fcca9cca8ccaac02bc02f' +
  '009ec024c028006bc023c0270067c00ac0140039c009c0130033009d009c003d003c0035002f00ff010000ac0000000f000d' +
  '00000a3132372e302e39352e31000b000403000102000a00160014001d0017001e0019001801000101010201030104002300' +
  '000016000000170000000d002a0028040305030603080708080809080a080b08040805080604010501060103030301030204' +
  '0205020602002b0009080304030303020301002d00020101003300260024001d00205230d4856de0642aeb66a7ed2177c5b1' +
  '4c70c6b0d83749b9fef8368825e1f23e';

const HELLO: Source = {
  kind: 'capture',
  text:
    'captures/remmina-1.4.29-handshake.json, connection 0: the same versions, suites, groups, signature schemes and ' +
    'extension order as xfreerdp 2.11.7 on the same OpenSSL. Remmina builds linked with FreeRDP 3 follow the ' +
    'freerdp-3 profiles instead (likely).',
  capture: { file: HANDSHAKE, connection: 0, message: 2 },
};

const PLUGIN_DEFAULTS: Source = {
  kind: 'source_code',
  text:
    'Remmina v1.4.29 plugins/rdp/rdp_plugin.c: "Security protocol negotiation" defaults to "" (Automatic negotiation), which ' +
    'leaves libfreerdp\'s NLA+TLS+RDP negotiation on; "TLS Security Level" defaults to "" (libfreerdp\'s level).',
  url: 'https://gitlab.com/Remmina/Remmina/-/blob/v1.4.29/plugins/rdp/rdp_plugin.c',
};

const CERT_DIALOG: Source = {
  kind: 'source_code',
  text:
    'Remmina v1.4.29 plugins/rdp/rdp_plugin.c remmina_rdp_verify_certificate_ex: a dialog shows the certificate and the ' +
    'connection goes on only if the user accepts. Recorded: with a self-signed certificate for another name Remmina ' +
    'stopped at that dialog (captures/remmina-1.4.29-handshake.json, client_log).',
  url: 'https://gitlab.com/Remmina/Remmina/-/blob/v1.4.29/plugins/rdp/rdp_plugin.c',
};

export const REMMINA: ClientProfile = {
  id: 'remmina',
  name: 'Remmina 1.4 RDP plugin (libfreerdp 2.11), new connection with default settings',
  population: fact('Linux desktop users (GNOME/Ubuntu default remote desktop client) and helpdesk staff on Linux', {
    kind: 'inference',
    text: 'Remmina is the remote desktop client installed by default on Ubuntu desktops.',
  }),
  severity: fact('medium', { kind: 'inference', text: 'rdprobe judgement: end users on Linux desktops, usually few per site.' }),
  requested_protocols: fact(['PROTOCOL_SSL', 'PROTOCOL_HYBRID'], {
    kind: 'capture',
    text: 'captures/remmina-1.4.29-handshake.json, connection 0: requestedProtocols 0x00000003, cookie mstshash=<user>.',
    capture: { file: HANDSHAKE, connection: 0, message: 0 },
  }),
  standard_rdp_security: {
    supported: fact(true, PLUGIN_DEFAULTS),
    encryption_methods: fact(FREERDP_2.standard_rdp_security.encryption_methods.value, {
      kind: 'inference',
      text: 'Remmina sets no method, so libfreerdp 2.11 offers all four (libfreerdp/core/nego.c); not recorded from Remmina.',
    }),
  },
  tls: {
    versions: fact(['tls1.0', 'tls1.1', 'tls1.2', 'tls1.3'], HELLO),
    cipher_suites: fact(FREERDP_2.tls.cipher_suites.value, HELLO),
    groups: fact(FREERDP_2.tls.groups.value, HELLO),
    signature_algorithms: fact(FREERDP_2.tls.signature_algorithms.value, HELLO),
    extensions: fact(FREERDP_2.tls.extensions.value, HELLO),
    client_hello_hex: fact(REMMINA_1_4_29_CLIENT_HELLO, HELLO),
    completes_versions: fact(['tls1.2', 'tls1.3'], {
      kind: 'source_code',
      text:
        `Remmina v1.4.29 plugins/rdp/rdp_plugin.c leaves "TLS Security Level" to libfreerdp 2.11.7 (TlsSecLevel 1), on the ` +
        `same OpenSSL 3.0 as the recorded xfreerdp: ${OPENSSL3_SECLEVEL1_TLS12.text}`,
      url: 'https://gitlab.com/Remmina/Remmina/-/blob/v1.4.29/plugins/rdp/rdp_plugin.c',
    }),
  },
  credssp: {
    tsrequest_version: fact(6, {
      kind: 'source_code',
      text:
        'libfreerdp 2.11.7 libfreerdp/core/nla.c sets version 6 (recorded from xfreerdp on the same library); Remmina ' +
        'stopped at its certificate dialog before CredSSP, so not recorded from Remmina itself.',
      url: 'https://github.com/FreeRDP/FreeRDP/blob/2.11.7/libfreerdp/core/nla.c',
    }),
    oracle_remediation_patched: fact(true, FREERDP_2.credssp.oracle_remediation_patched.source),
    refuses_unpatched_server: fact(false, FREERDP_NO_ORACLE_REFUSAL),
  },
  insists_on_nla: fact(false, PLUGIN_DEFAULTS),
  certificate_handling: {
    untrusted: fact('warn', CERT_DIALOG),
    expired: fact('warn', CERT_DIALOG),
    name_mismatch: fact('warn', CERT_DIALOG),
  },
};
