/**
 * What the server's answer to one of our ClientHellos means: accepted (a ServerHello that is a valid answer to
 * what we offered: RFC 5246 7.4.1.3, RFC 8446 4.1.3), refused (an alert, a close, a reset: the attempt's refusal),
 * or a protocol error (a ServerHello choosing what we did not offer is never an acceptance).
 */
import type { EncodedClientHello } from '../../../protocol/tls/client-hello.js';
import type { FirstFlight } from '../../../protocol/tls/flight.js';
import { validateServerHello, type ServerHelloProblem } from '../../../protocol/tls/validate.js';
import { SSL2_VERSION, protocolVersionName } from '../../../protocol/tls/versions.js';
import { tlsAlertName } from '../../../protocol/tls-alerts.js';
import { cipherSuiteName } from '../../../protocol/tls/suites.js';
import type { TlsRefusal } from '../../record.js';
import type { FirstFlightExchange } from '../../transport/tls-first-flight.js';

export type Answer =
  | { accepted: true; flight: FirstFlight; version: number; suite: number }
  /** accepted false: the server refused (or broke the protocol); null: not measured (our deadline cut it). */
  | { accepted: false | null; refusal: TlsRefusal; flight: FirstFlight | null };

const refusal = (kind: TlsRefusal['kind'], detail: string | null, alert: number | null = null): TlsRefusal => ({
  kind,
  alert,
  alert_description: alert === null ? null : tlsAlertName(alert),
  detail,
});

function problemText(p: ServerHelloProblem): string {
  switch (p.reason) {
    case 'version_not_offered':
      return `server chose ${protocolVersionName(p.version)}, not offered`;
    case 'suite_not_offered':
      return `server chose ${cipherSuiteName(p.suite)}, not offered`;
    case 'scsv_selected':
      return `server chose the signalling value 0x${p.suite.toString(16).padStart(4, '0')}`;
    case 'suite_not_allowed_in_version':
      return `server chose ${cipherSuiteName(p.suite)}, not allowed in ${protocolVersionName(p.version)}`;
    case 'compression_not_offered':
      return `server chose compression method ${p.method}, not offered`;
    case 'extension_not_offered':
      return `server sent extension ${p.extension}, not offered`;
    case 'group_not_offered':
      return `server chose group 0x${p.group.toString(16).padStart(4, '0')}, not offered`;
  }
}

/**
 * The meaning of `outcome`, the answer to `hello`. With `only`, an answer at another version is a refusal of this
 * one: a TLS 1.2-and-below hello cannot say "this version only" (client_version is the highest it takes, RFC 5246
 * E.1), so a server that answers a TLS 1.1 hello with TLS 1.0 has refused TLS 1.1.
 */
export function readAnswer(hello: EncodedClientHello | null, x: FirstFlightExchange, only?: number): Answer {
  if (x.ended !== 'complete' || x.flight === null) {
    const kind = x.ended === 'too_large' || x.ended === 'complete' ? 'malformed' : x.ended;
    return { accepted: kind === 'deadline' ? null : false, refusal: refusal(kind, x.detail), flight: x.flight };
  }
  const f = x.flight;
  if (f.kind === 'sslv2') {
    if (f.sslv2) return { accepted: true, flight: f, version: SSL2_VERSION, suite: f.sslv2.cipherSpecs[0] ?? 0 };
    return { accepted: false, refusal: refusal('alert', `SSL 2.0 ERROR ${f.sslv2Error?.name ?? ''}`.trim()), flight: f };
  }
  if (f.serverHello === null) {
    if (f.alert) return { accepted: false, refusal: refusal('alert', null, f.alert.description), flight: f };
    return { accepted: false, refusal: refusal('malformed', 'no ServerHello'), flight: f };
  }
  if (hello) {
    const problems = validateServerHello(hello.spec, f.serverHello);
    if (problems.length > 0) {
      const kind = problems.some((p) => p.reason === 'version_not_offered') ? 'version_mismatch' : 'protocol_error';
      return { accepted: false, refusal: refusal(kind, problems.map(problemText).join('; ')), flight: f };
    }
  }
  if (only !== undefined && f.version !== only) {
    return { accepted: false, refusal: refusal('version_mismatch', `server chose ${protocolVersionName(f.version!)}`), flight: f };
  }
  // A fatal alert after a valid ServerHello (a key the server cannot use, a certificate it cannot send) still means
  // the version and suite were chosen; the modern client's own handshake keeps that failure as its fact.
  return { accepted: true, flight: f, version: f.version!, suite: f.cipherSuite! };
}

