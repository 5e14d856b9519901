/**
 * Preloaded (node --import) into every rdprobe the docs test runs: the examples in the docs name real-looking
 * networks, and the test substitutes lab addresses for them. This is the second line of defence: any TCP connect,
 * UDP send or name lookup to something that is not loopback (or the wildcard a socket binds to) ends the process with exit 97 before a packet leaves.
 */
import dgram from 'node:dgram';
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

const LOOPBACK = /^(0\.0\.0\.0|::|127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+|localhost)$/i;
const allowed = (host) => host === undefined || host === null || host === '' || LOOPBACK.test(String(host).replace(/^\[|\]$/g, '').replace(/%.*$/, ''));

function refuse(what) {
  process.stderr.write(`net-guard: refused ${what} (the docs test only talks to loopback)\n`);
  process.exit(97);
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  // net.connect() hands over its normalised [options, callback] array; socket.connect(options) or (port, host).
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const host = first !== null && typeof first === 'object' ? (first.path !== undefined ? undefined : first.host) : args[1];
  if (!allowed(host)) refuse(`TCP connect to ${host}`);
  return connect.apply(this, args);
};

const send = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function guardedSend(...args) {
  // send(msg[, offset, length], port[, address][, callback]): the address is the string after the port.
  const portAt = args.findIndex((a, i) => i > 0 && typeof a === 'number' && (typeof args[i + 1] === 'string' || args[i + 1] === undefined || typeof args[i + 1] === 'function'));
  const address = portAt > 0 && typeof args[portAt + 1] === 'string' ? args[portAt + 1] : undefined;
  if (!allowed(address)) refuse(`UDP send to ${address}`);
  return send.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function guardedLookup(host, ...rest) {
  if (!allowed(host)) refuse(`name lookup of ${host}`);
  return lookup.call(this, host, ...rest);
};
const lookupP = dns.promises.lookup;
dns.promises.lookup = function guardedLookupP(host, ...rest) {
  if (!allowed(host)) refuse(`name lookup of ${host}`);
  return lookupP.call(this, host, ...rest);
};
syncBuiltinESMExports();
