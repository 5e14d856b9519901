/**
 * The one key for "this host on this port", used wherever records and targets are matched (resume, fleet
 * findings, diff, policy thumbprints, shards): lower-case host, IPv6 literals in brackets (`[::1]:3389`), so
 * `::1` on port 3389 can never read as the address `::1:3389`.
 */
export function hostPortKey(host: string, port: number): string {
  const h = host.toLowerCase();
  return h.includes(':') && !h.startsWith('[') ? `[${h}]:${port}` : `${h}:${port}`;
}
