/**
 * Records kept for the formats written at the end of a scan (json, csv, junit, sarif, github, table, and the
 * --baseline diff). They need the whole set: fleet findings go to every member of a group, and the report lists
 * hosts in address order. Holding a /16's records in memory would cost hundreds of MB, so they go to a temporary
 * ndjson file (the OS temp folder, removed at the end and on exit) and are read back one at a time in order.
 */
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from '../../protocol/node-crypto.js';
import type { ProbeRecord } from '../record.js';
import { recordOrder } from './order.js';

/** Bytes buffered before one write to the file. */
const FLUSH_AT = 1 << 20;

interface Entry {
  order: string;
  offset: number;
  length: number;
}

export class RecordSpool {
  private readonly path = join(process.getBuiltinModule('node:os').tmpdir(), `rdprobe-spool-${process.pid}-${randomBytes(6).toString('hex')}.ndjson`);
  private fd: number | null = null;
  private readonly entries: Entry[] = [];
  private pending: string[] = [];
  private pendingBytes = 0;
  private written = 0;
  private readonly cleanup = () => this.dispose();

  constructor() {
    this.fd = openSync(this.path, 'w+', 0o600);
    process.once('exit', this.cleanup);
  }

  get size(): number {
    return this.entries.length;
  }

  add(r: ProbeRecord): void {
    const line = `${JSON.stringify(r)}\n`;
    const length = Buffer.byteLength(line);
    this.entries.push({ order: recordOrder(r), offset: this.written + this.pendingBytes, length });
    this.pending.push(line);
    this.pendingBytes += length;
    if (this.pendingBytes >= FLUSH_AT) this.flush();
  }

  /** Every record, in address order (see recordOrder). */
  *sorted(): Generator<ProbeRecord> {
    this.flush();
    const order = [...this.entries].sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : a.offset - b.offset));
    let buf = Buffer.alloc(64 * 1024);
    for (const e of order) {
      if (e.length > buf.length) buf = Buffer.alloc(e.length);
      readSync(this.fd!, buf, 0, e.length, e.offset);
      yield JSON.parse(buf.toString('utf8', 0, e.length)) as ProbeRecord;
    }
  }

  dispose(): void {
    process.off('exit', this.cleanup);
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
    rmSync(this.path, { force: true });
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const chunk = Buffer.from(this.pending.join(''));
    let off = 0;
    while (off < chunk.length) off += writeSync(this.fd!, chunk, off, chunk.length - off, this.written + off);
    this.written += chunk.length;
    this.pending = [];
    this.pendingBytes = 0;
  }
}
