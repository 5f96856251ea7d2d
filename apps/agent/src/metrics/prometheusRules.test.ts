// The rules Prometheus gets: the committed rules.yml is the generated one, promtool accepts it, and promtool's own
// unit tests, with series written here, see every threshold's figure reach its warning and critical levels (and
// the fallbacks stand aside where the overview would not use them).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { promtool } from '../testing/prometheus.js';
import { USE_THRESHOLDS } from '../overview/use.js';
import type { UseThresholdName } from '../overview/use.js';
import { figureAlertName, PROMETHEUS_FIGURES, prometheusRuleGroups, prometheusRulesYaml, verdictAlertName } from './prometheusRules.js';
import type { AlertingRule } from './prometheusRules.js';

const rulesFile = fileURLToPath(new URL('../../deploy/prometheus/rules.yml', import.meta.url));
const scrapeConfig = fileURLToPath(new URL('../../deploy/prometheus/prometheus.yml', import.meta.url));

const node = { instance: 'db-3:9100', job: 'node' };
const agent = { instance: 'db-3:7070', job: 'bpfscope' };

interface Series {
  series: string;
  values: string;
}

/** A series selector as promtool's input takes it. */
function selector(name: string, labels: Record<string, string>): string {
  return `${name}{${Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .join(',')}}`;
}

/** A counter growing by `perSecond` at the test's 15 s interval, for 10 minutes. */
function counter(name: string, labels: Record<string, string>, perSecond: number): Series {
  return { series: selector(name, labels), values: `0+${perSecond * 15}x40` };
}

function gauge(name: string, labels: Record<string, string>, value: number): Series {
  return { series: selector(name, labels), values: `${value}x40` };
}

/** A histogram whose every observation is in the log2 slot from `low` seconds (16.384 ms: its p99 interpolates to 32.6 ms). */
function runqlatBuckets(labels: Record<string, string>, low = 0.016384): Series[] {
  return [
    counter('bpfscope_runqlat_seconds_bucket', { ...labels, le: String(low) }, 0),
    counter('bpfscope_runqlat_seconds_bucket', { ...labels, le: String(low * 2) }, 100),
    counter('bpfscope_runqlat_seconds_bucket', { ...labels, le: '+Inf' }, 100),
  ];
}

/**
 * Per threshold: series that put each of its figures at `value` (base units, past the critical level), and the
 * labels each figure's series keep. The type makes a new threshold fail to compile until it is tested here.
 */
