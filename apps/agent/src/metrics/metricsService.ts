// /metrics as a service of the agent: the flight recorder's frames added up from start-up, and a registry per
// exposition format reading them and the rest of the agent at scrape time.
import type { AgentServices } from '../context.js';
import { hostIdentity, useOf } from '../overview/hostOverview.js';
import type { AgentMetrics, ExpositionFormat, MetricsSource } from './agentMetrics.js';
import { RecordedHistograms } from './recordedHistograms.js';

/**
 * How long a scrape keeps the kernel's BPF statistics on, so session BPF time counts between scrapes: longer than
 * Prometheus's default interval (1 min), so a steady scraper keeps them on.
 */
export const SCRAPE_MEASURES_MS = 150_000;

/** OpenMetrics when the scraper asks for it (Prometheus does, first), else the Prometheus text format 0.0.4. */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  return accept !== undefined && /(^|,)\s*application\/openmetrics-text\b/i.test(accept) ? 'openmetrics' : 'prometheus';
}

export interface Exposition {
  contentType: string;
  body: string;
}

export class MetricsService {
  readonly recorded = new RecordedHistograms();
  readonly #source: () => MetricsSource;
  readonly #formats = new Map<ExpositionFormat, AgentMetrics>();
  readonly #onScrape: () => void;

  /** `source` is called once, at the first scrape; `onScrape` at every scrape (keeps BPF statistics on). */
  constructor(options: { source: (recorded: RecordedHistograms) => MetricsSource; onScrape?: () => void }) {
    let source: MetricsSource | undefined;
    this.#source = () => (source ??= options.source(this.recorded));
    this.#onScrape = options.onScrape ?? (() => {});
  }

  async scrape(format: ExpositionFormat): Promise<Exposition> {
    this.#onScrape();
    let metrics = this.#formats.get(format);
    if (!metrics) {
      // prom-client is loaded by the first scrape: an agent nobody scrapes never holds it.
      const { AgentMetrics } = await import('./agentMetrics.js');
      metrics = this.#formats.get(format) ?? new AgentMetrics(this.#source(), format);
      this.#formats.set(format, metrics);
    }
    return { contentType: metrics.contentType, body: await metrics.render() };
  }
}

/** What the metrics read of the agent's services. */
export function agentMetricsSource(services: AgentServices, recorded: RecordedHistograms): MetricsSource {
  return {
    version: services.version,
    startedAt: services.startedAt,
    identity: () => hostIdentity(services.config),
    recorder: () => services.recorder,
    histograms: () => recorded.histograms(),
    sessions: () => services.sessions.counters(),
    bpfStatsOn: () => services.sessions.bpfStatsOn,
    newestSample: () => services.host.latest(1)[0],
    use: () => useOf(services.host, services.recorder),
    kernelEvents: () => services.host.kernelEventCounts(),
  };
}
