import type { FeatureSource } from '@bpfscope/bpf-core';
import type { CreateExpressContextOptions } from '@trpc/server/adapters/express';
import { bearerToken } from './auth/token.js';
import type { Role, TokenSet } from './auth/tokens.js';
import type { RateLimiter } from './auth/rateLimit.js';
import type { AgentConfig } from './env.js';
import type { MetricsService } from './metrics/metricsService.js';
import type { PromqlProxy } from './prometheus/promqlProxy.js';
import type { HostRecorder } from './overview/hostRecorder.js';
import type { ProbeLookups } from './probes/probeLookups.js';
import type { ProfileManager } from './sessions/profileManager.js';
import type { SessionManager } from './sessions/sessionManager.js';
import type { ToolBackend } from './sessions/backend.js';
import type { RecorderStatus } from './services/flightRecorder.js';
import type { SnapshotStore } from './snapshots/snapshotStore.js';

/** Everything procedures use, built once at start-up (tests build it with a fake backend). */
export interface AgentServices {
  config: AgentConfig;
  /** The bearer tokens and their roles (the token file). */
  tokens: TokenSet;
  sessions: SessionManager;
  /** Stack captures (flame graphs). */
  profiles: ProfileManager;
  backend: ToolBackend;
  features: FeatureSource;
  startLimiter: RateLimiter;
  version: string;
  startedAt: number;
  /** The flight recorder's tools: recording, or why not. */
  recorder: RecorderStatus[];
  /** The host overview's samples: the last hour at 1 s, shared by every viewer. */
  host: HostRecorder;
  /** The probe builder's look-ups (tracepoints, fields, binaries, symbols). */
  probes: ProbeLookups;
  /** /metrics: the flight recorder's histograms added up since start-up, and the rest read at scrape time. */
  metrics: MetricsService;
  /** Read-only PromQL to --prometheus-url, and its rate limit per token; null when no Prometheus is configured. */
  prometheus: PromqlProxy | null;
  promqlLimiter: RateLimiter;
  /** The snapshot store, opened on first use (in the data dir). */
  snapshots(): SnapshotStore;
}

export interface Context {
  services: AgentServices;
  /** Who is calling, by token name; undefined when the token is missing or wrong. */
  caller?: string;
  /** The caller's token's roles; empty when there is no caller. */
  roles: readonly Role[];
}

/** Pure: no request objects, so router tests can call it directly. */
export function createContextInner(options: { services: AgentServices; presentedToken?: string }): Context {
  const { services, presentedToken } = options;
  const caller = services.tokens.authenticate(presentedToken);
  return caller ? { services, caller: caller.name, roles: caller.roles } : { services, roles: [] };
}

export function createContextFactory(services: AgentServices) {
  return ({ req }: CreateExpressContextOptions): Context => createContextInner({ services, presentedToken: bearerToken(req.headers.authorization) });
}