const CRITICAL_CASES: Record<UseThresholdName, { input: Series[]; figures: Record<string, { value: number; labels: Record<string, string> }> }> = {
  cpuUtilization: {
    input: [
      counter('node_cpu_seconds_total', { ...node, cpu: '0', mode: 'idle' }, 0.05),
      counter('node_cpu_seconds_total', { ...node, cpu: '0', mode: 'user' }, 0.95),
    ],
    figures: { 'bpfscope:cpu_utilization:ratio': { value: 0.95, labels: node } },
  },
  cpuPressure: {
    input: [counter('node_pressure_cpu_waiting_seconds_total', node, 0.5)],
    figures: { 'bpfscope:cpu_pressure_some:ratio': { value: 0.5, labels: node } },
  },
  runqLatencyP99: {
    // Judged beside PSI, not instead of it: the scheduler row has no fallback.
    input: [...runqlatBuckets(agent, 0.065536), gauge('bpfscope_pressure_available', { ...agent, resource: 'cpu' }, 1)],
    figures: { 'bpfscope:runqlat_p99:seconds': { value: 0.065536 + 0.99 * 0.065536, labels: agent } },
  },
  loadPerCpu: {
    input: [
      gauge('node_load1', node, 6),
      counter('node_cpu_seconds_total', { ...node, cpu: '0', mode: 'idle' }, 1),
      counter('node_cpu_seconds_total', { ...node, cpu: '1', mode: 'idle' }, 1),
    ],
    figures: { 'bpfscope:load1_per_cpu:ratio': { value: 3, labels: node } },
  },
  cpuErrors: {
    input: [
      counter('bpfscope_kernel_log_events_total', { ...agent, kind: 'soft-lockup' }, 0.05),
      counter('bpfscope_kernel_log_events_total', { ...agent, kind: 'machine-check' }, 0.05),
      // Not a CPU error: left out of the sum.
      counter('bpfscope_kernel_log_events_total', { ...agent, kind: 'oom-kill' }, 1),
    ],
    figures: { 'bpfscope:cpu_errors_logged:increase60s': { value: 6, labels: agent } },
  },
  taskUtilization: {
    input: [
      gauge('node_processes_threads', node, 15_000),
      gauge('node_processes_max_threads', node, 15_420),
      gauge('node_processes_max_processes', node, 4_194_304),
    ],
    figures: { 'bpfscope:task_utilization:ratio': { value: 15_000 / 15_420, labels: node } },
  },
  hungTasks: {
    input: [counter('bpfscope_kernel_log_events_total', { ...agent, kind: 'hung-task' }, 0.1)],
    figures: { 'bpfscope:hung_tasks_logged:increase60s': { value: 6, labels: { ...agent, kind: 'hung-task' } } },
  },
  memoryUtilization: {
    input: [gauge('node_memory_MemAvailable_bytes', node, 3e9), gauge('node_memory_MemTotal_bytes', node, 100e9)],
    figures: { 'bpfscope:memory_utilization:ratio': { value: 0.97, labels: node } },
  },
  memoryPressure: {
    input: [counter('node_pressure_memory_waiting_seconds_total', node, 0.25)],
    figures: { 'bpfscope:memory_pressure_some:ratio': { value: 0.25, labels: node } },
  },
  swap: {
    input: [counter('node_vmstat_pswpin', node, 200), counter('node_vmstat_pswpout', node, 100)],
    figures: { 'bpfscope:swap:bytes_per_second': { value: 300 * 4096, labels: node } },
  },
  oomKills: {
    input: [counter('node_vmstat_oom_kill', node, 0.2), counter('bpfscope_kernel_log_events_total', { ...agent, kind: 'oom-kill' }, 0.2)],
    figures: {
      'bpfscope:oom_kills:increase60s': { value: 12, labels: node },
      'bpfscope:oom_kills_logged:increase60s': { value: 12, labels: { ...agent, kind: 'oom-kill' } },
    },
  },
  diskUtilization: {
    input: [counter('node_disk_io_time_seconds_total', { ...node, device: 'sda' }, 0.95)],
    figures: { 'bpfscope:disk_utilization:ratio': { value: 0.95, labels: { ...node, device: 'sda' } } },
  },
  diskQueue: {
    input: [counter('node_disk_io_time_weighted_seconds_total', { ...node, device: 'sda' }, 10)],
    figures: { 'bpfscope:disk_queue:requests': { value: 10, labels: { ...node, device: 'sda' } } },
  },
  diskAwait: {
    input: [
      counter('node_disk_read_time_seconds_total', { ...node, device: 'sda' }, 2),
      counter('node_disk_write_time_seconds_total', { ...node, device: 'sda' }, 1),
      counter('node_disk_reads_completed_total', { ...node, device: 'sda' }, 10),
      counter('node_disk_writes_completed_total', { ...node, device: 'sda' }, 5),
    ],
    figures: { 'bpfscope:disk_await:seconds': { value: 0.2, labels: { ...node, device: 'sda' } } },
  },
  diskIoErrors: {
    input: [counter('bpfscope_kernel_log_events_total', { ...agent, kind: 'io-error', device: 'sda' }, 0.5)],
    figures: { 'bpfscope:disk_io_errors:increase60s': { value: 30, labels: { ...agent, kind: 'io-error', device: 'sda' } } },
  },
  networkUtilization: {
    input: [
      gauge('node_network_speed_bytes', { ...node, device: 'eth0' }, 1e6),
      counter('node_network_receive_bytes_total', { ...node, device: 'eth0' }, 10_000),
      counter('node_network_transmit_bytes_total', { ...node, device: 'eth0' }, 950_000),
    ],
    figures: { 'bpfscope:network_utilization:ratio': { value: 0.95, labels: { ...node, device: 'eth0' } } },
  },
  networkDrops: {
    input: [
      counter('node_network_receive_drop_total', { ...node, device: 'eth0' }, 150),
      counter('node_network_transmit_drop_total', { ...node, device: 'eth0' }, 50),
    ],
    figures: { 'bpfscope:network_drops:per_second': { value: 200, labels: { ...node, device: 'eth0' } } },
  },
  networkErrors: {
    input: [
      counter('node_network_receive_errs_total', { ...node, device: 'eth0' }, 20),
      counter('node_network_transmit_errs_total', { ...node, device: 'eth0' }, 0),
    ],
    figures: { 'bpfscope:network_errors:per_second': { value: 20, labels: { ...node, device: 'eth0' } } },
  },
  tcpListenDrops: {
    input: [counter('node_netstat_TcpExt_ListenOverflows', node, 150), counter('node_netstat_TcpExt_ListenDrops', node, 200)],
    figures: { 'bpfscope:tcp_listen_drops:per_second': { value: 200, labels: node } },
  },
  tcpRetrans: {
    input: [counter('node_netstat_Tcp_RetransSegs', node, 10), counter('node_netstat_Tcp_OutSegs', node, 200)],
    figures: { 'bpfscope:tcp_retransmits:ratio': { value: 0.05, labels: node } },
  },
  tcpErrors: {
    input: [counter('node_netstat_Tcp_InErrs', node, 150), counter('node_netstat_TcpExt_TCPTimeouts', node, 100)],
    figures: {
      'bpfscope:tcp_in_errors:per_second': { value: 150, labels: node },
      'bpfscope:tcp_timeouts:per_second': { value: 100, labels: node },
    },
  },
  fdUtilization: {
    input: [gauge('node_filefd_allocated', node, 95_000), gauge('node_filefd_maximum', node, 100_000)],
    figures: { 'bpfscope:fd_utilization:ratio': { value: 0.95, labels: node } },
  },
};

