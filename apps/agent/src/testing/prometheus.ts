// Debian's prometheus package in the tests: promtool to check what the agent exposes and the rules it ships, and a
// real Prometheus server of the test's own (loopback port, temp data dir), stopped at the end. Exported as
// @bpfscope/agent/testing for the e2e tests and benches.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const BINARIES = { prometheus: '/usr/bin/prometheus', promtool: '/usr/bin/promtool' } as const;

/**
 * The path of a Prometheus binary. Missing, it fails the test with the reason: never a skip, so a CI run without
 * them cannot pass quietly.
 */
export function prometheusBinary(name: keyof typeof BINARIES): string {
  const binary = BINARIES[name];
  if (!existsSync(binary)) throw new Error(`${binary} not found: install Debian's prometheus package (scripts/bootstrap.sh does, for the tests)`);
  return binary;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs promtool with `args`, `stdin` fed to it, killed after `timeoutMs`; never throws for a non-zero exit (the result says it). */
export function promtool(args: string[], stdin?: string, timeoutMs = 60_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(prometheusBinary('promtool'), args, { timeout: timeoutMs, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code, stdout, stderr });
    });
    child.stdin?.end(stdin ?? '');
  });
}

/** A free loopback port (there is a race with other processes, which a test on this machine does not meet). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface ScrapeTarget {
  /** host:port */
  address: string;
  /** Written to a file of its own, mode 0600, that the scrape config names (authorization.credentials_file). */
  token: string;
}

/** One scrape job, as a deployment writes it (apps/agent/deploy/prometheus/prometheus.yml): its targets share a token. */
export interface ScrapeJob {
  /** job_name, and so the `job` label of its series. */
  name: string;
  /** host:port each. */
  targets: string[];
  /** The bearer token of every target, from a credentials file of its own (mode 0600); none, no authorization. */
  token?: string;
  /** Extra labels of every target's series. */
  labels?: Record<string, string>;
}

export interface PrometheusServerOptions {
  /** One job per target, `bpfscope-<index>` with an `agent: agent-<index>` label, each with its own token. */
  targets?: ScrapeTarget[];
  /** Jobs by name, several targets each. */
  jobs?: ScrapeJob[];
  /** Rule files loaded by the server. */
  ruleFiles?: string[];
  scrapeIntervalSeconds?: number;
  evaluationIntervalSeconds?: number;
  /** Its loopback port (one from freePort(), when the agents must know it first); default a free one. */
  port?: number;
  /**
   * An existing TSDB directory (blocks from backfill()), used in place and left where it is at stop(); default a
   * `data` directory in the server's own temp dir.
   */
  dataDir?: string;
  /**
   * More command-line flags (`--name=value` or `--name`); one named as a default replaces it, e.g.
   * `--storage.tsdb.retention.time=30d` for blocks older than the default hour.
   */
  flags?: string[];
}

/** `--name` of `--name=value`. */
function flagName(flag: string): string {
  return flag.split('=', 1)[0] as string;
}

/** The scrape_configs entry of a job; its credentials file is written in `dir`. */
function jobConfig(job: ScrapeJob, interval: string, dir: string, file: string): string {
  const lines = [`  - job_name: ${JSON.stringify(job.name)}`, `    scrape_interval: ${interval}`, `    scrape_timeout: ${interval}`];
  if (job.token !== undefined) {
    const credentials = path.join(dir, file);
    writeFileSync(credentials, `${job.token}\n`, { mode: 0o600 });
    lines.push('    authorization:', '      type: Bearer', `      credentials_file: ${credentials}`);
  }
  lines.push('    static_configs:', `      - targets: [${job.targets.map((target) => JSON.stringify(target)).join(', ')}]`);
  if (job.labels) {
    const labels = Object.entries(job.labels).map(([name, value]) => `${name}: ${JSON.stringify(value)}`);
    lines.push(`        labels: { ${labels.join(', ')} }`);
  }
  return lines.join('\n');
}

interface ApiAnswer<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
}

export interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface MatrixSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

/** A Prometheus server of the test's own: config, credentials and TSDB in a temp dir, on a loopback port. */
export class PrometheusServer {
  readonly url: string;
  readonly dir: string;
  readonly #child: ChildProcess;
  #log = '';

  private constructor(url: string, dir: string, child: ChildProcess) {
    this.url = url;
    this.dir = dir;
    this.#child = child;
    child.stderr?.on('data', (chunk: Buffer) => {
      // The last 64 KiB of its log, for the message of a failed test.
      this.#log = (this.#log + chunk.toString()).slice(-65536);
    });
  }

