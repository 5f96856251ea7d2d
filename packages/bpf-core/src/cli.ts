#!/usr/bin/env node
// bpfscope-tool: run one bpfscope tool in a terminal, bcc-style, for humans and tests.
import { formatClockTime, shownColumns } from '@bpfscope/formats';
import { cliToolName, parseCliArgs } from './cliArgs.js';
import { BpfError, ToolError } from './errors.js';
import { getCapabilities, getKernelFeatures } from './capabilities/capabilities.js';
import { startLoadedTool } from './session.js';
import { formatLinearHistogram, formatLog2Histogram } from './histogramText.js';
import { formatTableHeader, formatTableRow } from './table.js';
import { loadTool, toolLoaders, unknownToolError } from './tools/loaders.js';
import { resolveToolSupport } from './capabilities/toolSupport.js';
import type { AttachMethodName } from './tools/types.js';

const usage = `usage: bpfscope-tool <tool> [--json] [--duration SECONDS] [--<param> VALUE]... [SPEC...]
       bpfscope-tool list            tools and whether each works on this kernel
       bpfscope-tool capabilities    what this kernel offers, as JSON
tools: ${[...toolLoaders.keys()].join(', ')}`;

async function loadStackOutput() {
  const [{ foldProfile }, { Symbolizer }, { profileOutput }] = await Promise.all([
    import('./symbols/fold.js'),
    import('./symbols/symbolizer.js'),
    import('./profileOutput.js'),
  ]);
  return { foldProfile, Symbolizer, profileOutput };
}

async function main(): Promise<number | undefined> {
  const argv = process.argv.slice(2);
  // Only the tool that runs is loaded: every tool's module and schemas would double the start.
  const named = cliToolName(argv);
  const loaded = named !== undefined && toolLoaders.has(named) ? await loadTool(named) : undefined;
  const options = parseCliArgs(
    argv,
    (name) => (name === loaded?.name ? loaded.paramsSchema : undefined),
    (name) => (name === loaded?.name ? loaded.cli : undefined),
  );
  switch (options.command) {
    case 'help':
      console.log(usage);
      return 0;
    case 'capabilities':
      console.log(JSON.stringify(getCapabilities(), null, 2));
      return 0;
    case 'list': {
      for (const load of toolLoaders.values()) {
        const tool = await load();
        const support = resolveToolSupport(tool, getKernelFeatures());
        const status = support.available ? `works (${support.attachMethod})` : `unavailable: ${support.reason}`;
        console.log(`${tool.name.padEnd(12)} ${tool.category.padEnd(12)} ${status}`);
      }
      return 0;
    }
    case 'run':
      break;
  }
  if (!loaded) throw unknownToolError(options.tool ?? '');
  // Symbolizing is for stack tools alone: the others do not load it.
  const stackOutput = loaded.outputKind === 'stacks' ? await loadStackOutput() : undefined;
  const features = getKernelFeatures();
  // Probing uprobes first would hold up this tool's own uprobe attach by 100+ ms (see assumeAvailable): the attach tells.
  features.assumeAvailable('uprobe');
  let session: ReturnType<typeof startLoadedTool>;
  try {
    session = startLoadedTool(loaded, options.params, {
      attachMethod: options.attachMethod as AttachMethodName | undefined,
    });
  } catch (error) {
    const missing = error instanceof BpfError ? features.probeAssumed().find(({ status }) => !status.available) : undefined;
    if (missing)
      throw new ToolError('UNAVAILABLE', `${loaded.name}: ${missing.name}s are not available on this kernel: ${missing.status.reason}`, undefined, {
        cause: error,
      });
    throw error;
  }
  // stderr, so that stdout stays pure JSON lines with --json.
  process.stderr.write(`Tracing ${session.tool.name} (${session.attachMethod})... Hit Ctrl-C to end.\n`);
  const limitation = session.tool.attachMethods.find((method) => method.name === session.attachMethod)?.limitation;
  if (limitation) process.stderr.write(`With ${session.attachMethod}: ${limitation}\n`);
  const tool = session.tool;
  // One histogram per interval, as `biolatency -T 1` prints them.
  const printHistograms = (skipEmpty: boolean) => {
    const description = session.histogram;
    session.onFrame((frame) => {
      if (skipEmpty && frame.series.length === 0) return;
      if (options.json) {
        process.stdout.write(`${JSON.stringify(frame)}\n`);
        return;
      }
      let text = `\n${formatClockTime(frame.time)}\n`;
      for (const series of frame.series) {
        // libbpf-tools' runqlat -P prints "pid = 1234 comm".
        if (description?.keyName) text += `\n${description.keyName} = ${series.label}${series.name === undefined ? '' : ` ${series.name}`}\n`;
        // argdist -H counts values, labelled by their expression as bcc prints them.
        const unit = description?.values ?? frame.unit;
        text += frame.buckets ? formatLinearHistogram(series.counts, frame.buckets, unit) : formatLog2Histogram(series.counts, unit);
      }
      process.stdout.write(text);
    });
  };
  if (tool.outputKind === 'table') {
    const columns = shownColumns(tool.columns, session.params as Record<string, unknown>);
    if (!options.json) process.stdout.write(`${formatTableHeader(columns)}\n`);
    session.onRows((rows) => {
      let text = '';
      for (const row of rows) text += `${options.json ? JSON.stringify(row) : formatTableRow(columns, row)}\n`;
      process.stdout.write(text);
    });
    if (tool.cli?.histograms) printHistograms(true);
  } else if (tool.outputKind === 'stacks') {
    // Folded stacks at the end (flamegraph.pl, speedscope and FlameScope read them), as bcc's -f.
    if (options.durationSeconds === undefined) process.stderr.write('(stacks are printed when it ends: Ctrl-C or --duration)\n');
  } else printHistograms(false);
  const finish = () => {
    // Interval rows (cachestat): the interval cut short by the end still gets its row, as bcc prints it on Ctrl-C.
    session.flushIntervalRows();
    if (stackOutput) {
      const { foldProfile, profileOutput, Symbolizer } = stackOutput;
      const profile = foldProfile(session.collectStacks(), new Symbolizer());
      process.stdout.write(profileOutput(profile, { json: options.json }));
      const { lostStacks, truncatedStacks, droppedSamples } = profile.stats;
      process.stderr.write(`${profile.stacks.length} stacks; lost ${lostStacks}, truncated ${truncatedStacks}, dropped ${droppedSamples}\n`);
    }
    void session.close().then(() => {
      const stats = session.stats();
      process.stderr.write(`${stats.events} events, ${stats.kernelDrops} lost in the kernel\n`);
      process.exit(0);
    });
  };
  process.on('SIGINT', finish);
  process.on('SIGTERM', finish);
  if (options.durationSeconds !== undefined) setTimeout(finish, options.durationSeconds * 1000);
  return undefined;
}

// No top-level await: the CLI is bundled as CommonJS, to run with a code cache (bin/bpfscope-tool.js).
main().then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ToolError || error instanceof BpfError) {
      process.stderr.write(`bpfscope-tool: ${error.message}\n`);
      process.exitCode = 2;
      // A bug is an uncaught exception, as before main() was async: its stack, exit 1 (not an unhandled rejection).
    } else
      process.nextTick(() => {
        throw error;
      });
  },
);
