// Issue 17: bytes on the wire and the browser's parse time, JSON objects against
// the packed forms, for an hour of the flight recorder's three tools (as
// sessions.stream sends a new heat map its history) and a 1M-sample timeline
// profile (profiles.get). Messages are built as tRPC sends them (WebSocket data
// messages, the HTTP batch answer); parsing is JSON.parse plus, for the packed
// form, @bpfscope/formats' decoder, the one the web runs. Same V8 as Chromium.
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { FoldedProfile, FoldedStack, HistogramFrame } from '@bpfscope/formats';
import { unpackFrames, unpackProfile } from '@bpfscope/formats';
import { median, printTable, writeResult } from '@bpfscope/bench-kit';
import { batchInForm, captureInForm } from '../src/routers/wireForm.js';
import type { ProfileCapture } from '../src/sessions/profileManager.js';
import { sessionManagerDefaults } from '../src/sessions/sessionManager.js';
import type { StreamBatch } from '../src/sessions/sessionTypes.js';
import { mib } from './format.js';
import { seededRandom } from '../src/testing/seededRandom.js';

const HOUR_FRAMES = 3600;
const PROFILE_SAMPLES = 1_000_000;
const RUNS = 7;

/** Counts spread over log2 slots around `peak` (a busy host's shape), `perSecond` events in all, trailing empty slots left off. */
function histogram(next: () => number, peak: number, spread: number, perSecond: number): number[] {
  const counts: number[] = [];
  for (let slot = 0; slot < 32; slot++) {
    const weight = Math.exp(-(((slot - peak) / spread) ** 2));
    const count = Math.round(perSecond * weight * (0.6 + 0.8 * next()));
    counts.push(count);
  }
  let end = counts.length;
  while (end > 0 && counts[end - 1] === 0) end--;
  return counts.slice(0, end);
}

/** An hour of 1 s frames of runqlat (a busy 2-CPU host), biolatency (one disk) and tcplife (a web server's connections). */
function recordedHour(end: number): Map<string, HistogramFrame[]> {
  const next = seededRandom(17);
  const tools = [
    { tool: 'runqlat', unit: 'usecs', peak: 4, spread: 2.5, perSecond: 4000 },
    { tool: 'biolatency', unit: 'usecs', peak: 9, spread: 2, perSecond: 150 },
    { tool: 'tcplife', unit: 'msecs', peak: 3, spread: 3, perSecond: 40 },
  ] as const;
  const hour = new Map<string, HistogramFrame[]>();
  for (const { tool, unit, peak, spread, perSecond } of tools) {
    hour.set(
      tool,
      Array.from({ length: HOUR_FRAMES }, (_, second) => ({
        time: end - (HOUR_FRAMES - 1 - second) * 1000 + Math.floor(next() * 3),
        intervalMs: 998 + Math.floor(next() * 5),
        unit,
        series: [{ label: '', counts: histogram(next, peak, spread, perSecond * (0.5 + next())) }],
      })),
    );
  }
  return hour;
}

/** The batches a new viewer of a recorded heat map gets: its history, batchMaxFrames at a time. */
function historyBatches(frames: readonly HistogramFrame[]): StreamBatch[] {
  const batches: StreamBatch[] = [];
  for (let at = 0, seq = 1; at < frames.length; at += sessionManagerDefaults.batchMaxFrames, seq++) {
    batches.push({
      seq,
      rows: [],
      frames: frames.slice(at, at + sessionManagerDefaults.batchMaxFrames),
      counters: { events: 12_345_678, kernelDrops: 0, droppedForViewer: 0, droppedFramesForViewer: 0 },
      cost: { measuring: true, windowMs: 5000, runs: 4_567_890, nsPerEvent: 212.5, cpuPercent: 0.4 },
      endsAt: null,
      endsInMs: null,
    });
  }
  return batches;
}

/** A tRPC WebSocket data message, as the agent writes it for a tracked subscription value. */
const socketMessage = (batch: StreamBatch) => JSON.stringify({ id: 3, result: { type: 'data', id: String(batch.seq), data: batch } });
/** A tRPC HTTP batch answer of one query. */
const httpAnswer = (data: unknown) => JSON.stringify([{ result: { data } }]);

