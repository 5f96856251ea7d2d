import { chmodSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from './audit.js';
import { auditSinks, isJournalStream, openAuditLog } from './audit.js';
import { parseAgentConfig } from './env.js';

const attach: AuditEvent = {
  action: 'attach',
  attachmentId: 'a1',
  tool: 'execsnoop',
  params: {},
  who: 'token:1a2b3c',
  attachMethod: 'tracepoint',
  programIds: [1],
};

describe('where audit lines go', () => {
  it('goes to the journal under systemd, else to the data dir, and to both when asked', () => {
    const dataDir = '/var/lib/bpfscope';
    expect(auditSinks('auto', { dataDir, stdoutIsJournal: false })).toEqual({ file: '/var/lib/bpfscope/audit.log', stdout: false });
    expect(auditSinks('auto', { dataDir, stdoutIsJournal: true })).toEqual({ file: '/var/lib/bpfscope/audit.log', stdout: true });
    expect(auditSinks('file', { dataDir, stdoutIsJournal: true })).toEqual({ file: '/var/lib/bpfscope/audit.log', stdout: false });
    expect(auditSinks('stdout', { dataDir, stdoutIsJournal: false })).toEqual({ stdout: true });
    expect(auditSinks('both', { dataDir, stdoutIsJournal: false })).toEqual({ file: '/var/lib/bpfscope/audit.log', stdout: true });
  });

  it('takes --audit and BPFSCOPE_AUDIT, auto by default, and refuses anything else', () => {
    expect(parseAgentConfig([], {}).audit).toBe('auto');
    expect(parseAgentConfig(['--audit', 'both'], {}).audit).toBe('both');
    expect(parseAgentConfig([], { BPFSCOPE_AUDIT: 'stdout' }).audit).toBe('stdout');
    expect(() => parseAgentConfig(['--audit', 'syslog'], {})).toThrow(/audit/);
  });

  it('counts stdout as the journal only when it is the stream JOURNAL_STREAM names (children inherit the variable)', () => {
    const stdout = { dev: 25n, ino: 123456n };
    expect(isJournalStream('25:123456', stdout)).toBe(true);
    expect(isJournalStream('25:999', stdout)).toBe(false);
    expect(isJournalStream(undefined, stdout)).toBe(false);
    expect(isJournalStream('garbage', stdout)).toBe(false);
    expect(isJournalStream('25:123456', undefined)).toBe(false);
  });

  it('appends to <data-dir>/audit.log, mode 0600, and writes nothing to stdout unless asked', () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'bpfscope-audit-')), 'data');
    const file = path.join(dataDir, 'audit.log');
    const stdout: string[] = [];
    const first = openAuditLog(auditSinks('auto', { dataDir, stdoutIsJournal: false }), (line) => stdout.push(line));
    first.log(attach);
    first.close();
    // Appended, and a file made readable by others is made private again.
    chmodSync(file, 0o644);
    const second = openAuditLog(auditSinks('auto', { dataDir, stdoutIsJournal: false }), (line) => stdout.push(line));
    second.log({ ...attach, attachmentId: 'a2' });
    second.close();
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toMatchObject([
      { audit: true, action: 'attach', attachmentId: 'a1' },
      { audit: true, attachmentId: 'a2' },
    ]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(stdout).toEqual([]);

    const both = openAuditLog(auditSinks('both', { dataDir, stdoutIsJournal: false }), (line) => stdout.push(line));
    both.log({ ...attach, attachmentId: 'a3' });
    both.close();
    expect(stdout).toHaveLength(1);
    expect(JSON.parse(stdout[0] as string)).toMatchObject({ audit: true, attachmentId: 'a3' });
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);
  });
});
