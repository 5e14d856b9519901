import { describe, expect, it } from 'vitest';
import { finding, hostileRecord, okRecord, runSink, unreachableRecord } from './factory.js';

interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; rules: { id: string; shortDescription: { text: string } }[] } };
    invocations: { executionSuccessful: boolean }[];
    results: {
      ruleId: string;
      level: string;
      message: { text: string };
      locations: {
        physicalLocation: { artifactLocation: { uri: string } };
        logicalLocations: { fullyQualifiedName: string }[];
      }[];
    }[];
  }[];
}

describe('sarif', () => {
  it('is SARIF 2.1.0 JSON with one run, the rules seen, and levels from severity', async () => {
    const stream = await runSink('sarif', [okRecord(), unreachableRecord(), hostileRecord()]);
    const log = JSON.parse(stream.text) as SarifLog;
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toContain('sarif-2.1.0');
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0] as SarifLog['runs'][number];
    expect(run.tool.driver.name).toBe('rdprobe');
    expect(run.tool.driver.version).toBe('0.1.0');
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual([
      'cert-expired', 'cert-self-signed', 'rdp-security-allowed', 'tls-1.3-unsupported',
    ]);
    expect(run.invocations[0]?.executionSuccessful).toBe(true);
    const levels = Object.fromEntries(run.results.map((r) => [`${r.ruleId}@${r.locations[0]?.logicalLocations[0]?.fullyQualifiedName}`, r.level]));
    expect(levels).toEqual({
      'cert-self-signed@rdp://host1.example.com:3389': 'warning', // medium
      'tls-1.3-unsupported@rdp://host1.example.com:3389': 'note', // info
      'rdp-security-allowed@rdp://evil.example:3389': 'error', // high >= default failOn
      'cert-expired@rdp://evil.example:3389': 'error', // critical
      'tls-1.3-unsupported@rdp://evil.example:3389': 'note',
    });
    expect(run.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('rdp://host1.example.com:3389');
    expect(stream.text).not.toContain('\x1b');
    expect(stream.text).not.toContain('\u202e');
  });

  it('maps levels with failOn and writes IPv6 hosts in brackets', async () => {
    const r = okRecord({ host: '2001:db8::1', findings: [finding('a', 'low'), finding('b', 'medium')] });
    const log = JSON.parse((await runSink('sarif', [r], { failOn: 'low' })).text) as SarifLog;
    const run = log.runs[0] as SarifLog['runs'][number];
    expect(run.results.map((x) => x.level)).toEqual(['error', 'error']);
    expect(run.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('rdp://[2001:db8::1]:3389');
  });

  it('is valid with no findings and records an interrupted scan', async () => {
    const log = JSON.parse((await runSink('sarif', [], {}, { interrupted: true })).text) as SarifLog;
    expect(log.runs[0]?.results).toEqual([]);
    expect(log.runs[0]?.tool.driver.rules).toEqual([]);
    expect(log.runs[0]?.invocations[0]?.executionSuccessful).toBe(false);
  });
});

describe('github', () => {
  it('writes one annotation line per finding, most severe first, level from severity', async () => {
    const stream = await runSink('github', [okRecord(), unreachableRecord()]);
    const lines = stream.text.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      '::warning title=rdprobe medium cert-self-signed on host1.example.com%3A3389::' +
        'host1.example.com:3389: cert-self-signed title%0Aevidence: evidence for cert-self-signed',
    );
    expect(lines[1]?.startsWith('::notice title=rdprobe info tls-1.3-unsupported')).toBe(true);
  });

  it('escapes hostile text so it can neither start a command nor colour the log', async () => {
    const stream = await runSink('github', [hostileRecord()]);
    const lines = stream.text.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => l.slice(0, l.indexOf(' ')))).toEqual(['::error', '::error', '::notice']);
    for (const line of lines) expect(line).toMatch(/^::(error|warning|notice) title=[^:,]*::/);
    expect(stream.text).not.toContain('\x1b');
    expect(stream.text).not.toContain('\r');
    expect(stream.text).not.toContain('\u202e');
    // The hostile "\r\n::set-output" sits inside a message: its CR LF were shown as \x0d\x0a by forTerminal.
    expect(lines[1]).toContain('\\x0d\\x0a::set-output');
  });

  it('escapes % and property separators', async () => {
    const r = okRecord({ findings: [finding('id,with:colon', 'high', { title: '100% bad', evidence: [] })] });
    const line = (await runSink('github', [r])).text.trim();
    expect(line).toBe('::error title=rdprobe high id%2Cwith%3Acolon on host1.example.com%3A3389::host1.example.com:3389: 100%25 bad');
  });
});
