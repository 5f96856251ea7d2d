// /dev/kmsg: the kernel log, one record per read(), `prio,seq,usec,flags[,…];message` then ` KEY=value` lines;
// and the messages an on-call engineer looks for in `dmesg | tail`.
import { closeSync, fstatSync, openSync, readSync, constants } from 'node:fs';

export interface KmsgRecord {
  /** 64-bit sequence number: a gap means records were overwritten before they were read. */
  seq: number;
  /** Microseconds since boot when the kernel logged it. */
  usec: number;
  /** 0 emerg, 1 alert, 2 crit, 3 err, 4 warning, 5 notice, 6 info, 7 debug. */
  level: number;
  /** 0 is the kernel; 1 and up are user space writing to /dev/kmsg (systemd and the like). */
  facility: number;
  /** The message, the kernel's \xNN escapes undone. */
  message: string;
  /** The ` KEY=value` lines after it (SUBSYSTEM=, DEVICE=). */
  dict: Record<string, string>;
  /** What the message is, when it is one of the kinds an on-call engineer looks for. */
  event: KernelEvent | null;
}

export type KernelEvent =
  /** The OOM killer killed a process; `memcg` when a memory cgroup's limit, not the whole host, ran out. */
  | { kind: 'oom-kill'; pid: number; comm: string; memcg: boolean }
  /** khungtaskd: a task in uninterruptible sleep longer than kernel.hung_task_timeout_secs. */
  | { kind: 'hung-task'; pid: number; comm: string; seconds: number }
  /** A block I/O request failed; `status` is the block layer's name for the error (I/O, critical medium, timeout…). */
  | { kind: 'io-error'; status: string; dev: string | null; sector: number | null }
  | { kind: 'segfault'; pid: number; comm: string }
  /** A user-space fault other than a segfault: general protection fault, invalid opcode, divide error… */
  | { kind: 'trap'; pid: number; comm: string; trap: string }
  | { kind: 'soft-lockup'; cpu: number; seconds: number; pid: number; comm: string }
  | { kind: 'hard-lockup'; cpu: number | null }
  | { kind: 'rcu-stall' }
  /** The CPU reported a hardware error (x86 MCE): `cpu` when the line names it. */
  | { kind: 'machine-check'; cpu: number | null }
  /** BUG:, kernel BUG at, Oops, a kernel general protection fault. */
  | { kind: 'bug'; what: string }
  | { kind: 'warning'; cpu: number; pid: number; at: string }
  | { kind: 'call-trace' }
  | { kind: 'panic'; what: string };

export type KernelEventKind = KernelEvent['kind'];

/** Undoes the kernel's escaping: every byte below 0x20, from 0x7f, and the backslash itself becomes \xNN. */
function unescape(text: string): string {
  if (!text.includes('\\x')) return text;
  return Buffer.from(
    text.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    'latin1',
  ).toString('utf8');
}