  static async start(options: PrometheusServerOptions): Promise<PrometheusServer> {
    const binary = prometheusBinary('prometheus');
    const dir = mkdtempSync(path.join(tmpdir(), 'bpfscope-prometheus-'));
    const interval = `${options.scrapeIntervalSeconds ?? 1}s`;
    // One job per target: each has its own credentials file, as a real deployment's would be one per agent or shared.
    const perTarget = (options.targets ?? []).map((target, index) =>
      jobConfig(
        { name: `bpfscope-${index}`, targets: [target.address], token: target.token, labels: { agent: `agent-${index}` } },
        interval,
        dir,
        `agent-${index}.token`,
      ),
    );
    const jobs = (options.jobs ?? []).map((job, index) => jobConfig(job, interval, dir, `job-${index}.token`));
    const config = [
      'global:',
      `  scrape_interval: ${interval}`,
      `  evaluation_interval: ${options.evaluationIntervalSeconds ?? 1}s`,
      ...(options.ruleFiles && options.ruleFiles.length > 0 ? ['rule_files:', ...options.ruleFiles.map((file) => `  - ${file}`)] : []),
      // An empty list, not a null, when nothing is scraped (a server of backfilled blocks).
      ...(perTarget.length + jobs.length > 0 ? ['scrape_configs:', ...perTarget, ...jobs] : ['scrape_configs: []']),
      '',
    ].join('\n');
    writeFileSync(path.join(dir, 'prometheus.yml'), config);
    const port = options.port ?? (await freePort());
    const defaults = [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${options.dataDir ?? path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      '--storage.tsdb.retention.time=1h',
    ];
    const extra = options.flags ?? [];
    const replaced = new Set(extra.map(flagName));
    const child = spawn(binary, [...defaults.filter((flag) => !replaced.has(flagName(flag))), ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
    const server = new PrometheusServer(`http://127.0.0.1:${port}`, dir, child);
    try {
      await server.#waitReady();
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  get log(): string {
    return this.#log;
  }

  async #waitReady(): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.#child.exitCode !== null) throw new Error(`prometheus exited (${this.#child.exitCode}): ${this.#log.slice(-2000)}`);
      try {
        if ((await fetch(`${this.url}/-/ready`)).ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`prometheus not ready within 30 s: ${this.#log.slice(-2000)}`);
  }

  async #api<T>(endpoint: string, params: Record<string, string>): Promise<T> {
    const response = await fetch(`${this.url}/api/v1/${endpoint}?${new URLSearchParams(params)}`);
    const answer = (await response.json()) as ApiAnswer<T>;
    if (answer.status !== 'success') throw new Error(`prometheus ${endpoint} ${JSON.stringify(params)}: ${answer.error ?? response.status}`);
    return answer.data;
  }

  /** An instant query's vector (at `time`, seconds since the epoch, or now). */
  async query(promql: string, time?: number): Promise<VectorSample[]> {
    const data = await this.#api<{ resultType: string; result: VectorSample[] }>('query', {
      query: promql,
      ...(time === undefined ? {} : { time: String(time) }),
    });
    if (data.resultType !== 'vector') throw new Error(`${promql}: a ${data.resultType}, not a vector`);
    return data.result;
  }

  /** A range selector's raw samples (`metric[5m]`) at `time`. */
  async rawSamples(selector: string, time?: number): Promise<MatrixSeries[]> {
    const data = await this.#api<{ resultType: string; result: MatrixSeries[] }>('query', {
      query: selector,
      ...(time === undefined ? {} : { time: String(time) }),
    });
    if (data.resultType !== 'matrix') throw new Error(`${selector}: a ${data.resultType}, not a matrix`);
    return data.result;
  }

  async targets(): Promise<Array<{ labels: Record<string, string>; health: string; lastError: string; scrapeUrl: string }>> {
    return (await this.#api<{ activeTargets: Array<{ labels: Record<string, string>; health: string; lastError: string; scrapeUrl: string }> }>('targets', {}))
      .activeTargets;
  }

  async alerts(): Promise<Array<{ labels: Record<string, string>; state: string; activeAt: string; value: string }>> {
    return (await this.#api<{ alerts: Array<{ labels: Record<string, string>; state: string; activeAt: string; value: string }> }>('alerts', {})).alerts;
  }

  async ruleGroups(): Promise<Array<{ name: string; rules: Array<{ name: string; health: string; lastError?: string }> }>> {
    return (await this.#api<{ groups: Array<{ name: string; rules: Array<{ name: string; health: string; lastError?: string }> }> }>('rules', {})).groups;
  }

  /** Stops the server (SIGTERM, SIGKILL after 10 s) and removes the directory it made (not a given dataDir). Safe to call twice. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
