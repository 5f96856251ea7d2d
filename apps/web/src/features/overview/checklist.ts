// From the overview's samples (one a second) to the 60-second checklist panels: each tool's columns as it
// prints them, the newest second's figures (or, over a selected range, the range's average, as sar prints
// its "Average:" line), and each figure's series over the range for a sparkline.
import { formatFixed } from '@bpfscope/charts';
import type { OverviewSample } from '../../api/types';

export interface TimeRange {
  from: number;
  to: number;
}

/** A panel's figure: shown as a number, with its series over the range when the panel draws one. */
export interface ChecklistCell {
  value: number | null;
  series?: Array<number | null>;
}

export interface ChecklistRow {
  key: string;
  /** The row's first column (CPU, Device, IFACE, Mem:...). */
  label?: string;
  cells: ChecklistCell[];
}

export interface ChecklistPanel {
  /** The command as one would type it: `vmstat 1`. */
  command: string;
  /** The label column's name as the tool prints it, when rows have labels. */
  labelColumn?: string;
  columns: string[];
  rows: ChecklistRow[];
  /** What the figures are: the newest second, or the range's average. */
  basis: 'newest' | 'average';
}

/** The samples in (from, to], oldest first (samples are in time order). */
export function samplesInRange(samples: readonly OverviewSample[], range: TimeRange): OverviewSample[] {
  return samples.filter((sample) => sample.time > range.from && sample.time <= range.to);
}

/** The kept samples with the incoming ones, in time order, each second once, at most `limit` (the agent's hour). */
export function appendSamples(kept: readonly OverviewSample[], incoming: readonly OverviewSample[], limit: number): OverviewSample[] {
  const newest = kept[kept.length - 1]?.time ?? -Infinity;
  let all: OverviewSample[];
  if (incoming.every((sample) => sample.time > newest)) {
    if (incoming.length === 0) return kept as OverviewSample[];
    all = kept.concat(incoming);
  } else {
    // A gap filled after a reconnect: seconds older than the newest kept go in their place.
    const byTime = new Map(kept.map((sample) => [sample.time, sample]));
    for (const sample of incoming) if (!byTime.has(sample.time)) byTime.set(sample.time, sample);
    if (byTime.size === kept.length) return kept as OverviewSample[];
    all = [...byTime.values()].sort((a, b) => a.time - b.time);
  }
  return all.length > limit ? all.slice(all.length - limit) : all;
}

function mean(values: ReadonlyArray<number | null>): number | null {
  let sum = 0;
  let count = 0;
  for (const value of values) {
    if (value === null) continue;
    sum += value;
    count++;
  }
  return count === 0 ? null : sum / count;
}

/** One row's figures from a getter over the samples: the newest or the average, and the series. */
function cells(
  samples: readonly OverviewSample[],
  columns: readonly string[],
  basis: 'newest' | 'average',
  get: (sample: OverviewSample, column: string) => number | null | undefined,
  withSeries: (column: string) => boolean = () => true,
): ChecklistCell[] {
  return columns.map((column) => {
    const series = samples.map((sample) => get(sample, column) ?? null);
    const value = basis === 'average' ? mean(series) : (series[series.length - 1] ?? null);
    return withSeries(column) ? { value, series } : { value };
  });
}

/** Labels seen over the range, in the order they first appear in the newest sample that has them. */
function labelsOf(samples: readonly OverviewSample[], labels: (sample: OverviewSample) => readonly string[] | undefined): string[] {
  const seen = new Set<string>();
  for (let i = samples.length - 1; i >= 0; i--) for (const label of labels(samples[i] as OverviewSample) ?? []) seen.add(label);
  return [...seen];
}

export const VMSTAT_COLUMNS = ['r', 'b', 'si', 'so', 'us', 'sy', 'id', 'wa', 'st'] as const;
export function vmstatPanel(samples: readonly OverviewSample[], basis: 'newest' | 'average'): ChecklistPanel {
  const columns = [...VMSTAT_COLUMNS];
  const row = cells(samples, columns, basis, (sample, column) => sample.vmstat?.[column as (typeof VMSTAT_COLUMNS)[number]]);
  return { command: 'vmstat 1', columns, rows: samples.some((sample) => sample.vmstat) ? [{ key: 'vmstat', cells: row }] : [], basis };
}

export const MPSTAT_COLUMNS = ['%usr', '%sys', '%iowait', '%idle'] as const;
/** mpstat -P ALL: `all` first (with its series), then each CPU. */
export function mpstatPanel(samples: readonly OverviewSample[], basis: 'newest' | 'average'): ChecklistPanel {
  const columns = [...MPSTAT_COLUMNS];
  const cpus = labelsOf(samples, (sample) => sample.mpstat?.rows.map((row) => String(row.CPU)));
  cpus.sort((a, b) => (a === 'all' ? -1 : b === 'all' ? 1 : Number(a) - Number(b)));
  const rows = cpus.map((cpu) => ({
    key: cpu,
    label: cpu,
    cells: cells(
      samples,
      columns,
      basis,
      (sample, column) => sample.mpstat?.rows.find((row) => String(row.CPU) === cpu)?.[column as (typeof MPSTAT_COLUMNS)[number]],
      () => cpu === 'all',
    ),
  }));
  return { command: 'mpstat -P ALL 1', labelColumn: 'CPU', columns, rows, basis };
}

