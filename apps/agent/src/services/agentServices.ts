import { readFileSync } from 'node:fs';
import { coreBtf, getKernelFeatures } from '@bpfscope/bpf-core';
import type { FeatureSource } from '@bpfscope/bpf-core';
import { createAuditLog } from '../audit.js';
import type { AuditLog } from '../audit.js';
import { RateLimiter } from '../auth/rateLimit.js';
import type { AgentServices } from '../context.js';
import type { AgentConfig } from '../env.js';
import { bpfBackend } from '../sessions/backend.js';
import type { ToolBackend } from '../sessions/backend.js';
import { SessionManager } from '../sessions/sessionManager.js';

const agentVersion = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export function createAgentServices(options: {
  config: AgentConfig;
  token: string;
  backend?: ToolBackend;
  features?: FeatureSource;
  audit?: AuditLog;
}): AgentServices {
  const { config } = options;
  const backend = options.backend ?? bpfBackend;
  const audit = options.audit ?? createAuditLog();
  return {
    config,
    token: options.token,
    backend,
    features: options.features ?? getKernelFeatures(),
    startLimiter: new RateLimiter(config.startsPerMinute),
    version: agentVersion,
    startedAt: Date.now(),
    recorder: [],
    sessions: new SessionManager({
      backend,
      maxSessions: config.maxSessions,
      gracePeriodMs: config.gracePeriodSeconds * 1000,
      maxDurationMs: config.maxSessionSeconds * 1000,
      viewerMaxQueuedRows: config.viewerMaxQueuedRows,
      // Frames are one per second: the history is the flight recorder's window.
      frameHistoryLimit: config.recordSeconds,
      onAudit: audit,
    }),
  };
}

/** Pays the one-time kernel costs (minimized BTF, feature probes) at start-up, not on a user's first click. */
export function warmUpKernel(): void {
  coreBtf();
  getKernelFeatures().snapshot();
}
