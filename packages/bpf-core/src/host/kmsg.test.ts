import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyKernelMessage, KmsgReader, parseKmsg } from './kmsg.js';

const fixturePath = (file: string): string => fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url));
const fixture = (file: string): string => readFileSync(fixturePath(file), 'utf8');

describe('/dev/kmsg records', () => {
  it('reads this host’s log: every record, in sequence, with its dictionary lines', () => {
    const records = parseKmsg(fixture('this-host/kmsg'));
    expect(records.length).toBe(
      fixture('this-host/kmsg')
        .split('\n')
        .filter((line) => /^\d+,/.test(line)).length,
    );
    expect(records[0]).toMatchObject({ seq: 0, usec: 0, level: 5, facility: 0 });
    expect(records[0]?.message).toMatch(/^Linux version /);
    records.forEach((record, i) => expect(record.seq).toBe(i));
    expect(records.some((record) => record.dict.SUBSYSTEM === 'acpi')).toBe(true);
  });

  it('undoes the kernel’s \\xNN escapes, UTF-8 included', () => {
    const [record] = parseKmsg('6,1,2,-;tab\\x09and backslash\\x5c and caf\\xc3\\xa9\n');
    expect(record?.message).toBe('tab\tand backslash\\ and café');
  });

  it('reads a header with a caller field (printk caller id) and skips lines that are no record', () => {
    const records = parseKmsg('garbage\n6,339,5140900,-,caller=T1;hello\n');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ seq: 339, usec: 5140900, level: 6, message: 'hello' });
  });
});

describe('the kernel messages an on-call engineer looks for', () => {
  it('classifies each kind, with the victim, device or CPU it names', () => {
    const events = parseKmsg(fixture('kmsg-incidents')).map((record) => record.event);
    expect(events).toEqual([
      null,
      { kind: 'oom-kill', pid: 4242, comm: 'stress', memcg: false },
      { kind: 'oom-kill', pid: 5151, comm: 'node worker', memcg: true },
      { kind: 'oom-kill', pid: 777, comm: 'java', memcg: false },
      { kind: 'hung-task', pid: 1234, comm: 'kworker/u8:2', seconds: 122 },
      { kind: 'io-error', status: 'I/O', dev: 'sda', sector: 2048 },
      { kind: 'io-error', status: 'I/O', dev: 'nvme0n1', sector: 81920 },
      { kind: 'io-error', status: 'critical medium', dev: 'sdb', sector: 4096 },
      { kind: 'io-error', status: 'I/O', dev: 'sda1', sector: null },
      { kind: 'segfault', pid: 31337, comm: 'a.out' },
      { kind: 'trap', pid: 4040, comm: 'crasher', trap: 'general protection fault' },
      { kind: 'trap', pid: 4041, comm: 'badop', trap: 'invalid opcode' },
      { kind: 'soft-lockup', cpu: 3, seconds: 23, pid: 999, comm: 'spin:ner' },
      { kind: 'hard-lockup', cpu: 2 },
      { kind: 'rcu-stall' },
      { kind: 'bug', what: 'BUG: kernel NULL pointer dereference, address: 0000000000000008' },
      { kind: 'bug', what: 'Oops: 0002 [#1] PREEMPT SMP NOPTI' },
      { kind: 'bug', what: 'kernel BUG at mm/slub.c:321!' },
      { kind: 'bug', what: 'general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1] PREEMPT SMP NOPTI' },
      { kind: 'warning', cpu: 1, pid: 4321, at: 'net/core/dev.c:3250 skb_warn_bad_offload+0x6c/0xf0' },
      { kind: 'call-trace' },
      { kind: 'panic', what: 'Fatal exception' },
      null,
      // Facility 1 (user space writing to /dev/kmsg) is never taken for a kernel event.
      null,
      null,
    ]);
  });

  it('classifies a machine check (an MCE the CPU reported), once per event and not its detail lines', () => {
    // x86 mce.c: the console line of each event, and mce_notify_irq's summary when mcelog or rasdaemon gets them.
    expect(classifyKernelMessage('mce: [Hardware Error]: CPU 1: Machine Check: 0 Bank 5: be00000000800400')).toEqual({ kind: 'machine-check', cpu: 1 });
    expect(classifyKernelMessage('mce: [Hardware Error]: CPU 0: Machine Check Exception: 5 Bank 4: b200000000070f0f')).toEqual({
      kind: 'machine-check',
      cpu: 0,
    });
    expect(classifyKernelMessage('mce: [Hardware Error]: Machine check events logged')).toEqual({ kind: 'machine-check', cpu: null });
    expect(classifyKernelMessage('mce: [Hardware Error]: TSC 0 ADDR fef1a140 MISC 38a0000086')).toBeNull();
    expect(classifyKernelMessage('mce: CPU0: Core temperature above threshold, cpu clock throttled (total events = 1)')).toBeNull();
  });

  it('finds no event in this host’s boot log, and nothing in ordinary messages', () => {
    expect(parseKmsg(fixture('this-host/kmsg')).filter((record) => record.event !== null)).toEqual([]);
    expect(classifyKernelMessage('loop0: detected capacity change from 0 to 32768')).toBeNull();
    expect(classifyKernelMessage('EXT4-fs (vda): re-mounted. Quota mode: none.')).toBeNull();
  });
});

