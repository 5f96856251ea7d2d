import type { FeatureSource } from './capabilities.js';
import { hasKernelFunction, hasTracepoint } from './capabilities.js';
import type { AttachMethod, AttachMethodName, Requirement, ToolDefinition } from '../tools/types.js';

export interface AttachMethodSupport {
  method: AttachMethodName;
  available: boolean;
  /** Why not, when unavailable. */
  reason?: string;
  /** What it cannot see that a preferred method can (AttachMethod.limitation). */
  limitation?: string;
}

export interface ToolSupport {
  tool: string;
  available: boolean;
  /** The method that would be used: the first available in the tool's preference order. */
  attachMethod?: AttachMethodName;
  /** What the method used cannot see, where it falls short of a preferred one: said beside it in the tool header. */
  limitation?: string;
  reason?: string;
  methods: AttachMethodSupport[];
}

// Every tool needs these: CO-RE relocation against kernel BTF, and a ring buffer for events.
const commonRequirements: Requirement[] = [
  { kind: 'feature', feature: 'btf' },
  { kind: 'feature', feature: 'ringbuf' },
];

function unmetReason(requirement: Requirement, features: FeatureSource): string | undefined {
  switch (requirement.kind) {
    case 'feature': {
      const status = features.feature(requirement.feature);
      return status.available ? undefined : `${requirement.feature} unavailable (${status.reason ?? 'unknown reason'})`;
    }
    case 'tracepoint':
      return hasTracepoint(requirement.category, requirement.name)
        ? undefined
        : `tracepoint ${requirement.category}:${requirement.name} not present in this kernel`;
    case 'kernelFunction':
      return hasKernelFunction(requirement.name) ? undefined : `kernel function ${requirement.name} not found in BTF`;
    case 'anyOf': {
      const reasons: string[] = [];
      for (const alternative of requirement.anyOf) {
        const reason = unmetReason(alternative, features);
        if (reason === undefined) return undefined;
        reasons.push(reason);
      }
      return reasons.join(', and ');
    }
    default: {
      const unreachable: never = requirement;
      return `unknown requirement ${JSON.stringify(unreachable)}`;
    }
  }
}

function methodSupport(method: AttachMethod, features: FeatureSource): AttachMethodSupport {
  const limitation = method.limitation === undefined ? {} : { limitation: method.limitation };
  for (const requirement of [...commonRequirements, ...method.requires]) {
    const reason = unmetReason(requirement, features);
    if (reason) return { method: method.name, available: false, reason, ...limitation };
  }
  return { method: method.name, available: true, ...limitation };
}

/** Which attach method a tool would use on this kernel, or exactly why it cannot run. */
export function resolveToolSupport(tool: ToolDefinition, features: FeatureSource): ToolSupport {
  const methods = tool.attachMethods.map((method) => methodSupport(method, features));
  const chosen = methods.find((method) => method.available);
  if (chosen) {
    return {
      tool: tool.name,
      available: true,
      attachMethod: chosen.method,
      ...(chosen.limitation === undefined ? {} : { limitation: chosen.limitation }),
      methods,
    };
  }
  return {
    tool: tool.name,
    available: false,
    reason: methods.map((method) => `${method.method}: ${method.reason}`).join('; '),
    methods,
  };
}
