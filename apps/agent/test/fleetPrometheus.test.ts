// The fleet view's Prometheus, for real: 200 simulated agents' series (the agent's own registry over synthetic hosts)
// backfilled with promtool into a data dir of the test's own, and Debian's Prometheus started on it on loopback,
// answering for every host. And the launcher's scrape jobs: one job, several targets, one token, as deployed.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prometheusBinary, PrometheusServer } from '../src/testing/prometheus.js';
import { backfillFleet } from '../src/testing/simulatedFleet.js';
import type { BackfilledFleet } from '../src/testing/simulatedFleet.js';

prometheusBinary('prometheus');
prometheusBinary('promtool');

const HOSTS = 200;
/** An hour at the deployed 15 s scrape interval: 5.9 M samples, about a minute to make (the bench makes two hours). */
const SPAN_SECONDS = 3600;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const P99_BIOLATENCY = 'histogram_quantile(0.99, sum by (le) (rate(bpfscope_biolatency_seconds_bucket[1m])))';

describe('200 simulated hosts backfilled into a real Prometheus', () => {
  let fleet: BackfilledFleet | undefined;
  let prometheus: PrometheusServer | undefined;

  beforeAll(async () => {
    const started = Date.now();
    fleet = await backfillFleet({ hosts: HOSTS, end: Date.now() / 1000, spanSeconds: SPAN_SECONDS, stepSeconds: 15 });
    const backfilled = Date.now();
    // A retention of a day keeps every block (the launcher's default of an hour would drop the oldest).
    prometheus = await PrometheusServer.start({ dataDir: fleet.dataDir, flags: ['--storage.tsdb.retention.time=1d'] });
    process.stdout.write(
      `${HOSTS} hosts, ${fleet.series} series, ${fleet.samples} samples: backfilled in ${((backfilled - started) / 1000).toFixed(1)} s, ` +
        `Prometheus ready ${((Date.now() - backfilled) / 1000).toFixed(1)} s later\n`,
    );
  }, 600_000);

  afterAll(async () => {
    await prometheus?.stop();
    fleet?.remove();
  });

  it('has every host up, with its agent_info, at the newest sample', async () => {
    const server = prometheus as PrometheusServer;
    const { end, job, hosts } = fleet as BackfilledFleet;
    expect(await server.query(`count(up{job="${job}"})`, end)).toEqual([{ metric: {}, value: [end, String(HOSTS)] }]);
    expect(await server.query('count(bpfscope_agent_info)', end)).toEqual([{ metric: {}, value: [end, String(HOSTS)] }]);
    const info = await server.query(`bpfscope_agent_info{job="${job}"}`, end);
    expect(new Map(info.map((sample) => [sample.metric.instance, sample.metric.hostname]))).toEqual(
      new Map(hosts.map((host) => [host.instance, host.hostname])),
    );
    // Every sample of the span is there, not just the newest.
    const [upSamples] = await server.rawSamples(`up{instance="${hosts[0]?.instance}"}[${SPAN_SECONDS}s]`, end);
    expect(upSamples?.values).toHaveLength(SPAN_SECONDS / 15 + 1);
  });

  it('says critical (2) for the saturated hosts’ CPU, and nothing worse than warning for the others', async () => {
    const server = prometheus as PrometheusServer;
    const { end, hosts } = fleet as BackfilledFleet;
    const saturated = hosts.filter((host) => host.profile === 'saturated').map((host) => host.instance);
    const warning = hosts.filter((host) => host.profile === 'warning').map((host) => host.instance);
    expect(saturated.length).toBeGreaterThanOrEqual(3);
    expect(warning.length).toBeGreaterThanOrEqual(10);
    const worst = await server.query('max by (instance) (bpfscope_use_verdict)', end);
    expect(worst).toHaveLength(HOSTS);
    const instancesAt = (value: string) =>
      worst
        .filter((sample) => sample.value[1] === value)
        .map((sample) => sample.metric.instance)
        .sort();
    expect(instancesAt('2')).toEqual([...saturated].sort());
    expect(instancesAt('1')).toEqual([...warning].sort());
    const cpu = await server.query('bpfscope_use_verdict{kind="cpu",column="saturation"} == 2', end);
    expect(cpu.map((sample) => sample.metric.instance).sort()).toEqual([...saturated].sort());
    // Their run-queue p99 as the overview gave it, in seconds: ≥ 20 ms (critical) for every saturated host.
    const runqlat = await server.query('bpfscope_p99_seconds{tool="runqlat"} >= 0.02', end);
    expect(runqlat.map((sample) => sample.metric.instance).sort()).toEqual([...saturated].sort());
  });

  it('puts the fleet’s p99 block I/O latency in the burst’s log2 bucket during the burst, and below it before', async () => {
    const server = prometheus as PrometheusServer;
    const { burst } = fleet as BackfilledFleet;
    const [lower, upper] = burst.bucket;
    const during = Number((await server.query(P99_BIOLATENCY, burst.from + 90))[0]?.value[1]);
    const before = Number((await server.query(P99_BIOLATENCY, burst.from - 300))[0]?.value[1]);
    process.stdout.write(`p99 block I/O of ${HOSTS} hosts: ${(before * 1e3).toFixed(3)} ms before the burst, ${(during * 1e3).toFixed(3)} ms during it\n`);
    expect(during).toBeGreaterThan(lower);
    expect(during).toBeLessThanOrEqual(upper);
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(lower / 8);
    // The burst's own host has it, and no other.
    const hosts = await server.query(
      `sum by (instance) (rate(bpfscope_biolatency_seconds_bucket{le="${upper}"}[1m]) - ignoring(le) rate(bpfscope_biolatency_seconds_bucket{le="${lower}"}[1m])) > 1000`,
      burst.from + 90,
    );
    expect(hosts.map((sample) => sample.metric.instance)).toEqual([burst.instance]);
  });

  it('stops, removing its own directory and leaving the backfilled blocks where they were', async () => {
    const server = prometheus as PrometheusServer;
    await server.stop();
    expect(existsSync(server.dir)).toBe(false);
    // promtool's blocks are directories named by ULID.
    expect(readdirSync((fleet as BackfilledFleet).dataDir).filter((name) => /^[0-9A-Z]{26}$/.test(name)).length).toBeGreaterThan(0);
  });
});

