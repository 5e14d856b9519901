import { describe, expect, it } from 'vitest';
import { createSink } from '../../src/output/index.js';
import { HOSTILE, META, MemoryStream, finding, hostileRecord, okRecord, runSink, unreachableRecord } from './factory.js';
import { parseXml, type XmlElement } from './xml.js';

const kids = (el: XmlElement, name: string) => el.children.filter((c) => c.name === name);
const outcome = (tc: XmlElement) => tc.children.find((c) => ['failure', 'error', 'skipped'].includes(c.name));

describe('xml checker', () => {
  it('rejects what is not well-formed', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow();
    expect(() => parseXml('<a x="<"/>')).toThrow();
    expect(() => parseXml('<a>&</a>')).toThrow();
    expect(() => parseXml('<a>\x1b</a>')).toThrow();
    expect(() => parseXml('<a/><b/>')).toThrow();
    expect(parseXml('<?xml version="1.0"?>\n<a x="1&amp;2"><b/>t&#10;</a>\n').attrs['x']).toBe('1&2');
  });
});

describe('junit', () => {
  it('writes one well-formed document with one suite per host and counts that match', async () => {
    const records = [okRecord(), unreachableRecord(), hostileRecord()];
    const stream = await runSink('junit', records);
    const root = parseXml(stream.text);
    expect(root.name).toBe('testsuites');
    const suites = kids(root, 'testsuite');
    expect(suites).toHaveLength(4); // three hosts and the scan itself

    for (const suite of suites) {
      const cases = kids(suite, 'testcase');
      const count = (n: string) => cases.filter((c) => outcome(c)?.name === n).length;
      expect(suite.attrs['tests']).toBe(String(cases.length));
      expect(suite.attrs['failures']).toBe(String(count('failure')));
      expect(suite.attrs['errors']).toBe(String(count('error')));
      expect(suite.attrs['skipped']).toBe(String(count('skipped')));
      expect(suite.attrs['time']).toMatch(/^\d+\.\d{3}$/);
      for (const c of cases) {
        expect(c.attrs['name']).toBeTruthy();
        expect(c.attrs['classname']).toBe(suite.attrs['name']);
        expect(c.attrs['time']).toMatch(/^\d+\.\d{3}$/);
        const o = outcome(c);
        if (o && o.name !== 'skipped') {
          expect(o.attrs['message']).toBeDefined();
          expect(o.attrs['type']).toBeDefined();
        }
      }
      // Jenkins junit-4.xsd order: properties first, then test cases.
      expect(suite.children[0]?.name).toBe('properties');
    }

    const [ok, down, evil, scan] = suites as [XmlElement, XmlElement, XmlElement, XmlElement];
    // ok host: reachable, handshake, cert-self-signed (medium, passes), tls-1.3-unsupported (info, passes)
    expect(kids(ok, 'testcase').map((c) => c.attrs['name'])).toEqual([
      'reachable', 'handshake', 'cert-self-signed', 'tls-1.3-unsupported',
    ]);
    expect(ok.attrs['failures']).toBe('0');
    expect(kids(ok, 'testcase')[2]?.children[0]?.name).toBe('system-out');

    expect(down.attrs).toMatchObject({ tests: '2', failures: '1', errors: '0', skipped: '1' });
    expect(outcome(kids(down, 'testcase')[0] as XmlElement)?.attrs['type']).toBe('tcp.timeout');

    // hostile host: handshake failure (tls alert), critical + high fail at the default 'high', info passes
    expect(evil.attrs).toMatchObject({ tests: '5', failures: '3', errors: '0', skipped: '0' });
    expect(evil.attrs['name']).toBe('evil[31m.example'); // the ESC of the hostile target is dropped
    const rdpSec = kids(evil, 'testcase').find((c) => c.attrs['name'] === 'rdp-security-allowed');
    expect(outcome(rdpSec as XmlElement)?.attrs['type']).toBe('rdp-security-allowed');
    expect(outcome(rdpSec as XmlElement)?.attrs['message']).toContain('=cmd|');
    expect(stream.text).not.toContain('\x1b');

    expect(scan.attrs['name']).toBe('rdprobe');
    expect(scan.attrs['errors']).toBe('0');
  });

  it('honours failOn', async () => {
    const stream = await runSink('junit', [okRecord()], { failOn: 'medium' });
    const suite = kids(parseXml(stream.text), 'testsuite')[0] as XmlElement;
    expect(suite.attrs['failures']).toBe('1');
    const failed = kids(suite, 'testcase').find((c) => outcome(c)?.name === 'failure');
    expect(failed?.attrs['name']).toBe('cert-self-signed');
    expect(outcome(failed as XmlElement)?.attrs['message']).toBe('medium: cert-self-signed title');
  });

  it('groups repeated finding ids into one case and reports the worst', async () => {
    const r = okRecord({ findings: [finding('x', 'low'), finding('x', 'critical')] });
    const suite = kids(parseXml((await runSink('junit', [r])).text), 'testsuite')[0] as XmlElement;
    const x = kids(suite, 'testcase').filter((c) => c.attrs['name'] === 'x');
    expect(x).toHaveLength(1);
    expect(outcome(x[0] as XmlElement)?.attrs['message']).toBe('critical: x title');
  });

  it('marks not_rdp and error statuses', async () => {
    const notRdp = okRecord({ status: 'not_rdp', failure: { stage: 'x224', reason: 'not_tpkt', detail: 'HTTP/1.1' }, findings: [] });
    const error = okRecord({ status: 'error', failure: { stage: 'mcs', reason: 'malformed', detail: null }, findings: [] });
    const root = parseXml((await runSink('junit', [notRdp, error])).text);
    const [a, b] = kids(root, 'testsuite') as [XmlElement, XmlElement];
    expect(a.attrs).toMatchObject({ failures: '1', errors: '0' });
    expect(b.attrs).toMatchObject({ failures: '0', errors: '1' });
  });

  it('writes each suite as its record arrives and stays valid with 0 records and when interrupted', async () => {
    const stream = new MemoryStream();
    const sink = createSink('junit', stream);
    await sink.begin(META);
    await sink.record(okRecord());
    expect(stream.chunks).toHaveLength(2);
    expect(stream.chunks[1]).toContain('<testsuite ');

    const empty = parseXml((await runSink('junit', [])).text);
    expect(kids(empty, 'testsuite')).toHaveLength(1);

    const cut = parseXml((await runSink('junit', [okRecord()], {}, { interrupted: true })).text);
    const scan = kids(cut, 'testsuite')[1] as XmlElement;
    expect(scan.attrs['errors']).toBe('1');
    expect(outcome(kids(scan, 'testcase')[0] as XmlElement)?.attrs['type']).toBe('interrupted');
  });

  it('keeps hostile text as text', async () => {
    const text = (await runSink('junit', [hostileRecord()])).text;
    const suite = kids(parseXml(text), 'testsuite')[0] as XmlElement;
    const props = Object.fromEntries(
      kids(kids(suite, 'properties')[0] as XmlElement, 'property').map((p) => [p.attrs['name'], p.attrs['value']]),
    );
    // Forbidden characters (ESC) are dropped, everything else survives the round trip, newlines included.
    expect(props['failure']).toBe(`tls: alert (${HOSTILE.replace(/\x1b/g, '')})`);
  });
});