export const IOSTAT_COLUMNS = ['r/s', 'w/s', 'rkB/s', 'wkB/s', 'r_await', 'w_await', 'aqu-sz', '%util'] as const;
/** iostat -xz: devices with any I/O over the range (-z leaves idle ones out); %util with its series. */
export function iostatPanel(samples: readonly OverviewSample[], basis: 'newest' | 'average'): ChecklistPanel {
  const columns = [...IOSTAT_COLUMNS];
  const devices = labelsOf(samples, (sample) => sample.iostat?.map((row) => row.Device)).sort();
  const rows: ChecklistRow[] = [];
  for (const device of devices) {
    const rowOf = (sample: OverviewSample) => sample.iostat?.find((row) => row.Device === device);
    const active = samples.some((sample) => {
      const row = rowOf(sample);
      return row !== undefined && (row['r/s'] > 0 || row['w/s'] > 0 || row['%util'] > 0);
    });
    if (!active) continue;
    const get = (sample: OverviewSample, column: string) => rowOf(sample)?.[column as (typeof IOSTAT_COLUMNS)[number]];
    rows.push({ key: device, label: device, cells: cells(samples, columns, basis, get, (column) => column === '%util') });
  }
  return { command: 'iostat -xz 1', labelColumn: 'Device', columns, rows, basis };
}

export const FREE_COLUMNS = ['total', 'used', 'free', 'shared', 'buff/cache', 'available'] as const;
/** free -m: Mem: and Swap: (Swap has no shared, buff/cache or available, as free prints it). */
export function freePanel(samples: readonly OverviewSample[], basis: 'newest' | 'average'): ChecklistPanel {
  const columns = [...FREE_COLUMNS];
  if (!samples.some((sample) => sample.free)) return { command: 'free -m', labelColumn: '', columns, rows: [], basis };
  const mem = cells(
    samples,
    columns,
    basis,
    (sample, column) => sample.free?.Mem[column as (typeof FREE_COLUMNS)[number]],
    (column) => column === 'used' || column === 'available',
  );
  const swap = cells(
    samples,
    columns,
    basis,
    (sample, column) => (column in (sample.free?.Swap ?? {}) ? sample.free?.Swap[column as 'total'] : null),
    (column) => column === 'used',
  );
  return {
    command: 'free -m',
    labelColumn: '',
    columns,
    rows: [
      { key: 'Mem', label: 'Mem:', cells: mem },
      { key: 'Swap', label: 'Swap:', cells: swap },
    ],
    basis,
  };
}

export const SAR_DEV_COLUMNS = ['rxkB/s', 'txkB/s', 'rxpck/s', 'txpck/s', '%ifutil'] as const;
export function sarDevPanel(samples: readonly OverviewSample[], basis: 'newest' | 'average'): ChecklistPanel {
  const columns = [...SAR_DEV_COLUMNS];
  const interfaces = labelsOf(samples, (sample) => sample.sarDev?.map((row) => row.IFACE)).sort((a, b) =>
    a === 'lo' ? 1 : b === 'lo' ? -1 : a.localeCompare(b),
  );
  const rows = interfaces.map((iface) => ({
    key: iface,
    label: iface,
    cells: cells(
      samples,
      columns,
      basis,
      (sample, column) => sample.sarDev?.find((row) => row.IFACE === iface)?.[column as (typeof SAR_DEV_COLUMNS)[number]],
      (column) => column === 'rxkB/s' || column === 'txkB/s',
    ),
  }));
  return { command: 'sar -n DEV 1', labelColumn: 'IFACE', columns, rows, basis };
}

export const SAR_TCP_COLUMNS = ['active/s', 'passive/s', 'retrans/s'] as const;
/** sar -n TCP,ETCP: opens from TCP, retransmits from ETCP. */
export function sarTcpPanel(samples: readonly OverviewSample[], basis: 'newest' | 'average'): ChecklistPanel {
  const columns = [...SAR_TCP_COLUMNS];
  const get = (sample: OverviewSample, column: string) =>
    column === 'retrans/s' ? sample.sarEtcp?.['retrans/s'] : sample.sarTcp?.[column as 'active/s' | 'passive/s'];
  const any = samples.some((sample) => sample.sarTcp || sample.sarEtcp);
  return { command: 'sar -n TCP,ETCP 1', columns, rows: any ? [{ key: 'tcp', cells: cells(samples, columns, basis, get) }] : [], basis };
}