/** A 300 s capture of `profile` on a 32-CPU host at 99 Hz: 1M samples over 2000 stacks of 6-30 frames, in 20 ms slots. */
function timelineProfile(): FoldedProfile {
  const next = seededRandom(99);
  const words = [
    'ngx',
    'http',
    'process',
    'request',
    'read',
    'write',
    'handler',
    'event',
    'loop',
    'epoll',
    'wait',
    'run',
    'task',
    'alloc',
    'buffer',
    'parse',
    'header',
    'send',
    'recv',
    'lock',
  ];
  const name = () => Array.from({ length: 2 + Math.floor(next() * 3) }, () => words[Math.floor(next() * words.length)] as string).join('_');
  const userFrames = Array.from({ length: 3000 }, (_, index) => `${name()}_${index}`);
  const kernelFrames = Array.from({ length: 400 }, (_, index) => `${name()}_${index}_[k]`);
  const comms = ['nginx', 'java', 'postgres', 'node', 'python3', 'kworker/u64:2', 'swapper/0'];
  const stacks = Array.from({ length: 2000 }, () => {
    const frames = [comms[Math.floor(next() ** 2 * comms.length)] as string];
    const user = 4 + Math.floor(next() * 20);
    for (let depth = 0; depth < user; depth++) frames.push(userFrames[Math.floor(next() ** 2 * userFrames.length)] as string);
    const kernel = 1 + Math.floor(next() * 6);
    for (let depth = 0; depth < kernel; depth++) frames.push(kernelFrames[Math.floor(next() ** 2 * kernelFrames.length)] as string);
    return frames;
  });
  const slotMs = 20;
  const durationMs = 300_000;
  const entries = new Map<number, FoldedStack>();
  for (let sample = 0; sample < PROFILE_SAMPLES; sample++) {
    // A few hot stacks take most samples, as on a real host.
    const stack = Math.floor(next() ** 3 * stacks.length);
    const slot = Math.floor((sample / PROFILE_SAMPLES) * (durationMs / slotMs));
    const key = slot * stacks.length + stack;
    const entry = entries.get(key);
    if (entry) entry.value++;
    else entries.set(key, { frames: stacks[stack] as string[], value: 1, timeSlotMs: slot * slotMs });
  }
  return {
    unit: 'samples',
    stacks: [...entries.values()],
    timeSlotWidthMs: slotMs,
    frequencyHz: 99,
    startedAt: 1_765_064_000_000,
    durationMs,
    stats: { lostStacks: 0, truncatedStacks: 3, droppedSamples: 0, unknownFrames: 120, shortUserStacks: 0, symbolCacheHits: 90_000, symbolCacheMisses: 3400 },
  };
}

interface Measured {
  bytes: number;
  gzipBytes: number;
  messages: number;
  encodeMsMedian: number;
  /** The first parse, before the JIT has compiled the decoder: what a page pays once, on opening the view. */
  parseMsFirst: number;
  parseMsMedian: number;
}

/** Encodes `count` messages with `encode`, then times parsing them all back with `parse` (median of RUNS), checking the result. */
function measure(messages: () => string[], parse: (texts: string[]) => unknown, expected: unknown): Measured {
  const encodeMs: number[] = [];
  let texts: string[] = [];
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    texts = messages();
    encodeMs.push(performance.now() - started);
  }
  const parseMs: number[] = [];
  let result: unknown;
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    result = parse(texts);
    parseMs.push(performance.now() - started);
  }
  if (!isDeepStrictEqual(result, expected)) throw new Error('the parsed form is not what was sent');
  return {
    bytes: texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0),
    gzipBytes: texts.reduce((sum, text) => sum + gzipSync(text).length, 0),
    messages: texts.length,
    encodeMsMedian: median(encodeMs),
    parseMsFirst: parseMs[0] as number,
    parseMsMedian: median(parseMs),
  };
}

