// What a custom probe would attach to, worked out without loading anything:
// for the agent and the web to show the count before attaching, and to check
// a spec as it is typed (a ToolError with the position, as starting would).
import { parseToolParams } from '../session.js';
import type { FeatureSource } from '../capabilities/capabilities.js';
import { ToolError } from '../errors.js';
import { argdist, argdistPlan } from '../tools/argdist/argdist.js';
import { funccount, funccountPlan } from '../tools/funccount/funccount.js';
import { funclatency, funclatencyPlan } from '../tools/funclatency/funclatency.js';
import { stackcount, stackcountPlan } from '../tools/stackcount/stackcount.js';
import { trace, tracePlan } from '../tools/trace/trace.js';
import type { ProbePlan } from './compile.js';
import { tracepointAttachments } from './compile.js';

export interface CustomProbePoint {
  /** `syscalls:sys_enter_read`, `malloc`, `vfs_read`. */
  name: string;
  kind: 'tracepoint' | 'syscall' | 'uprobe' | 'uretprobe' | 'kprobe' | 'kretprobe';
  /** uprobes: the file. */
  binary?: string;
}

export interface CustomProbeSummary {
  tool: string;
  /** Every attach point, at most 1,000. */
  points: CustomProbePoint[];
  /** Kernel attachments they take (a syscall wildcard is one, through raw_syscalls). */
  attachments: number;
  /** The programs of customprobe.bpf.o that would load. */
  programs: string[];
}

/** The custom-probe tools. */
export const customProbeTools: ReadonlySet<string> = new Set(['trace', 'argdist', 'funccount', 'funclatency', 'stackcount']);

function summarize(tool: string, plan: ProbePlan): CustomProbeSummary {
  const points = plan.points.map((point): CustomProbePoint => {
    const { attachment } = point;
    switch (attachment.kind) {
      case 'tracepoint':
      case 'syscall':
        return { name: point.name, kind: attachment.kind };
      case 'uprobe':
        return { name: point.name, kind: attachment.retprobe ? 'uretprobe' : 'uprobe', binary: attachment.binary };
      case 'kprobe':
        return { name: point.name, kind: attachment.retprobe ? 'kretprobe' : 'kprobe' };
      default: {
        const unreachable: never = attachment;
        return unreachable;
      }
    }
  });
  const functions = plan.points.filter((point) => point.attachment.kind === 'uprobe' || point.attachment.kind === 'kprobe').length;
  return { tool, points, attachments: tracepointAttachments(plan.points).length + functions, programs: plan.programs };
}

/**
 * Checks a custom-probe tool's params against this host (tracefs, ELF files,
 * kprobes) and says what they would attach to; throws the ToolError starting
 * it would (INVALID_PARAMS or UNAVAILABLE, with SpecErrorDetails).
 */
export function describeCustomProbes(tool: string, params: unknown, features?: FeatureSource): CustomProbeSummary {
  switch (tool) {
    case 'trace':
      return summarize(tool, tracePlan(parseToolParams(trace, params), features));
    case 'argdist':
      return summarize(tool, argdistPlan(parseToolParams(argdist, params), features));
    case 'funccount':
      return summarize(tool, funccountPlan(parseToolParams(funccount, params), features));
    case 'funclatency':
      return summarize(tool, funclatencyPlan(parseToolParams(funclatency, params), features));
    case 'stackcount':
      return summarize(tool, stackcountPlan(parseToolParams(stackcount, params), features));
    default:
      throw new ToolError('INVALID_PARAMS', `${tool} is not a custom-probe tool (${[...customProbeTools].join(', ')})`);
  }
}
