// Agent configuration from flags and environment, validated once at start-up: a bad
// value stops the agent with a clear message instead of surprising it later.
import path from 'node:path';
import { z } from 'zod';

const listenAddress = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]+):\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:7070 or [::1]:7070')
  .transform((value) => {
    const colon = value.lastIndexOf(':');
    return { host: value.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port: Number(value.slice(colon + 1)) };
  })
  .refine((address) => address.port <= 65535, 'port must be at most 65535');

const origin = z
  .string()
  .url()
  .refine((value) => new URL(value).origin === value.replace(/\/$/, ''), 'an origin is scheme://host[:port], without a path');

export const agentConfigSchema = z
  .object({
    listen: listenAddress.prefault('127.0.0.1:7070'),
    dataDir: z.string().min(1).default('/var/lib/bpfscope'),
    tokenFile: z.string().min(1).optional(),
    tlsCert: z.string().min(1).optional(),
    tlsKey: z.string().min(1).optional(),
    allowOrigin: z.array(origin).default([]),
    webRoot: z.string().min(1).optional(),
    maxSessions: z.coerce.number().int().min(1).max(256).default(16),
    maxSessionSeconds: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 3600)
      .default(600),
    gracePeriodSeconds: z.coerce.number().min(0).max(3600).default(10),
    // Custom probes: their time to live (at most --max-session-seconds) and CPU budget, in % of one CPU over --cpu-budget-seconds.
    probeTtlSeconds: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 3600)
      .default(60),
    probeCpuBudget: z.coerce.number().gt(0, 'a custom probe always has a budget').max(100_000).default(5),
    // Fixed tools' CPU budget (0: none, the default: they are bpfscope's own and cost what the workload they explain makes them).
    toolCpuBudget: z.coerce.number().min(0).max(100_000).default(0),
    cpuBudgetSeconds: z.coerce.number().int().min(1).max(3600).default(5),
    startsPerMinute: z.coerce.number().int().min(1).max(10_000).default(30),
    viewerMaxQueuedRows: z.coerce.number().int().min(100).max(1_000_000).default(10_000),
    // The flight recorder: histogram tools kept attached with their default params. "none" turns it off.
    record: z
      .string()
      .regex(/^(none|[a-z][a-z0-9_-]*(,[a-z][a-z0-9_-]*)*)$/, 'a comma-separated list of tool names, or none')
      .default('biolatency,runqlat,tcplife')
      .transform((value) => (value === 'none' ? [] : [...new Set(value.split(','))])),
    recordSeconds: z.coerce
      .number()
      .int()
      .min(60)
      .max(7 * 24 * 3600)
      .default(3600),
    // Recent rows each table attachment keeps for new viewers and table snapshots (0: none).
    rowHistory: z.coerce.number().int().min(0).max(1_000_000).default(10_000),
    snapshotStoreMb: z.coerce.number().int().min(1).max(1_000_000).default(256),
    snapshotRetentionDays: z.coerce.number().int().min(1).max(3650).default(30),
    // Where procfs and sysfs are mounted and the kernel log to read, as node_exporter's --path.procfs ("none": no kernel log).
    procfs: z.string().min(1).default('/proc'),
    sysfs: z.string().min(1).default('/sys'),
    // pidstat's process table: one pass of a BPF task iterator (bpf), /proc/<pid>/stat files (proc), or the iterator where it loads (auto).
    hostProcesses: z.enum(['auto', 'bpf', 'proc']).default('auto'),
    kmsg: z
      .string()
      .min(1)
      .default('/dev/kmsg')
      .transform((value) => (value === 'none' ? null : value)),
    // A Prometheus the agent may send read-only PromQL to for its viewers (prometheus.query, prometheus.queryRange).
    prometheusUrl: z
      .string()
      .url()
      .refine((value) => /^https?:\/\//.test(value), 'a Prometheus URL is http:// or https://')
      .optional(),
    // Audit lines: auto = <data-dir>/audit.log, and the journal too under systemd; both = that file and stdout.
    audit: z.enum(['auto', 'file', 'stdout', 'both']).default('auto'),
  })
  .strict()
  .refine((config) => Boolean(config.tlsCert) === Boolean(config.tlsKey), {
    message: '--tls-cert and --tls-key go together',
    path: ['tlsCert'],
  })
  .transform((config) => ({ ...config, tokenFile: config.tokenFile ?? path.join(config.dataDir, 'token') }));

export type AgentConfig = z.output<typeof agentConfigSchema>;