describe('the launcher’s scrape jobs', () => {
  const token = randomBytes(32).toString('base64url');
  const seen: Array<string | undefined> = [];
  const exporters: Server[] = [];
  let prometheus: PrometheusServer | undefined;

  beforeAll(async () => {
    // Two exporters behind one job, as the example prometheus.yml has agents; each says who it is.
    for (let index = 0; index < 2; index++) {
      const exporter = createServer((request, response) => {
        seen.push(request.headers.authorization);
        response.setHeader('content-type', 'text/plain; version=0.0.4');
        response.end(`# TYPE simulated_exporter gauge\nsimulated_exporter{which="${index}"} 1\n`);
      });
      await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
      exporters.push(exporter);
    }
    const addresses = exporters.map((exporter) => {
      const address = exporter.address();
      if (typeof address !== 'object' || !address) throw new Error('no address');
      return `127.0.0.1:${address.port}`;
    });
    prometheus = await PrometheusServer.start({ jobs: [{ name: 'bpfscope', targets: addresses, token, labels: { fleet: 'test' } }], scrapeIntervalSeconds: 1 });
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await Promise.all(exporters.map((exporter) => new Promise((resolve) => exporter.close(resolve))));
  });

  it('scrapes every target of a job with the job’s token, under the job’s name and labels', async () => {
    const server = prometheus as PrometheusServer;
    let up: Awaited<ReturnType<PrometheusServer['query']>> = [];
    for (let attempt = 0; attempt < 50 && up.length < 2; attempt++) {
      up = await server.query('up{job="bpfscope",fleet="test"} == 1');
      if (up.length < 2) await sleep(200);
    }
    expect(up).toHaveLength(2);
    expect(await server.query('count(simulated_exporter{job="bpfscope"})')).toMatchObject([{ value: [expect.any(Number), '2'] }]);
    expect(new Set(seen)).toEqual(new Set([`Bearer ${token}`]));
  });

  it('removes its own directory at stop', async () => {
    const server = prometheus as PrometheusServer;
    expect(readdirSync(server.dir)).toEqual(expect.arrayContaining(['prometheus.yml', 'data']));
    await server.stop();
    expect(existsSync(server.dir)).toBe(false);
  });
});
