/**
 * How to let a locked-out client in, on either side, in words an administrator acts on. The server side names the
 * setting (registry value, GPO, SCHANNEL key) and says when relaxing it is the wrong answer; the client side names
 * the update or option for that client.
 */
import type { ClientProfile, TlsVersion } from '../clients/profile.js';
import type { TlsResult } from '../record.js';
import { serverTlsVersions } from './client-handshake.js';

export type FixKey =
  | 'disconnect'
  | 'needs_credssp'
  | 'needs_tls'
  | 'standard_only'
  | 'server_certificate'
  | 'refused_other'
  | 'protocol_mismatch'
  | 'client_requires_nla'
  | 'tls_refused'
  | 'tls_suites'
  | 'tls_completes'
  | 'tls_broken'
  | 'certificate'
  | 'credssp_server'
  | 'mcs_level';

const LABEL: Readonly<Record<TlsVersion, string>> = { ssl3: 'SSL 3.0', 'tls1.0': 'TLS 1.0', 'tls1.1': 'TLS 1.1', 'tls1.2': 'TLS 1.2', 'tls1.3': 'TLS 1.3' };
const ORDER: readonly TlsVersion[] = ['ssl3', 'tls1.0', 'tls1.1', 'tls1.2', 'tls1.3'];

/** "TLS 1.0 only", "TLS 1.0 to 1.2", "SSL 3.0 to TLS 1.0", "TLS 1.0 and 1.2"; "no TLS version" for none. */
export function versionsText(versions: readonly TlsVersion[]): string {
  const v = [...new Set(versions)].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
  if (v.length === 0) return 'no TLS version';
  if (v.length === 1) return `${LABEL[v[0]!]} only`;
  const first = v[0]!;
  const last = v[v.length - 1]!;
  const contiguous = ORDER.indexOf(last) - ORDER.indexOf(first) === v.length - 1;
  const tail = first.startsWith('tls') && last.startsWith('tls') ? LABEL[last].replace('TLS ', '') : LABEL[last];
  if (contiguous) return `${LABEL[first]} to ${tail}`;
  return `${v.slice(0, -1).map((x) => LABEL[x]).join(', ')} and ${tail}`;
}

// Short forms: `rdprobe explain client_locked_out` has the full keys and commands.
const SCHANNEL = 'SCHANNEL\\Protocols';
const RDP_TCP = 'RDP-Tcp';
const ONLY_IF = 'only if this population must get in (it weakens the server)';

interface Context {
  tls: TlsResult | null;
}

const newest = (v: readonly TlsVersion[] | null): TlsVersion | null => (v && v.length > 0 ? [...v].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b))[v.length - 1]! : null);
const enableOnServer = (v: TlsVersion): string =>
  `enable ${LABEL[v]} for the server role (${SCHANNEL}\\${LABEL[v]}\\Server: Enabled=1, DisabledByDefault=0${v === 'tls1.2' ? '; Windows 7 / 2008 R2 need KB3080079 first' : ''}), then reboot`;

/** The client-side advice when the client is the one behind, most specific first. */
function upgradeClient(p: ClientProfile, serverVersions: TlsVersion[] | null): string {
  const want = serverVersions && serverVersions.length > 0 ? versionsText(serverVersions).replace(/ only$/, '') : 'TLS 1.2';
  if (p.id === 'mstsc-win7') return `install KB3080079 (TLS 1.1/1.2 for Remote Desktop on Windows 7 / 2008 R2) and enable TLS 1.2 for the client (${SCHANNEL}\\TLS 1.2\\Client: Enabled=1, DisabledByDefault=0), or upgrade the machine`;
  if (p.id.startsWith('mstsc')) return `move the machine to a Windows release whose Remote Desktop client offers ${want}, or enable it for the client in ${SCHANNEL}`;
  if (p.id.startsWith('freerdp') || p.id === 'remmina') return `update FreeRDP / Remmina to one that offers ${want}`;
  return `update the client to a version that offers ${want}`;
}

/** The client-side stop-gap when the server is the one behind (it accepts only versions older than the client's). */
function allowOlder(p: ClientProfile, serverVersions: TlsVersion[]): string {
  const old = versionsText(serverVersions).replace(/ only$/, '');
  const stopGap = 'a stop-gap until the server is fixed:';
  if (p.id === 'freerdp-3') return `${stopGap} /tls:seclevel:0,enforce:1.0 (what the FreeRDP 3.27 change says older Windows servers need) lets it use ${old}`;
  if (p.id.startsWith('freerdp-3')) return `${stopGap} /tls:seclevel:0 lets OpenSSL 3 complete ${old}`;
  if (p.id.startsWith('freerdp')) return `${stopGap} /tls-seclevel:0 lets OpenSSL 3 complete ${old}`;
  if (p.id === 'remmina') return `${stopGap} "TLS Security Level" 0 in the connection's advanced settings lets OpenSSL 3 complete ${old}`;
  return `a stop-gap until the server is fixed: enable ${old} for the client in ${SCHANNEL}`;
}