export async function benchWireForms(): Promise<void> {
  const hour = recordedHour(1_765_064_000_000);
  const history = [...hour.values()].map(historyBatches);
  const allFrames = [...hour.values()];
  const framesOf = (batches: StreamBatch[]) => batches.flatMap((batch) => (batch.packedFrames ? unpackFrames(batch.packedFrames) : batch.frames));
  const heatMaps = {
    json: measure(
      () => history.flatMap((batches) => batches.map(socketMessage)),
      (texts) => chunk(texts, history).map((tool) => framesOf(tool.map((text) => (JSON.parse(text) as { result: { data: StreamBatch } }).result.data))),
      allFrames,
    ),
    packed: measure(
      () => history.flatMap((batches) => batches.map((batch) => socketMessage(batchInForm(batch, 'packed')))),
      (texts) => chunk(texts, history).map((tool) => framesOf(tool.map((text) => (JSON.parse(text) as { result: { data: StreamBatch } }).result.data))),
      allFrames,
    ),
  };

  const profile = timelineProfile();
  const capture: ProfileCapture = {
    id: '6f9619ff-8b86-4011-b42d-00c04fc964ff',
    tool: 'profile',
    params: {},
    owner: 'bench',
    startedAt: profile.startedAt,
    durationMs: profile.durationMs,
    state: 'done',
    attachMethod: 'perf_event',
    limits: { custom: false, maxDurationMs: 300_000, cpuBudget: null },
    profile,
  };
  type Answer = Array<{ result: { data: ReturnType<typeof captureInForm> } }>;
  const profiles = {
    json: measure(
      () => [httpAnswer(captureInForm(capture, 'json'))],
      ([text]) => (JSON.parse(text as string) as Answer)[0]?.result.data.profile,
      profile,
    ),
    packed: measure(
      () => [httpAnswer(captureInForm(capture, 'packed'))],
      ([text]) => unpackProfile((JSON.parse(text as string) as Answer)[0]?.result.data.packedProfile),
      profile,
    ),
  };

  const result = {
    heatMapHistory: { tools: [...hour.keys()], frames: HOUR_FRAMES * hour.size, ...heatMaps },
    timelineProfile: { samples: PROFILE_SAMPLES, stacks: profile.stacks.length, ...profiles },
    runtime: { node: process.version, runs: RUNS },
  };
  const file = writeResult('agent-wire-forms', result);
  const line = (what: string, json: Measured, packed: Measured): Array<[string, string]> => [
    [`${what}: bytes (gzip), JSON objects`, `${mib(json.bytes)} (${mib(json.gzipBytes)}) in ${json.messages} messages`],
    [`${what}: bytes (gzip), packed`, `${mib(packed.bytes)} (${mib(packed.gzipBytes)}), ${(json.bytes / packed.bytes).toFixed(1)}× fewer`],
    [
      `${what}: parse + decode, JSON objects / packed: first, median of ${RUNS}`,
      `${json.parseMsFirst.toFixed(1)} / ${packed.parseMsFirst.toFixed(1)} ms; ${json.parseMsMedian.toFixed(1)} / ${packed.parseMsMedian.toFixed(1)} ms`,
    ],
    [`${what}: encode on the agent, JSON objects / packed`, `${json.encodeMsMedian.toFixed(1)} ms / ${packed.encodeMsMedian.toFixed(1)} ms`],
  ];
  printTable('wire forms (issue 17): JSON objects against packed typed arrays', [
    ...line(`1 h of ${[...hour.keys()].join(', ')} (${HOUR_FRAMES * hour.size} frames)`, heatMaps.json, heatMaps.packed),
    ...line(`1M-sample timeline profile (${profile.stacks.length.toLocaleString('en-US')} stack entries)`, profiles.json, profiles.packed),
    ['results', file],
  ]);
}

/** The flat list of messages back into one list per tool. */
function chunk(texts: readonly string[], history: ReadonlyArray<readonly StreamBatch[]>): string[][] {
  let at = 0;
  return history.map((batches) => texts.slice(at, (at += batches.length)));
}