/** Classifies one kernel message (of facility 0: user space can write anything to /dev/kmsg). */
export function classifyKernelMessage(message: string): KernelEvent | null {
  let m: RegExpExecArray | null;
  // "Out of memory: Killed process 1234 (stress) total-vm:…" (4.19+), "Memory cgroup out of memory: Killed process…",
  // and before 4.19 "Killed process 1234 (stress) total-vm:…" after "Out of memory: Kill process… or sacrifice child".
  if ((m = /(?:^|: )Killed process (\d+) \((.*)\)(?: total-vm|,|$)/.exec(message))) {
    return { kind: 'oom-kill', pid: Number(m[1]), comm: m[2] as string, memcg: /^Memory cgroup out of memory/.test(message) };
  }
  // "INFO: task kworker/0:1:123 blocked for more than 120 seconds." (the comm may hold colons).
  if ((m = /^INFO: task (.+):(\d+) blocked for more than (\d+) seconds/.exec(message))) {
    return { kind: 'hung-task', comm: m[1] as string, pid: Number(m[2]), seconds: Number(m[3]) };
  }
  // "watchdog: BUG: soft lockup - CPU#3 stuck for 23s! [stress:1234]": before BUG, which it also says.
  if ((m = /BUG: soft lockup - CPU#(\d+) stuck for (\d+)s! \[(.*):(\d+)\]/.exec(message))) {
    return { kind: 'soft-lockup', cpu: Number(m[1]), seconds: Number(m[2]), comm: m[3] as string, pid: Number(m[4]) };
  }
  if ((m = /Watchdog detected hard LOCKUP on cpu (\d+)?/.exec(message))) return { kind: 'hard-lockup', cpu: m[1] === undefined ? null : Number(m[1]) };
  if (/^rcu: INFO: rcu_\w+ (?:self-)?detected stalls? on CPU/.test(message) || /^INFO: rcu_\w+ (?:self-)?detected stalls? on CPU/.test(message)) {
    return { kind: 'rcu-stall' };
  }
  // "mce: [Hardware Error]: CPU 1: Machine Check: 0 Bank 5: be…" per event, "mce: [Hardware Error]: Machine check events logged" after them.
  if ((m = /^mce: \[Hardware Error\]: (?:CPU (\d+): Machine Check\b|Machine check events logged)/.exec(message))) {
    return { kind: 'machine-check', cpu: m[1] === undefined ? null : Number(m[1]) };
  }
  // blk_print_req_error (5.x+; "blk_update_request: " or "print_req_error: " before it):
  // "I/O error, dev sda, sector 2048 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0", "critical medium error, dev sdb, sector…".
  if ((m = /^(?:blk_update_request: |print_req_error: )?([\w/ ]+?) error, dev ([^,\s]+), sector (\d+)/.exec(message))) {
    return { kind: 'io-error', status: m[1] as string, dev: m[2] as string, sector: Number(m[3]) };
  }
  // "Buffer I/O error on dev sda1, logical block 0, async page read", and any other I/O error a driver or file system logs.
  if (/\bI\/O error\b/i.test(message)) {
    const dev = /\b(?:on )?dev(?:ice)? ([\w!/.-]+?)[,):\s]/.exec(`${message} `);
    return { kind: 'io-error', status: 'I/O', dev: dev ? (dev[1] as string) : null, sector: null };
  }
  // "a.out[1234]: segfault at 0 ip 000055d5c0a0b13d sp 00007ffd6b1a8f30 error 6 in a.out[…]"
  if ((m = /^(.*)\[(\d+)\]: segfault at /.exec(message))) return { kind: 'segfault', comm: m[1] as string, pid: Number(m[2]) };
  // "traps: a.out[1234] general protection fault ip:… sp:… error:0 in …", "traps: a.out[1234] trap invalid opcode ip:…"
  if ((m = /^traps: (.*)\[(\d+)\] (?:trap )?(.+?) ip:/.exec(message))) return { kind: 'trap', comm: m[1] as string, pid: Number(m[2]), trap: m[3] as string };
  if ((m = /^Kernel panic - not syncing: (.*)/.exec(message))) return { kind: 'panic', what: m[1] as string };
  // "BUG: kernel NULL pointer dereference, address: 0000000000000000", "kernel BUG at mm/slub.c:321!",
  // "Oops: 0002 [#1] PREEMPT SMP", "general protection fault, probably for non-canonical address…: 0000 [#1] SMP".
  if ((m = /^(BUG: .*|kernel BUG at .*|Oops: .*|general protection fault.*\[#\d+\].*)$/.exec(message))) return { kind: 'bug', what: m[1] as string };
  // "WARNING: CPU: 1 PID: 123 at kernel/sched/core.c:1234 foo+0x12/0x34"
  if ((m = /^WARNING: CPU: (\d+) PID: (\d+) at (.+)$/.exec(message))) return { kind: 'warning', cpu: Number(m[1]), pid: Number(m[2]), at: m[3] as string };
  // x86 prints "Call Trace:", arm64 "Call trace:".
  if (/^\s*Call [Tt]race:/.test(message)) return { kind: 'call-trace' };
  return null;
}

/**
 * Parses the text of one or more /dev/kmsg records (one per read() from the device; a file of them, one
 * after the other, for a fixture). Lines that are neither a record nor a ` KEY=value` line are skipped.
 */
export function parseKmsg(text: string): KmsgRecord[] {
  const records: KmsgRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith(' ')) {
      const last = records.at(-1);
      const eq = line.indexOf('=');
      if (last !== undefined && eq > 1) last.dict[line.slice(1, eq)] = unescape(line.slice(eq + 1));
      continue;
    }
    const semicolon = line.indexOf(';');
    if (semicolon === -1) continue;
    const [prio, seq, usec] = line.slice(0, semicolon).split(',').map(Number);
    if (prio === undefined || seq === undefined || usec === undefined || ![prio, seq, usec].every(Number.isFinite)) continue;
    const message = unescape(line.slice(semicolon + 1));
    const facility = prio >> 3;
    records.push({ seq, usec, level: prio & 7, facility, message, dict: {}, event: facility === 0 ? classifyKernelMessage(message) : null });
  }
  return records;
}

export interface KmsgBatch {
  /** New records since the last read, oldest first. */
  records: KmsgRecord[];
  /** Records the kernel overwrote before they were read (a gap in seq). */
  lost: number;
  /** Why the log could not be read (no permission: dmesg_restrict=1 without CAP_SYSLOG…); null when it could. */
  error: string | null;
}

/** Records of one read() are at most CONSOLE_EXT_LOG_MAX (8 KiB) with their dictionary: a read into less fails with EINVAL. */
const RECORD_BUFFER = 16 * 1024;

/**
 * Reads the kernel log as it grows: from the device one record per read() without blocking, or from a
 * regular file (a fixture) from where the last read stopped. The first read returns the whole ring buffer,
 * what `dmesg` would print; each read returns at most `maxRecords`, the rest waits for the next one.
 */
export class KmsgReader {
  private fd: number | null = null;
  private device = false;
  private offset = 0;
  private pending = '';
  private lastSeq: number | null = null;
  private readonly buffer = Buffer.alloc(RECORD_BUFFER);

  constructor(
    readonly path: string,
    private readonly maxRecords = 1000,
  ) {}

  read(): KmsgBatch {
    if (this.fd === null) {
      try {
        this.fd = openSync(this.path, constants.O_RDONLY | constants.O_NONBLOCK);
        this.device = fstatSync(this.fd).isCharacterDevice();
      } catch (error) {
        return { records: [], lost: 0, error: describeOpenError(this.path, error) };
      }
    }
    const records = this.device ? this.readDevice() : this.readFile();
    let lost = 0;
    for (const record of records) {
      if (this.lastSeq !== null && record.seq > this.lastSeq + 1) lost += record.seq - this.lastSeq - 1;
      this.lastSeq = record.seq;
    }
    return { records, lost, error: null };
  }

  private readDevice(): KmsgRecord[] {
    const records: KmsgRecord[] = [];
    while (records.length < this.maxRecords) {
      let bytes: number;
      try {
        bytes = readSync(this.fd as number, this.buffer, 0, this.buffer.length, null);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // EPIPE: the records we were at were overwritten; the next read() goes on from the oldest left (seq tells how many).
        if (code === 'EPIPE') continue;
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK') break;
        throw error;
      }
      if (bytes === 0) break;
      records.push(...parseKmsg(this.buffer.toString('utf8', 0, bytes)));
    }
    return records;
  }

  private readFile(): KmsgRecord[] {
    for (;;) {
      const bytes = readSync(this.fd as number, this.buffer, 0, this.buffer.length, this.offset);
      if (bytes === 0) break;
      this.offset += bytes;
      this.pending += this.buffer.toString('latin1', 0, bytes);
    }
    // Whole records only: a record ends where the next line is neither a dictionary line nor empty.
    const lines = this.pending.split('\n');
    const complete = lines.slice(0, -1);
    let end = 0;
    let count = 0;
    let consumed = 0;
    for (let i = 0; i < complete.length; i++) {
      const line = complete[i] as string;
      if (!line.startsWith(' ') && line.includes(';')) {
        if (count === this.maxRecords) break;
        count++;
      }
      end = i + 1;
      consumed += line.length + 1;
    }
    const text = Buffer.from(complete.slice(0, end).join('\n'), 'latin1').toString('utf8');
    this.pending = this.pending.slice(consumed);
    return parseKmsg(text);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

function describeOpenError(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EPERM' || code === 'EACCES') return `no permission to read ${path} (the kernel log takes CAP_SYSLOG while kernel.dmesg_restrict=1)`;
  if (code === 'ENOENT') return `no ${path}`;
  return `${path}: ${(error as Error).message}`;
}
