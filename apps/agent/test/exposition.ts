// A reader of the Prometheus text exposition for tests: enough to check what /metrics says, no more.

export interface ExposedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  /** Metric families by name: their TYPE and HELP. */
  families: Map<string, { type: string; help: string }>;
  samples: ExposedSample[];
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const pattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (const match of text.matchAll(pattern)) labels[match[1] as string] = (match[2] as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  return labels;
}

export function parseExposition(text: string): Exposition {
  const families = new Map<string, { type: string; help: string }>();
  const samples: ExposedSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line === '# EOF') continue;
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      const family = families.get(meta[2] as string) ?? { type: 'untyped', help: '' };
      if (meta[1] === 'TYPE') family.type = meta[3] as string;
      else family.help = meta[3] as string;
      families.set(meta[2] as string, family);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) throw new Error(`not an exposition line: ${line}`);
    const raw = sample[3] as string;
    samples.push({ name: sample[1] as string, labels: parseLabels(sample[2] ?? ''), value: raw === '+Inf' ? Infinity : Number(raw) });
  }
  return { families, samples };
}

/** The samples of `name` whose labels include `labels`. */
export function samplesOf(exposition: Exposition, name: string, labels: Record<string, string> = {}): ExposedSample[] {
  return exposition.samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
}

/** The one sample of `name` with `labels`; throws when there is none or more than one. */
export function valueOf(exposition: Exposition, name: string, labels: Record<string, string> = {}): number {
  const found = samplesOf(exposition, name, labels);
  if (found.length !== 1) throw new Error(`${found.length} samples of ${name}${JSON.stringify(labels)}`);
  return (found[0] as ExposedSample).value;
}
