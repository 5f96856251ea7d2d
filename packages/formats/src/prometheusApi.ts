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

/** Why an answer is no query result, in the words both the proxy and the page report. */
export interface PrometheusAnswerProblem {
  /** bad-query: the PromQL or range itself (Prometheus's bad_data); timeout; upstream: the rest of its trouble. */
  kind: 'bad-query' | 'timeout' | 'upstream';
  message: string;
}

/**
 * Prometheus's answer text, checked: its data and warnings, or the problem it stands for. `where` names what
 * answered (an origin), for an answer that is not Prometheus's API JSON at all.
 */
export function readPrometheusAnswer(
  text: string,
  httpStatus: number,
  where: string,
): { result: PrometheusQueryResult & { warnings: string[] } } | { problem: PrometheusAnswerProblem } {
  let envelope: z.infer<typeof prometheusAnswerEnvelope>;
  try {
    envelope = prometheusAnswerEnvelope.parse(JSON.parse(text));
  } catch {
    return { problem: { kind: 'upstream', message: `${where} answered ${httpStatus} without Prometheus's API JSON: is this the base URL of a Prometheus?` } };
  }
  if (envelope.status === 'error') {
    // bad_data: the query itself (PromQL, a range); the rest is Prometheus's trouble.
    const kind = envelope.errorType === 'bad_data' ? 'bad-query' : envelope.errorType === 'timeout' ? 'timeout' : 'upstream';
    return { problem: { kind, message: `Prometheus: ${(envelope.error ?? envelope.errorType ?? `status ${httpStatus}`).slice(0, 500)}` } };
  }
  const data = prometheusQueryResult.safeParse(envelope.data);
  if (!data.success)
    return { problem: { kind: 'upstream', message: `Prometheus's answer is not a query result: ${data.error.issues[0]?.message ?? 'unknown shape'}` } };
  return { result: { ...data.data, warnings: envelope.warnings ?? [] } };
}
