// Benchmark page for the flame graph (not part of the app): a million samples over
// 20,000 unique stacks (depth 10–40, shared prefixes like real programs), from the
// folded stacks arriving to a drawn, clickable graph.
import { FlameGraph, foldedToTree, preloadFlameGraph } from '@bpfscope/charts';
import type { FlameNode, FoldedStack } from '@bpfscope/charts';
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { FlameGraphBenchResult } from './benchResults';

const UNIQUE_STACKS = 20_000;
const SAMPLES = 1_000_000;

function syntheticStacks(): FoldedStack[] {
  let seed = 42;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const functions = Array.from({ length: 3000 }, (_, index) => `function_${index}`);
  const stacks: FoldedStack[] = [];
  let remaining = SAMPLES;
  for (let index = 0; index < UNIQUE_STACKS; index++) {
    const depth = 10 + Math.floor(random() * 30);
    // Shared roots: the first frames come from a small set, as main and the event loop do.
    const frames = ['app', 'main'];
    for (let level = 2; level < depth; level++) {
      const spread = Math.min(functions.length, 4 * level * level);
      frames.push(functions[Math.floor(random() * spread)] as string);
    }
    if (index % 5 === 0) frames.push('syscall_kernel_[k]', 'schedule_[k]');
    const value = index === UNIQUE_STACKS - 1 ? remaining : Math.max(1, Math.round((random() * 2 * SAMPLES) / UNIQUE_STACKS));
    remaining -= value;
    stacks.push({ frames, value: Math.max(1, value) });
  }
  return stacks;
}

function Bench({ onDone }: { onDone(result: FlameGraphBenchResult): void }) {
  const [stacks] = useState(syntheticStacks);
  const [state] = useState<{ started: number; treeMs: number; tree?: FlameNode }>(() => {
    const started = performance.now();
    const tree = foldedToTree(stacks);
    return { started, treeMs: performance.now() - started, tree };
  });

  useEffect(() => {
    const check = () => {
      const element = document.querySelector('[data-testid="bench-flame-graph"]');
      if (element?.getAttribute('data-ready') === 'true') {
        const interactiveMs = performance.now() - state.started;
        // Counting reads every node's children, which the graph never needed: after the clock stops.
        const nodes = (function count(node: FlameNode): number {
          return 1 + node.children.reduce((sum, child) => sum + count(child), 0);
        })(state.tree as FlameNode);
        const result: FlameGraphBenchResult = {
          samples: (state.tree as FlameNode).value,
          uniqueStacks: stacks.length,
          treeMs: state.treeMs,
          interactiveMs,
          nodes,
          framesDrawn: Number(element.getAttribute('data-frames')),
        };
        onDone(result);
        return;
      }
      requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  }, [state, stacks, onDone]);

  return <FlameGraph tree={state.tree as FlameNode} unit="samples" palette="cpu" testId="bench-flame-graph" height={800} />;
}

// As in the app, the graph's code is loaded before the data arrives (ProfileView preloads it).
const preloaded = preloadFlameGraph();
// Started by the bench script once the page has loaded and its own evaluation
// machinery is in place: nothing of Playwright's runs inside the measured time.
(window as unknown as { runFlameGraphBench(): Promise<FlameGraphBenchResult> }).runFlameGraphBench = () =>
  preloaded.then(() => new Promise((resolve) => createRoot(document.getElementById('root') as HTMLElement).render(<Bench onDone={resolve} />)));