const alertingRules = () => prometheusRuleGroups().flatMap((group) => group.rules.filter((rule): rule is AlertingRule => 'alert' in rule));

function expectedAlerts(alertname: string, seriesLabels: Record<string, string>, match: (rule: AlertingRule) => boolean) {
  return alertingRules()
    .filter((rule) => rule.alert === alertname && match(rule))
    .map((rule) => ({ exp_labels: { ...seriesLabels, ...rule.labels }, exp_annotations: rule.annotations }));
}

/** One promtool test case per threshold: each figure computed as the overview computes it, and both alerts firing. */
function thresholdCases() {
  return (Object.keys(USE_THRESHOLDS) as UseThresholdName[]).map((name) => {
    const { input, figures } = CRITICAL_CASES[name];
    expect(Object.keys(figures).sort()).toEqual(PROMETHEUS_FIGURES[name].map((figure) => figure.record).sort());
    return {
      name: `${name} at its critical level`,
      interval: '15s',
      input_series: input,
      promql_expr_test: Object.entries(figures).map(([record, { value, labels }]) => ({
        // A figure within a millionth of what it should be: rate() of these exact counters is exact but for rounding.
        expr: `abs(${record} - ${value}) <= bool ${Math.abs(value) * 1e-6}`,
        eval_time: '5m',
        exp_samples: [{ labels: `{${Object.entries(labels).map(([key, v]) => `${key}="${v}"`)}}`, value: 1 }],
      })),
      alert_rule_test: [
        {
          alertname: figureAlertName(name),
          eval_time: '5m',
          exp_alerts: Object.entries(figures).flatMap(([record, { labels }]) =>
            expectedAlerts(
              figureAlertName(name),
              Object.fromEntries(Object.entries(labels).filter(([key]) => key !== 'kind')),
              (rule) => rule.labels.figure === record,
            ),
          ),
        },
      ],
    };
  });
}