describe('KmsgReader', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads a file of records from where it stopped, at most maxRecords at a time, whole records only', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kmsg-'));
    const file = path.join(dir, 'kmsg');
    copyFileSync(fixturePath('kmsg-incidents'), file);
    const reader = new KmsgReader(file, 10);
    const first = reader.read();
    expect(first.records.map((record) => record.seq)).toEqual([2001, 2002, 2003, 2004, 2005, 2006, 2007, 2008, 2009, 2010]);
    // The dictionary of record 2006 came with it.
    expect(first.records[5]?.dict).toEqual({ SUBSYSTEM: 'block', DEVICE: 'b8:0' });
    expect(reader.read().records).toHaveLength(10);
    expect(reader.read().records.map((record) => record.seq)).toEqual([2021, 2022, 2023, 2024, 2025]);
    expect(reader.read()).toEqual({ records: [], lost: 0, error: null });
    // An appended record, and one only half written yet.
    appendFileSync(file, '3,2030,6000000000,-;Out of memory: Killed process 99 (hog) total-vm:1kB\n3,2031,60');
    const later = reader.read();
    expect(later.records.map((record) => record.event)).toEqual([{ kind: 'oom-kill', pid: 99, comm: 'hog', memcg: false }]);
    expect(later.lost).toBe(4);
    appendFileSync(file, '00000001,-;INFO: task dd:5 blocked for more than 240 seconds.\n');
    expect(reader.read().records.map((record) => record.event?.kind)).toEqual(['hung-task']);
    reader.close();
  });

  it('says why it cannot read the log rather than throwing', () => {
    const reader = new KmsgReader('/nonexistent/kmsg');
    expect(reader.read()).toEqual({ records: [], lost: 0, error: 'no /nonexistent/kmsg' });
  });

  it.runIf(process.getuid?.() === 0)('says so when a user without CAP_SYSLOG may not read the log', () => {
    const module = fileURLToPath(new URL('./kmsg.ts', import.meta.url));
    const script = `import { KmsgReader } from ${JSON.stringify(module)}; console.log(JSON.stringify(new KmsgReader('/dev/kmsg').read()));`;
    // As nobody: without CAP_SYSLOG, and dmesg_restrict decides.
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { uid: 65534, gid: 65534, encoding: 'utf8' });
    expect(child.stderr).toBe('');
    const batch = JSON.parse(child.stdout) as ReturnType<KmsgReader['read']>;
    if (readFileSync('/proc/sys/kernel/dmesg_restrict', 'utf8').trim() === '1') {
      expect(batch).toEqual({ records: [], lost: 0, error: 'no permission to read /dev/kmsg (the kernel log takes CAP_SYSLOG while kernel.dmesg_restrict=1)' });
    } else {
      expect(batch.records.length).toBeGreaterThan(0);
    }
  });

  it('reads /dev/kmsg itself: the ring buffer first, then only what is new', () => {
    const reader = new KmsgReader('/dev/kmsg', 100_000);
    const first = reader.read();
    expect(first.error).toBeNull();
    expect(first.records.length).toBeGreaterThan(10);
    const marker = `bpfscope host test ${process.pid} ${Date.now()}`;
    writeFileSync('/dev/kmsg', `<6>${marker}\n`);
    const next = reader.read();
    // The kernel files a line user space wrote under facility 1 (LOG_USER) even when it asked for 0 (the kernel's).
    expect(next.records.filter((record) => record.message === marker).map((record) => record.facility)).toEqual([1]);
    expect(next.records.length).toBeLessThan(first.records.length);
    reader.close();
  });
});
