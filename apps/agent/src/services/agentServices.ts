import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { coreBtf, enableBpfStats, getKernelFeatures, releaseFreeMemory } from '@bpfscope/bpf-core';
import type { FeatureSource } from '@bpfscope/bpf-core';
import { createAuditLog, withCallerRoles } from '../audit.js';
import type { AuditLog } from '../audit.js';
import { RateLimiter } from '../auth/rateLimit.js';
import { TokenSet } from '../auth/tokens.js';
import type { AgentServices } from '../context.js';
import type { AgentConfig } from '../env.js';
import { agentMetricsSource, MetricsService, SCRAPE_MEASURES_MS } from '../metrics/metricsService.js';
import { createHostRecorder } from '../overview/hostOverview.js';
import { ProbeLookups } from '../probes/probeLookups.js';
import { PromqlProxy, promqlProxyDefaults } from '../prometheus/promqlProxy.js';
import { bpfBackend } from '../sessions/backend.js';
import { BpfCostMonitor } from '../sessions/bpfCost.js';
import type { EnableBpfStats } from '../sessions/bpfCost.js';
import type { ToolBackend } from '../sessions/backend.js';
import { ProfileManager } from '../sessions/profileManager.js';
import { SessionManager, sessionManagerDefaults } from '../sessions/sessionManager.js';
import { createSymbolize } from './symbolize.js';
import { SnapshotStore } from '../snapshots/snapshotStore.js';

/** One snapshot's frames as JSON: an hour of 1 s frames of a few series is about 1 MB. */
const MAX_SNAPSHOT_BYTES = 16 * 1024 * 1024;

const agentVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function createAgentServices(options: {
  config: AgentConfig;
  /** The token file's tokens; or `token`, one operator token (tests). */
  tokens?: TokenSet;
  token?: string;
  backend?: ToolBackend;
  features?: FeatureSource;
  audit?: AuditLog;
  /** One snapshot's JSON size limit; tests lower it. */
  maxSnapshotBytes?: number;
  /** Turns the kernel's BPF statistics on (measured costs, budgets); default bpf-core's BPF_ENABLE_STATS. Tests of fake backends pass a fake. */
  enableBpfStats?: EnableBpfStats;
  /** A tracefs tree for the probe builder's look-ups (tests); default the mounted one. */
  tracefsRoot?: string;
  /** How often the cost monitor reads each measured attachment; default 1 s. */
  costSampleMs?: number;
  /** Raw stacks → folded profile; default: bpf-core's symbolizer, shared by every capture. */
  symbolize?: ConstructorParameters<typeof ProfileManager>[0]['symbolize'];
}): AgentServices {
  const { config } = options;
  const backend = options.backend ?? bpfBackend;
  const tokens = options.tokens ?? (options.token === undefined ? undefined : TokenSet.single(options.token));
  if (!tokens) throw new TypeError('createAgentServices needs tokens or a token');
  const audit = withCallerRoles(options.audit ?? createAuditLog(), tokens);
  let snapshotStore: SnapshotStore | undefined;
  // One for sessions and captures: one BPF statistics descriptor, one sampling timer.
  const costMonitor = new BpfCostMonitor({
    enableStats: options.enableBpfStats ?? enableBpfStats,
    windowMs: config.cpuBudgetSeconds * 1000,
    sampleIntervalMs: options.costSampleMs,
  });
  const budgets = {
    probe: { percent: config.probeCpuBudget, windowMs: config.cpuBudgetSeconds * 1000 },
    tool: config.toolCpuBudget > 0 ? { percent: config.toolCpuBudget, windowMs: config.cpuBudgetSeconds * 1000 } : null,
  };
  const services: AgentServices = {
    config,
    tokens,
    backend,
    features: options.features ?? getKernelFeatures(),
    startLimiter: new RateLimiter(config.startsPerMinute),
    prometheus: config.prometheusUrl === undefined ? null : new PromqlProxy({ url: config.prometheusUrl }),
    promqlLimiter: new RateLimiter(promqlProxyDefaults.queriesPerMinute),
    version: agentVersion,
    startedAt: Date.now(),
    recorder: [],
    host: createHostRecorder(config, () => services.recorder),
    probes: new ProbeLookups({ procfs: config.procfs, tracefsRoot: options.tracefsRoot }),
    metrics: new MetricsService({
      source: (recorded) => agentMetricsSource(services, recorded),
      // A scraper looks at every session's BPF time: keep it measured until well after the next scrape.
      onScrape: () => services.sessions.measureAll(SCRAPE_MEASURES_MS),
    }),
    snapshots() {
      if (!snapshotStore) {
        mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
        snapshotStore = SnapshotStore.open(path.join(config.dataDir, 'snapshots.db'), {
          maxBytes: config.snapshotStoreMb * 1024 * 1024,
          maxSnapshotBytes: options.maxSnapshotBytes ?? MAX_SNAPSHOT_BYTES,
        });
      }
      return snapshotStore;
    },
    profiles: new ProfileManager({
      backend,
      symbolize: options.symbolize ?? createSymbolize(),
      onAudit: audit,
      costMonitor,
      budgets,
      probeMaxDurationMs: Math.min(config.probeTtlSeconds, config.maxSessionSeconds) * 1000,
    }),
    sessions: new SessionManager({
      backend,
      maxSessions: config.maxSessions,
      gracePeriodMs: config.gracePeriodSeconds * 1000,
      maxDurationMs: config.maxSessionSeconds * 1000,
      // Bounded by --max-session-seconds in the session manager.
      probeMaxDurationMs: config.probeTtlSeconds * 1000,
      costMonitor,
      budgets,
      viewerMaxQueuedRows: config.viewerMaxQueuedRows,
      // Frames are one per second: the history is the flight recorder's window.
      frameHistoryLimit: config.recordSeconds,
      // Rows too: the last --row-history rows of the last --record-seconds, at most 8 MiB an attachment.
      rowHistory:
        config.rowHistory === 0
          ? null
          : { maxRows: config.rowHistory, maxAgeMs: config.recordSeconds * 1000, maxBytes: sessionManagerDefaults.rowHistory.maxBytes },
      onAudit: audit,
    }),
  };
  // Before the flight recorder attaches anything, so the histograms count every frame its history holds.
  services.sessions.onRecordedFrame((tool, frame, histogram) => services.metrics.recorded.add(tool, frame, histogram));
  return services;
}

/** Pays the one-time kernel costs (minimized BTF, feature probes) at start-up, not on a user's first click. */
export function warmUpKernel(): void {
  coreBtf();
  getKernelFeatures().snapshot();
}

/** How often the agent gives malloc's free pages back: a walk of its free lists, cheap at this rate. */
const RELEASE_FREE_MEMORY_MS = 30_000;

/**
 * Gives malloc's free pages back now (start-up's bursts are over) and every 30 s, so what a past burst (a tool's
 * load, a storm, a large reply) freed does not stay resident. Never keeps the process alive; returns the stop.
 */
export function keepReleasingFreeMemory(intervalMs = RELEASE_FREE_MEMORY_MS): () => void {
  releaseFreeMemory();
  const timer = setInterval(releaseFreeMemory, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