const flagNames: Record<string, keyof z.input<typeof agentConfigSchema>> = {
  '--listen': 'listen',
  '--data-dir': 'dataDir',
  '--token-file': 'tokenFile',
  '--tls-cert': 'tlsCert',
  '--tls-key': 'tlsKey',
  '--allow-origin': 'allowOrigin',
  '--web-root': 'webRoot',
  '--max-sessions': 'maxSessions',
  '--max-session-seconds': 'maxSessionSeconds',
  '--grace-period-seconds': 'gracePeriodSeconds',
  '--probe-ttl-seconds': 'probeTtlSeconds',
  '--probe-cpu-budget': 'probeCpuBudget',
  '--tool-cpu-budget': 'toolCpuBudget',
  '--cpu-budget-seconds': 'cpuBudgetSeconds',
  '--starts-per-minute': 'startsPerMinute',
  '--viewer-max-queued-rows': 'viewerMaxQueuedRows',
  '--record': 'record',
  '--record-seconds': 'recordSeconds',
  '--row-history': 'rowHistory',
  '--snapshot-store-mb': 'snapshotStoreMb',
  '--snapshot-retention-days': 'snapshotRetentionDays',
  '--procfs': 'procfs',
  '--sysfs': 'sysfs',
  '--host-processes': 'hostProcesses',
  '--kmsg': 'kmsg',
  '--audit': 'audit',
  '--prometheus-url': 'prometheusUrl',
};

const envNames: Record<string, keyof z.input<typeof agentConfigSchema>> = {
  BPFSCOPE_LISTEN: 'listen',
  BPFSCOPE_DATA_DIR: 'dataDir',
  BPFSCOPE_TOKEN_FILE: 'tokenFile',
  BPFSCOPE_TLS_CERT: 'tlsCert',
  BPFSCOPE_TLS_KEY: 'tlsKey',
  BPFSCOPE_ALLOW_ORIGIN: 'allowOrigin',
  BPFSCOPE_WEB_ROOT: 'webRoot',
  BPFSCOPE_MAX_SESSIONS: 'maxSessions',
  BPFSCOPE_MAX_SESSION_SECONDS: 'maxSessionSeconds',
  BPFSCOPE_GRACE_PERIOD_SECONDS: 'gracePeriodSeconds',
  BPFSCOPE_PROBE_TTL_SECONDS: 'probeTtlSeconds',
  BPFSCOPE_PROBE_CPU_BUDGET: 'probeCpuBudget',
  BPFSCOPE_TOOL_CPU_BUDGET: 'toolCpuBudget',
  BPFSCOPE_CPU_BUDGET_SECONDS: 'cpuBudgetSeconds',
  BPFSCOPE_STARTS_PER_MINUTE: 'startsPerMinute',
  BPFSCOPE_VIEWER_MAX_QUEUED_ROWS: 'viewerMaxQueuedRows',
  BPFSCOPE_RECORD: 'record',
  BPFSCOPE_RECORD_SECONDS: 'recordSeconds',
  BPFSCOPE_ROW_HISTORY: 'rowHistory',
  BPFSCOPE_SNAPSHOT_STORE_MB: 'snapshotStoreMb',
  BPFSCOPE_SNAPSHOT_RETENTION_DAYS: 'snapshotRetentionDays',
  BPFSCOPE_PROCFS: 'procfs',
  BPFSCOPE_SYSFS: 'sysfs',
  BPFSCOPE_HOST_PROCESSES: 'hostProcesses',
  BPFSCOPE_KMSG: 'kmsg',
  BPFSCOPE_AUDIT: 'audit',
  BPFSCOPE_PROMETHEUS_URL: 'prometheusUrl',
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Flags win over environment variables; `--allow-origin` may repeat (env: comma-separated). */
export function parseAgentConfig(argv: readonly string[], env: NodeJS.ProcessEnv): AgentConfig {
  const raw: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(envNames)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    raw[key] = key === 'allowOrigin' ? value.split(',').map((item) => item.trim()) : value;
  }
  const origins: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    const key = flagNames[flag];
    if (!key) throw new ConfigError(`unknown option ${flag}; known: ${Object.keys(flagNames).join(' ')}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`${flag} needs a value`);
    if (key === 'allowOrigin') origins.push(value);
    else raw[key] = value;
  }
  if (origins.length > 0) raw.allowOrigin = origins;
  const result = agentConfigSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`);
    throw new ConfigError(`invalid agent configuration: ${problems.join('; ')}`);
  }
  return result.data;
}
