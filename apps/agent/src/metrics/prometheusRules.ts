// Prometheus recording and alerting rules for the USE thresholds, generated from the one table the overview judges
// by (overview/use.ts): the figures computed from node_exporter's metrics (where it already exports them) or the
// agent's own, each judged at the table's levels, and alerts on the verdicts the agents themselves give.
import { ERROR_WINDOW_SECONDS, TCP_RETRANS_MIN_OSEG, USE_THRESHOLDS } from '../overview/use.js';
import type { UseThreshold, UseThresholdName } from '../overview/use.js';
import type { UseKind } from '../overview/types.js';
import { VERDICT_VALUE } from './agentMetrics.js';

/** rate() windows: four points at Prometheus's default 15 s scrape interval. */
export const RATE_WINDOW = '1m';
/** Errors are counted over the overview's error window. */
const ERROR_WINDOW = `${ERROR_WINDOW_SECONDS}s`;
/** How long a figure must hold before its alert fires: the overview turns within seconds, so one bad second never pages. */
export const FIGURE_FOR = '1m';
/** The agents' verdicts are already smoothed (a 3-second median, a minute of errors). */
export const VERDICT_FOR = '30s';

/** One figure of a threshold as Prometheus computes it, in base units. */
export interface PrometheusFigure {
  /** Recording rule name, level:metric:unit. */
  record: string;
  expr: string;
  /** Whose metrics it reads. */
  source: 'node_exporter' | 'bpfscope';
  /** Only where this other series is absent (the overview's fallbacks: runqlat without PSI…), joined on the target. */
  unless?: string;
}

const scaleOf: Readonly<Record<UseThreshold['unit'], number>> = {
  percent: 1 / 100,
  usecs: 1e-6,
  ms: 1e-3,
  'KiB/s': 1024,
  'per s': 1,
  'per CPU': 1,
  requests: 1,
  count: 1,
};

const rate = (metric: string) => `rate(${metric}[${RATE_WINDOW}])`;

/**
 * Every threshold's figures: the type makes a new threshold in the table fail to compile until it has one here.
 * node_exporter's metric names as of 1.x (default collectors); a page size of 4 KiB for swap.
 */