/** The fallbacks stand aside where the overview would not use them, nothing fires below warning, and the agents' verdicts alert by level. */
function otherCases() {
  const half = (name: string, labels: Record<string, string>) => counter(name, labels, 0.5);
  return [
    {
      name: 'load per CPU only without PSI; runqlat p99 judged beside it',
      interval: '15s',
      input_series: [
        ...runqlatBuckets(agent),
        gauge('bpfscope_pressure_available', { ...agent, resource: 'cpu' }, 1),
        gauge('node_load1', node, 6),
        counter('node_cpu_seconds_total', { ...node, cpu: '0', mode: 'idle' }, 1),
        counter('node_pressure_cpu_waiting_seconds_total', node, 0.01),
      ],
      alert_rule_test: [
        {
          alertname: figureAlertName('runqLatencyP99'),
          eval_time: '5m',
          exp_alerts: expectedAlerts(figureAlertName('runqLatencyP99'), agent, (rule) => rule.labels.severity === 'warning'),
        },
        { alertname: figureAlertName('loadPerCpu'), eval_time: '5m', exp_alerts: [] },
        { alertname: figureAlertName('cpuPressure'), eval_time: '5m', exp_alerts: [] },
      ],
    },
    {
      name: 'warning only between the levels, nothing below them',
      interval: '15s',
      input_series: [
        counter('node_cpu_seconds_total', { ...node, cpu: '0', mode: 'idle' }, 0.2),
        half('node_disk_io_time_seconds_total', { ...node, device: 'sda' }),
      ],
      alert_rule_test: [
        {
          alertname: figureAlertName('cpuUtilization'),
          eval_time: '5m',
          exp_alerts: expectedAlerts(figureAlertName('cpuUtilization'), node, (rule) => rule.labels.severity === 'warning'),
        },
        { alertname: figureAlertName('diskUtilization'), eval_time: '5m', exp_alerts: [] },
        // Not before the figure held for its `for`.
        { alertname: figureAlertName('cpuUtilization'), eval_time: '1m', exp_alerts: [] },
      ],
    },
    {
      name: 'the agents’ own verdicts, by level',
      interval: '15s',
      input_series: [
        gauge('bpfscope_use_verdict', { ...agent, kind: 'cpu', column: 'saturation' }, 2),
        gauge('bpfscope_use_verdict', { ...agent, kind: 'disk', device: 'sda', column: 'utilization' }, 1),
        gauge('bpfscope_use_verdict', { ...agent, kind: 'memory', column: 'errors' }, -1),
      ],
      alert_rule_test: [
        {
          alertname: verdictAlertName('cpu', 'saturation'),
          eval_time: '2m',
          exp_alerts: expectedAlerts(verdictAlertName('cpu', 'saturation'), agent, () => true),
        },
        {
          alertname: verdictAlertName('disk', 'utilization'),
          eval_time: '2m',
          exp_alerts: expectedAlerts(verdictAlertName('disk', 'utilization'), { ...agent, device: 'sda' }, (rule) => rule.labels.severity === 'warning'),
        },
        { alertname: verdictAlertName('memory', 'errors'), eval_time: '2m', exp_alerts: [] },
      ],
    },
  ];
}

describe('Prometheus rules from the USE thresholds', () => {
  it('are committed as generated (pnpm --filter @bpfscope/agent rules writes them)', () => {
    expect(readFileSync(rulesFile, 'utf8')).toBe(prometheusRulesYaml());
  });

  it('pass promtool check rules, and the scrape config example promtool check config', async () => {
    const rules = await promtool(['check', 'rules', rulesFile]);
    expect(rules.stdout + rules.stderr).toMatch(/SUCCESS: \d+ rules found/);
    expect(rules.code).toBe(0);
    const config = await promtool(['check', 'config', '--syntax-only', scrapeConfig]);
    expect(config.stdout + config.stderr).toContain('SUCCESS');
    expect(config.code).toBe(0);
  });

  it('judge every threshold’s figure at the table’s levels, as promtool test rules sees it with series written here', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bpfscope-rules-'));
    try {
      const tests = path.join(dir, 'rules.test.yml');
      // JSON is YAML: promtool reads it as it is.
      writeFileSync(tests, JSON.stringify({ rule_files: [rulesFile], evaluation_interval: '15s', tests: [...thresholdCases(), ...otherCases()] }, null, 1));
      const result = await promtool(['test', 'rules', tests]);
      expect(result.stdout + result.stderr).toContain('SUCCESS');
      expect(result.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
