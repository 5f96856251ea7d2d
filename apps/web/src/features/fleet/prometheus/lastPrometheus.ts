// The Prometheus this browser last read the fleet from (its URL or the agent that proxies it, and the job matcher),
// so that "Prometheus" opens it again. Local storage, checked as a link is: what is stored may be old or edited.
import type { z } from 'zod';
import type { KeyValueStorage } from '../../../state/appStore';
import type { FleetPrometheus } from '../../../state/fleetPrometheusLink';
import { defaultFleetPrometheus, fleetPrometheusSchema } from '../../../state/fleetPrometheusLink';

const KEY = 'bpfscope.fleet.prometheus';
const storedSchema = fleetPrometheusSchema.pick({ source: true, job: true });

/** The fleet's Prometheus part as last used here: its source and job, the default range and heat map. */
export function readLastPrometheus(storage: KeyValueStorage): FleetPrometheus {
  try {
    const stored = storedSchema.safeParse(JSON.parse(storage.getItem(KEY) ?? 'null'));
    if (stored.success && stored.data.source) return { ...defaultFleetPrometheus, source: stored.data.source, job: stored.data.job };
  } catch {
    // Not JSON: as if nothing were stored.
  }
  return { ...defaultFleetPrometheus };
}

export function rememberPrometheus(storage: KeyValueStorage, prometheus: FleetPrometheus): void {
  if (!prometheus.source) return;
  storage.setItem(KEY, JSON.stringify({ source: prometheus.source, job: prometheus.job } satisfies z.infer<typeof storedSchema>));
}
