import net from 'node:net';
import type { Budget } from './clock.js';
import { now, since } from './clock.js';
import { TransportError, classifySocketError } from './errors.js';

/**
 * One request/response exchange over a connected UDP socket: send one datagram, take the first datagram back.
 * Used by the RDP-over-UDP check ([MS-RDPEUDP] SYN -> SYN+ACK); knows nothing of what the bytes mean.
 *
 * Why `connect()`: on a connected UDP socket the kernel delivers only datagrams from that peer, and it reports an
 * ICMP error about that peer as a socket error, which is the only way UDP can tell "nothing listens" from
 * "nothing answers". How an ICMP port unreachable shows up, per OS, under Node's libuv:
 *
 * - Linux: the ICMP sets a pending ECONNREFUSED on the connected socket, returned by the next recvmsg (or send);
 *   Node emits it as an 'error' event (code ECONNREFUSED, syscall recvmsg). -> `refused`. Verified in the tests.
 * - macOS (and the BSDs): the same for connected sockets (udp_ctlinput -> so_error ECONNREFUSED), surfaced by the
 *   next recvmsg. -> `refused`. Not verified here (no macOS runner).
 * - Windows: Winsock reports the ICMP as WSAECONNRESET on the next receive (the SIO_UDP_CONNRESET behaviour), but
 *   libuv's UDP receive path (src/win/udp.c, uv_process_udp_recv_req) deliberately swallows WSAECONNRESET and
 *   WSAENETRESET ("a previous sendto operation failed; ignore this error"), so Node never sees it: a closed UDP
 *   port on Windows ends in `timeout`, like a filtered one. Should ECONNRESET ever reach us (a send callback,
 *   another libuv), it means exactly this on a UDP socket, so it is mapped to `refused` too, never to `reset`.
 *
 * Silence until the wait runs out is `timeout` (or `deadline` when the host deadline was the shorter limit). UDP
 * cannot tell a filtered port from a host that is off, a closed port behind a firewall that eats the ICMP, or a
 * server that ignores this particular datagram: a timeout says only "no answer".
 *
 * Every path closes the socket and clears the timer. The timer stays ref'd on purpose: it is what guarantees the
 * returned promise settles, so the process can never exit with the exchange still pending.
 */

/** Counts datagram exchanges so a caller can report them next to its TCP connections. */
export interface DatagramCounter {
  datagramExchanges: number;
}

export interface UdpExchangeResult {
  /** The first datagram the peer sent back. */
  response: Uint8Array;
  /** From handing the request to the socket to the answer, ms. */
  rttMs: number;
}

/** Maps an error of a UDP socket onto the transport vocabulary (see the per-OS notes above). */
export function classifyUdpError(err: unknown): TransportError {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ECONNREFUSED' || e?.code === 'ECONNRESET') {
    return new TransportError('refused', `${e.code} on the UDP socket (ICMP port unreachable)${e.syscall ? ` from ${e.syscall}` : ''}`);
  }
  return classifySocketError(err);
}

/**
 * Sends `request` to address:port (an IP literal: resolving names is the caller's step) and resolves with the
 * first datagram back. Rejects with TransportError: `refused` (ICMP port unreachable), `unreachable` (no route,
 * host unreachable), `timeout` / `deadline` (silence), `error` (anything else, such as a bad address). Counts one
 * exchange in `counter` per call that gets past the deadline check, whether or not an answer comes.
 */
export async function udpExchange(
  address: string,
  port: number,
  request: Uint8Array,
  budget: Budget,
  counter?: DatagramCounter,
): Promise<UdpExchangeResult> {
  const family = net.isIP(address);
  if (family === 0) throw new TransportError('error', `not an IP address: ${address}`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new TransportError('error', `invalid UDP port ${port}`);
  const { ms, byDeadline } = budget.next();
  if (ms <= 0) throw new TransportError('deadline', 'host deadline reached before the datagram exchange');
  if (counter) counter.datagramExchanges++;

  // Loaded on the first exchange: the UDP check runs only on hosts that answered as RDP servers over TCP.
  const dgram = process.getBuiltinModule('node:dgram');
  const socket = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
  return new Promise<UdpExchangeResult>((resolve, reject) => {
    let settled = false;
    let sentAt: bigint | null = null;
    const finish = (outcome: { ok: UdpExchangeResult } | { err: TransportError }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      try {
        socket.close();
      } catch {
        // already closed (ERR_SOCKET_DGRAM_NOT_RUNNING): nothing left to release
      }
      if ('ok' in outcome) resolve(outcome.ok);
      else reject(outcome.err);
    };
    const timer = setTimeout(() => {
      const why = byDeadline ? 'the host deadline' : 'the step timeout';
      finish({
        err: new TransportError(
          byDeadline ? 'deadline' : 'timeout',
          `no datagram from ${address}:${port} within ${ms} ms (${why}); UDP cannot tell a filtered port from a silent or absent host`,
        ),
      });
    }, ms);
    // Stays attached after finish(): a late error from a closing socket must never be an unhandled 'error'.
    socket.on('error', (err) => finish({ err: classifyUdpError(err) }));
    socket.on('message', (msg: Buffer) => finish({ ok: { response: new Uint8Array(msg), rttMs: sentAt === null ? 0 : since(sentAt) } }));
    try {
      socket.connect(port, address, (err?: Error) => {
        if (err) return finish({ err: classifyUdpError(err) });
        if (settled) return;
        sentAt = now();
        socket.send(request, (sendErr) => {
          if (sendErr) finish({ err: classifyUdpError(sendErr) });
        });
      });
    } catch (err) {
      finish({ err: classifyUdpError(err) });
    }
  });
}