export const PROMETHEUS_FIGURES: Readonly<Record<UseThresholdName, readonly PrometheusFigure[]>> = {
  cpuUtilization: [
    { record: 'bpfscope:cpu_utilization:ratio', source: 'node_exporter', expr: `1 - avg without (cpu, mode) (${rate('node_cpu_seconds_total{mode="idle"}')})` },
  ],
  cpuPressure: [{ record: 'bpfscope:cpu_pressure_some:ratio', source: 'node_exporter', expr: rate('node_pressure_cpu_waiting_seconds_total') }],
  runqLatencyP99: [
    {
      record: 'bpfscope:runqlat_p99:seconds',
      source: 'bpfscope',
      // Judged beside PSI, as the overview's scheduler row; without PSI it is the CPUs' saturation too.
      expr: `histogram_quantile(0.99, ${rate('bpfscope_runqlat_seconds_bucket')})`,
    },
  ],
  loadPerCpu: [
    {
      record: 'bpfscope:load1_per_cpu:ratio',
      source: 'node_exporter',
      expr: 'node_load1 / count without (cpu, mode) (node_cpu_seconds_total{mode="idle"})',
      unless: 'node_pressure_cpu_waiting_seconds_total',
    },
  ],
  cpuErrors: [
    {
      record: `bpfscope:cpu_errors_logged:increase${ERROR_WINDOW}`,
      source: 'bpfscope',
      expr: `sum without (kind, device) (increase(bpfscope_kernel_log_events_total{kind=~"soft-lockup|hard-lockup|rcu-stall|machine-check"}[${ERROR_WINDOW}]))`,
    },
  ],
  taskUtilization: [
    {
      record: 'bpfscope:task_utilization:ratio',
      // node_exporter's processes collector (--collector.processes): threads against the smaller of threads-max and pid_max.
      source: 'node_exporter',
      expr: 'node_processes_threads / (node_processes_max_threads < node_processes_max_processes or node_processes_max_processes)',
    },
  ],
  hungTasks: [
    {
      record: `bpfscope:hung_tasks_logged:increase${ERROR_WINDOW}`,
      source: 'bpfscope',
      expr: `sum without (device) (increase(bpfscope_kernel_log_events_total{kind="hung-task"}[${ERROR_WINDOW}]))`,
    },
  ],
  memoryUtilization: [
    { record: 'bpfscope:memory_utilization:ratio', source: 'node_exporter', expr: '1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes' },
  ],
  memoryPressure: [{ record: 'bpfscope:memory_pressure_some:ratio', source: 'node_exporter', expr: rate('node_pressure_memory_waiting_seconds_total') }],
  swap: [
    {
      record: 'bpfscope:swap:bytes_per_second',
      source: 'node_exporter',
      expr: `(${rate('node_vmstat_pswpin')} + ${rate('node_vmstat_pswpout')}) * 4096`,
      unless: 'node_pressure_memory_waiting_seconds_total',
    },
  ],
  oomKills: [
    { record: `bpfscope:oom_kills:increase${ERROR_WINDOW}`, source: 'node_exporter', expr: `increase(node_vmstat_oom_kill[${ERROR_WINDOW}])` },
    {
      record: `bpfscope:oom_kills_logged:increase${ERROR_WINDOW}`,
      source: 'bpfscope',
      expr: `sum without (device) (increase(bpfscope_kernel_log_events_total{kind="oom-kill"}[${ERROR_WINDOW}]))`,
    },
  ],
  diskUtilization: [{ record: 'bpfscope:disk_utilization:ratio', source: 'node_exporter', expr: rate('node_disk_io_time_seconds_total') }],
  diskQueue: [{ record: 'bpfscope:disk_queue:requests', source: 'node_exporter', expr: rate('node_disk_io_time_weighted_seconds_total') }],
  diskAwait: [
    {
      record: 'bpfscope:disk_await:seconds',
      source: 'node_exporter',
      expr:
        `(${rate('node_disk_read_time_seconds_total')} + ${rate('node_disk_write_time_seconds_total')})` +
        ` / (${rate('node_disk_reads_completed_total')} + ${rate('node_disk_writes_completed_total')})`,
    },
  ],
  diskIoErrors: [
    {
      record: `bpfscope:disk_io_errors:increase${ERROR_WINDOW}`,
      source: 'bpfscope',
      expr: `increase(bpfscope_kernel_log_events_total{kind="io-error"}[${ERROR_WINDOW}])`,
    },
  ],
  networkUtilization: [
    {
      record: 'bpfscope:network_utilization:ratio',
      source: 'node_exporter',
      // sar's full duplex %ifutil: the busier direction against the link speed.
      expr:
        `(${rate('node_network_receive_bytes_total')} > ${rate('node_network_transmit_bytes_total')} or ${rate('node_network_transmit_bytes_total')})` +
        ' / (node_network_speed_bytes > 0)',
    },
  ],
  networkDrops: [
    {
      record: 'bpfscope:network_drops:per_second',
      source: 'node_exporter',
      expr: `${rate('node_network_receive_drop_total')} + ${rate('node_network_transmit_drop_total')}`,
    },
  ],
  networkErrors: [
    {
      record: 'bpfscope:network_errors:per_second',
      source: 'node_exporter',
      expr: `${rate('node_network_receive_errs_total')} + ${rate('node_network_transmit_errs_total')}`,
    },
  ],
  tcpListenDrops: [
    {
      record: 'bpfscope:tcp_listen_drops:per_second',
      source: 'node_exporter',
      expr: `${rate('node_netstat_TcpExt_ListenOverflows')} > ${rate('node_netstat_TcpExt_ListenDrops')} or ${rate('node_netstat_TcpExt_ListenDrops')}`,
    },
  ],
  tcpRetrans: [
    {
      record: 'bpfscope:tcp_retransmits:ratio',
      source: 'node_exporter',
      expr: `${rate('node_netstat_Tcp_RetransSegs')} / ${rate('node_netstat_Tcp_OutSegs')} and ${rate('node_netstat_Tcp_OutSegs')} >= ${TCP_RETRANS_MIN_OSEG}`,
    },
  ],
  tcpErrors: [
    { record: 'bpfscope:tcp_in_errors:per_second', source: 'node_exporter', expr: rate('node_netstat_Tcp_InErrs') },
    { record: 'bpfscope:tcp_timeouts:per_second', source: 'node_exporter', expr: rate('node_netstat_TcpExt_TCPTimeouts') },
  ],
  fdUtilization: [{ record: 'bpfscope:fd_utilization:ratio', source: 'node_exporter', expr: 'node_filefd_allocated / node_filefd_maximum' }],
};

export interface RecordingRule {
  record: string;
  expr: string;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: Array<RecordingRule | AlertingRule>;
}

const KIND_NAMES: Readonly<Record<UseKind, string>> = {
  cpu: 'CPU',
  memory: 'Memory',
  disk: 'Disk',
  network: 'Network',
  scheduler: 'Scheduler',
  tcp: 'TCP',
  fd: 'File descriptor',
};

function pascal(words: string): string {
  return words.replace(/(^|[^a-zA-Z0-9])([a-zA-Z0-9])/g, (_, __, letter: string) => letter.toUpperCase());
}

/** A level as PromQL writes it: the table's number in base units, without binary-fraction noise (0.7, not 0.7000000000000001). */
export function promNumber(value: number): string {
  return String(Number(value.toPrecision(12)));
}

function levelText(threshold: UseThreshold, level: number): string {
  const unit = threshold.unit === 'percent' ? ' %' : threshold.unit === 'count' ? '' : ` ${threshold.unit}`;
  return `${level}${unit}`;
}

