// What the five custom-probe tools share in user space: turning a SpecProblem
// into a ToolError that points at the character, keeping each session's
// compiled plan beside its params, and the attach methods and params every
// one of them has.
import { z } from 'zod';
import { SpecProblem } from '@bpfscope/formats';
import { getKernelFeatures } from '../capabilities/capabilities.js';
import type { FeatureSource } from '../capabilities/capabilities.js';
import { ToolError } from '../errors.js';
import type { AttachMethod, AttachMethodName } from '../tools/types.js';
import type { ProbePlan } from './compile.js';

/** Where a spec problem is, for the agent and the web: the param, which spec, and the characters. */
export interface SpecErrorDetails {
  param: string;
  /** Index in an array param; undefined for a single spec. */
  index?: number;
  spec: string;
  /** 0-based offset of the first character at fault, and how many there are. */
  offset: number;
  length: number;
  reason: string;
  /** A spec that would work instead (a tracepoint for a kernel function on a kernel without kprobes). */
  suggestion?: string;
}

/** The spec with a caret line under the characters at fault, as compilers print them. */
export function caretMessage(spec: string, offset: number, length: number): string {
  const line = spec.replace(/[\r\n\t]/g, ' ');
  const start = Math.min(Math.max(0, offset), line.length);
  const width = Math.max(1, Math.min(length, line.length - start || 1));
  return `  ${line}\n  ${' '.repeat(start)}^${'~'.repeat(width - 1)}`;
}

/** A ToolError for a problem in `spec`, naming the tool, the param and the position. */
export function specError(tool: string, where: { param: string; index?: number }, spec: string, problem: SpecProblem): ToolError {
  const offset = problem.span.start;
  const length = Math.max(1, problem.span.end - problem.span.start);
  const name = where.index === undefined ? where.param : `${where.param}[${where.index}]`;
  const suggestion = problem.options.suggestion;
  const details: SpecErrorDetails = { param: where.param, spec, offset, length, reason: problem.message };
  if (where.index !== undefined) details.index = where.index;
  if (suggestion !== undefined) details.suggestion = suggestion;
  const message = `${tool}: ${name}: ${problem.message} (at character ${offset + 1})\n${caretMessage(spec, offset, length)}${suggestion ? `\n  try: ${suggestion}` : ''}`;
  return new ToolError(problem.options.code ?? 'INVALID_PARAMS', message, details);
}

/** Runs `compile` over one spec, turning a SpecProblem into the tool's ToolError. */
export function withSpec<T>(tool: string, where: { param: string; index?: number }, spec: string, compile: () => T): T {
  try {
    return compile();
  } catch (error) {
    if (error instanceof SpecProblem) throw specError(tool, where, spec, error);
    throw error;
  }
}

/**
 * Each session's compiled plan, by its parsed params object (the one startTool
 * hands configure, the session, the decoder and the readers alike). Compiling
 * reads tracefs and ELF files: once per session.
 */
export class PlanCache<Params extends object, Plan> {
  readonly #plans = new WeakMap<Params, Plan>();

  constructor(private readonly compile: (params: Params, features: FeatureSource) => Plan) {}

  get(params: Params, features: FeatureSource = getKernelFeatures()): Plan {
    let plan = this.#plans.get(params);
    if (!plan) {
      plan = this.compile(params, features);
      this.#plans.set(params, plan);
    }
    return plan;
  }

  /** Compiles afresh (configure: the kernel may have changed since a cached plan). */
  renew(params: Params, features: FeatureSource = getKernelFeatures()): Plan {
    const plan = this.compile(params, features);
    this.#plans.set(params, plan);
    return plan;
  }
}

/**
 * How custom probes attach: the first method lists every program the object
 * has, the spec decides which load. A tool works where tracepoints or uprobes
 * do; kprobes are checked per spec (p::function), with the reason.
 */
export const customProbeAttachMethods: readonly AttachMethod[] = [
  {
    name: 'tracepoint',
    programs: ['probe_tracepoint', 'probe_uprobe', 'probe_kprobe'],
    requires: [
      {
        kind: 'anyOf',
        anyOf: [
          { kind: 'feature', feature: 'tracepoint' },
          { kind: 'feature', feature: 'uprobe' },
        ],
      },
    ],
  },
];

/** bcc's -p and -L, shared by the custom-probe tools. */
export const targetParams = {
  pid: z.number().int().min(1).max(4_194_304).optional().describe('only this process (tgid), like bcc -p'),
};

export const tidParam = z.number().int().min(1).max(4_194_304).optional().describe('only this thread, like bcc trace -L');

/** What a probe spec param is called in the params' JSON Schema (`format`), so a form offers a probe builder for it. */
export const PROBE_SPEC_FORMAT = 'bcc-probe';

/** A probe spec param: bounded, so a params body stays small. */
export const specString = (description: string) => z.string().min(1).max(1024).describe(description).meta({ format: PROBE_SPEC_FORMAT });

/** The attach method a plan uses, for the session and the tool header: tracepoints first, then uprobes, then kprobes. */
export function attachedWith(plan: ProbePlan): AttachMethodName {
  if (plan.programs.some((program) => program.startsWith('probe_tracepoint'))) return 'tracepoint';
  if (plan.programs.includes('probe_uprobe')) return 'uprobe';
  return 'kprobe';
}