export interface UptimeFigures {
  /** Seconds since boot at the newest sample. */
  uptime: number | null;
  load1: number | null;
  load5: number | null;
  load15: number | null;
  /** The 1-minute load average over the range. */
  load1Series: Array<number | null>;
}

/** uptime: the newest sample's load averages (they are averages already), with the 1-minute one's series. */
export function uptimeFigures(samples: readonly OverviewSample[]): UptimeFigures {
  const newest = samples[samples.length - 1];
  return {
    uptime: newest?.uptime ?? null,
    load1: newest?.loadavg?.load1 ?? null,
    load5: newest?.loadavg?.load5 ?? null,
    load15: newest?.loadavg?.load15 ?? null,
    load1Series: samples.map((sample) => sample.loadavg?.load1 ?? null),
  };
}

/** `up 3 days, 4:05` as uptime prints it (minutes only under an hour). */
export function formatUptime(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const clock = hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}` : `${minutes} min`;
  return days > 0 ? `up ${days} day${days === 1 ? '' : 's'}, ${clock}` : `up ${clock}`;
}

export interface KernelLogLine {
  seq: number;
  /** `[  123.456789]` as dmesg prints the time since boot. */
  stamp: string;
  level: number;
  message: string;
  /** The classified kind (oom-kill, io-error, hung-task...), when it is one an on-call engineer looks for. */
  kind: string | null;
}

/**
 * dmesg | tail: the newest kernel log records up to `to` (each sample carries only its new ones), newest last. As
 * dmesg, not only the range's: a quiet kernel's last words from before it still say what happened.
 */
export function kernelLogTail(samples: readonly OverviewSample[], to: number, count: number): KernelLogLine[] {
  const lines: KernelLogLine[] = [];
  for (let i = samples.length - 1; i >= 0 && lines.length < count; i--) {
    if ((samples[i] as OverviewSample).time > to) continue;
    const records = (samples[i] as OverviewSample).kernelLog.records;
    for (let j = records.length - 1; j >= 0 && lines.length < count; j--) {
      const record = records[j] as OverviewSample['kernelLog']['records'][number];
      const seconds = Math.floor(record.usec / 1e6);
      const stamp = `[${String(seconds).padStart(5, ' ')}.${String(record.usec % 1e6).padStart(6, '0')}]`;
      lines.push({ seq: record.seq, stamp, level: record.level, message: record.message, kind: record.event?.kind ?? null });
    }
  }
  return lines.reverse();
}

export interface TopProcess {
  PID: number;
  Command: string;
  UID: number | null;
  '%usr': number;
  '%system': number;
  '%wait': number | null;
  '%CPU': number;
}

/**
 * pidstat 1, busiest first: the newest second's rows, or over a range each process's average (its seconds
 * off the list count as idle: pidstat shows no idle process), at most `count`.
 */
export function topProcesses(samples: readonly OverviewSample[], basis: 'newest' | 'average', count: number): TopProcess[] {
  if (basis === 'newest') {
    const rows = samples[samples.length - 1]?.pidstat?.rows ?? [];
    return rows.slice(0, count).map((row) => ({
      PID: row.PID,
      Command: row.Command,
      UID: row.UID,
      '%usr': row['%usr'],
      '%system': row['%system'],
      '%wait': row['%wait'],
      '%CPU': row['%CPU'],
    }));
  }
  const seconds = samples.filter((sample) => sample.pidstat).length;
  const sums = new Map<string, TopProcess & { waitSum: number; waitCount: number }>();
  for (const sample of samples) {
    for (const row of sample.pidstat?.rows ?? []) {
      const key = `${row.PID}\n${row.Command}`;
      const sum = sums.get(key) ?? {
        PID: row.PID,
        Command: row.Command,
        UID: row.UID,
        '%usr': 0,
        '%system': 0,
        '%wait': null,
        '%CPU': 0,
        waitSum: 0,
        waitCount: 0,
      };
      sum['%usr'] += row['%usr'];
      sum['%system'] += row['%system'];
      sum['%CPU'] += row['%CPU'];
      if (row['%wait'] !== null) {
        sum.waitSum += row['%wait'];
        sum.waitCount++;
      }
      sums.set(key, sum);
    }
  }
  return [...sums.values()]
    .map(({ waitSum, waitCount, ...row }) => ({
      ...row,
      '%usr': row['%usr'] / seconds,
      '%system': row['%system'] / seconds,
      '%CPU': row['%CPU'] / seconds,
      '%wait': waitCount > 0 ? waitSum / seconds : null,
    }))
    .sort((a, b) => b['%CPU'] - a['%CPU'] || a.PID - b.PID)
    .slice(0, count);
}

/** A figure as a panel shows it: whole numbers as they are, others to 2 digits below 10, 1 below 100, none above. */
export function formatFigure(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (Number.isInteger(value)) return formatFixed(value, 0);
  const size = Math.abs(value);
  return formatFixed(value, size < 10 ? 2 : size < 100 ? 1 : 0);
}