export function clientFix(key: FixKey, p: ClientProfile, ctx: Context): { server: string; client: string } {
  const accepts = serverTlsVersions(ctx.tls);
  switch (key) {
    case 'needs_credssp':
      return {
        server: `${ONLY_IF}: stop requiring NLA (GPO "Require user authentication for remote connections by using Network Level Authentication" = Disabled, or ${RDP_TCP} UserAuthentication = 0)`,
        client: 'use a client that speaks CredSSP (NLA): a current mstsc or Windows App, FreeRDP 2.x or later; on Windows XP SP3 the CredSSP provider must be turned on first',
      };
    case 'needs_tls':
      return {
        server: `${ONLY_IF}: set the security layer to Negotiate (GPO "Require use of specific security layer for remote (RDP) connections" = Negotiate, or ${RDP_TCP} SecurityLayer = 1)`,
        client: 'use a client that speaks TLS (every mstsc since 6.0, FreeRDP without /sec:rdp)',
      };
    case 'standard_only':
      return {
        server: `let clients use TLS: security layer Negotiate or SSL (${RDP_TCP} SecurityLayer = 1 or 2); Standard RDP Security alone leaves every client without server authentication`,
        client: 'a client that still speaks Standard RDP Security (mstsc, FreeRDP /sec:rdp) would get in, but the server is the one to fix',
      };
    case 'server_certificate':
      return { server: 'give the listener a usable certificate (rdprobe explain negotiation_cert_not_on_server)', client: 'nothing to change on the client' };
    case 'disconnect':
    case 'refused_other':
      return { server: 'look at the server\'s RemoteConnectionManager and TermDD events at the time of the scan for why it refused this request', client: 'compare with a client that gets in (its requested protocols)' };
    case 'protocol_mismatch':
      return { server: 'the server selected a protocol the client did not ask for: a bug or a device in the path; update the server software', client: 'nothing the client can do' };
    case 'client_requires_nla':
      return { server: `require NLA (GPO "Require user authentication ... Network Level Authentication" = Enabled, or ${RDP_TCP} UserAuthentication = 1): it is the better setting anyway`, client: 'allow connections without NLA in the client settings (not recommended)' };
    case 'tls_completes':
      return {
        server: enableOnServer('tls1.2'),
        client: allowOlder(p, accepts ?? ['tls1.0']),
      };
    case 'tls_refused': {
      const serverTop = newest(accepts);
      const clientTop = newest(p.tls.versions.value);
      if (serverTop && clientTop && ORDER.indexOf(clientTop) > ORDER.indexOf(serverTop)) {
        // The server is the one behind: it should gain TLS 1.2, not the client lose it.
        return { server: enableOnServer('tls1.2'), client: allowOlder(p, accepts!) };
      }
      return { server: clientTop ? `${ONLY_IF}: ${enableOnServer(clientTop)}` : 'enable a TLS version this client offers', client: upgradeClient(p, accepts) };
    }
    case 'tls_suites':
      return {
        server: 'enable a cipher suite this client offers (GPO "SSL Cipher Suite Order", or Enable-TlsCipherSuite; compare Get-TlsCipherSuite with the client\'s list in docs/clients.md)',
        client: `update the client so it offers the suites the server allows${accepts && accepts.length > 0 ? ` in ${versionsText(accepts).replace(/ only$/, '')}` : ''}`,
      };
    case 'tls_broken':
      return { server: 'the TLS answer is broken: check for an SSL-inspection device or proxy in the path, then the server\'s Schannel events', client: 'nothing the client can do' };
    case 'certificate':
      return {
        server: 'bind a certificate from a CA the clients trust, valid, for the name they connect to (GPO "Server authentication certificate template", or SSLCertificateSHA1Hash)',
        client: 'trust the issuing CA on the client, or connect by the name the certificate carries',
      };
    case 'credssp_server':
      return {
        server: 'install the CredSSP updates for CVE-2018-0886 (KB4093492 and any later cumulative update)',
        client: 'only as a stop-gap: GPO "Encryption Oracle Remediation" = Vulnerable (AllowEncryptionOracle = 2) on the client, then back once the server is patched',
      };
    case 'mcs_level':
      return {
        server: `set the encryption level to Client Compatible (${RDP_TCP} MinEncryptionLevel = 2; FIPS policy off) or, better, require TLS`,
        client: 'use a client that offers the method the server requires (FIPS clients need the FIPS policy on the client)',
      };
  }
}