/** Bpfscope + the threshold's name: BpfscopeCpuUtilization. */
export function figureAlertName(name: UseThresholdName): string {
  return `Bpfscope${pascal(name)}`;
}

/** BpfscopeUse + kind + column: BpfscopeUseCpuSaturation. */
export function verdictAlertName(kind: UseKind, column: UseThreshold['column']): string {
  return `BpfscopeUse${pascal(kind === 'fd' ? 'file descriptors' : kind)}${pascal(column)}`;
}

function figureRules(): { recording: RecordingRule[]; alerting: AlertingRule[] } {
  const recording: RecordingRule[] = [];
  const alerting: AlertingRule[] = [];
  for (const [name, threshold] of Object.entries(USE_THRESHOLDS) as Array<[UseThresholdName, UseThreshold]>) {
    for (const figure of PROMETHEUS_FIGURES[name]) {
      recording.push({ record: figure.record, expr: figure.expr });
      for (const severity of ['warning', 'critical'] as const) {
        const level = threshold[severity];
        const comparison = `${figure.record} >= ${promNumber(level * scaleOf[threshold.unit])}`;
        alerting.push({
          alert: figureAlertName(name),
          expr: figure.unless === undefined ? comparison : `(${comparison}) unless on (instance, job) (${figure.unless})`,
          for: FIGURE_FOR,
          labels: { severity, kind: threshold.kind, column: threshold.column, threshold: name, figure: figure.record },
          annotations: {
            summary: `${KIND_NAMES[threshold.kind]} ${threshold.column}: ${threshold.what} at or above ${levelText(threshold, level)} (${severity})`,
            description:
              `${figure.record} (from ${figure.source === 'bpfscope' ? 'the bpfscope agent' : 'node_exporter'}) has been at or above ` +
              `the ${severity} level of the host overview’s USE table for ${FIGURE_FOR}.`,
          },
        });
      }
    }
  }
  return { recording, alerting };
}

/** An alert per USE cell the table judges, on the verdict the agent itself gives (all its logic: fallbacks, smoothing, error windows). */
function verdictRules(): AlertingRule[] {
  const cells = new Map<string, Pick<UseThreshold, 'kind' | 'column'>>();
  for (const { kind, column } of Object.values(USE_THRESHOLDS) as UseThreshold[]) cells.set(`${kind} ${column}`, { kind, column });
  return [...cells.values()].flatMap(({ kind, column }) =>
    (['warning', 'critical'] as const).map((severity): AlertingRule => ({
      alert: verdictAlertName(kind, column),
      expr: `bpfscope_use_verdict{kind="${kind}",column="${column}"} >= ${VERDICT_VALUE[severity]}`,
      for: VERDICT_FOR,
      labels: { severity, kind, column },
      annotations: {
        summary: `${KIND_NAMES[kind]} ${column}: ${severity} in the bpfscope host overview’s USE table`,
        description: `The agent’s own verdict (bpfscope_use_verdict) has been ${severity} or worse for ${VERDICT_FOR}; its overview says which figure and threshold.`,
      },
    })),
  );
}

/** Every rule group, in the order rules.yml lists them. */
export function prometheusRuleGroups(): RuleGroup[] {
  const { recording, alerting } = figureRules();
  return [
    { name: 'bpfscope-use-figures', rules: recording },
    { name: 'bpfscope-use-thresholds', rules: alerting },
    { name: 'bpfscope-use-verdicts', rules: verdictRules() },
  ];
}

/** A YAML single-quoted scalar: only the quote itself needs escaping (PromQL's double quotes stay readable). */
function quote(text: string): string {
  if (/[\n\r]/.test(text)) throw new Error(`a rule field spans lines: ${text}`);
  return `'${text.replaceAll("'", "''")}'`;
}

function mapLines(key: string, map: Record<string, string>, indent: string): string[] {
  return [`${indent}${key}:`, ...Object.entries(map).map(([name, value]) => `${indent}  ${name}: ${quote(value)}`)];
}

/** rules.yml: the groups as Prometheus's rule file format (a YAML subset: maps, lists, single-quoted strings). */
export function prometheusRulesYaml(groups: readonly RuleGroup[] = prometheusRuleGroups()): string {
  const lines = [
    '# Generated from the USE thresholds in apps/agent/src/overview/use.ts by apps/agent/src/promRules.ts',
    '# (pnpm --filter @bpfscope/agent rules): do not edit. Check: promtool check rules rules.yml',
    'groups:',
  ];
  for (const group of groups) {
    lines.push(`  - name: ${group.name}`, '    rules:');
    for (const rule of group.rules) {
      if ('record' in rule) {
        lines.push(`      - record: ${rule.record}`, `        expr: ${quote(rule.expr)}`);
      } else {
        lines.push(`      - alert: ${rule.alert}`, `        expr: ${quote(rule.expr)}`, `        for: ${rule.for}`);
        lines.push(...mapLines('labels', rule.labels, '        '), ...mapLines('annotations', rule.annotations, '        '));
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
