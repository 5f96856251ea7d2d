// The answer of Prometheus's HTTP API (https://prometheus.io/docs/prometheus/latest/querying/api/), checked the
// same way by the agent's PromQL proxy and by a page that asks a Prometheus itself.
import { z } from 'zod';

const labels = z.record(z.string(), z.string());
const samplePair = z.tuple([z.number(), z.string()]);

/** `data` of a successful query or query_range. */
export const prometheusQueryResult = z.discriminatedUnion('resultType', [
  z.object({ resultType: z.literal('vector'), result: z.array(z.object({ metric: labels, value: samplePair })) }),
  z.object({ resultType: z.literal('matrix'), result: z.array(z.object({ metric: labels, values: z.array(samplePair) })) }),
  z.object({ resultType: z.literal('scalar'), result: samplePair }),
  z.object({ resultType: z.literal('string'), result: samplePair }),
]);
export type PrometheusQueryResult = z.infer<typeof prometheusQueryResult>;

/** Every answer's envelope: its status, and its data or error. */
export const prometheusAnswerEnvelope = z.object({
  status: z.enum(['success', 'error']),
  data: z.unknown().optional(),
  errorType: z.string().optional(),
  error: z.string().optional(),
  warnings: z.array(z.string()).optional(),
});
