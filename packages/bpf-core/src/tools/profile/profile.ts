import { z } from 'zod';
import {
  PERF_COUNT_HW_CPU_CYCLES,
  PERF_COUNT_SW_CPU_CLOCK,
  PERF_TYPE_HARDWARE,
  PERF_TYPE_SOFTWARE,
  getKernelFeatures,
} from '../../capabilities/capabilities.js';
import { u8 } from '../../encode.js';
import {
  collectStackProfile,
  configureStackTarget,
  decodeTaskStackKey,
  notUserAndKernelOnly,
  stackTargetParams,
  userAndKernelOnlyMessage,
} from '../../stacks/stackTraces.js';
import type { StackToolDefinition } from '../types.js';

// Mirrors profile.h.
export const ProfileKeyOffset = { pid: 0, tid: 4, userStackId: 8, kernelStackId: 12, timeSlot: 16, comm: 20 } as const;
export const PROFILE_KEY_SIZE = 36;

export const profileParams = z
  .object({
    ...stackTargetParams,
    includeIdle: z.boolean().default(false).describe('keep samples of idle CPUs (the idle task, pid 0), like bcc -I'),
    frequency: z.number().int().min(1).max(1000).default(49).describe('samples per second on each CPU, like bcc -F').meta({ unit: 'Hz' }),
    timeline: z.boolean().default(true).describe('count samples per 20 ms slot of the capture as well, for a FlameScope sub-second heat map'),
  })
  .strict()
  .refine(notUserAndKernelOnly, userAndKernelOnlyMessage);

export type ProfileParams = z.infer<typeof profileParams>;

export const profile: StackToolDefinition<ProfileParams> = {
  name: 'profile',
  title: 'CPU profile',
  description: 'Samples the stacks running on every CPU at a fixed frequency and counts them in the kernel: a CPU flame graph, with a sub-second timeline',
  category: 'cpu',
  outputKind: 'stacks',
  objectFile: 'profile.bpf.o',
  structs: [{ struct: 'profile_key', offsets: ProfileKeyOffset, size: PROFILE_KEY_SIZE }],
  paramsSchema: profileParams,
  attachMethods: [
    {
      name: 'perf_event',
      programs: ['profile_sample'],
      requires: [
        { kind: 'feature', feature: 'perfEventSampling' },
        { kind: 'feature', feature: 'stackTraceMap' },
      ],
    },
  ],
  configure(object, params) {
    configureStackTarget('profile', object, params, 'samples');
    object.setGlobal('targ_include_idle', u8(params.includeIdle));
    object.setGlobal('targ_timeline', u8(params.timeline));
  },
  attach(object, params) {
    const cpuClock = { type: PERF_TYPE_SOFTWARE, config: PERF_COUNT_SW_CPU_CLOCK, frequency: params.frequency };
    // CPU cycles where the machine has a PMU (perf's default); else the cpu-clock
    // timer, which also ticks while a CPU idles, so includeIdle has samples to keep.
    if (!params.includeIdle && getKernelFeatures().feature('hardwarePmu').available) {
      try {
        object.attachPerfEvent('profile_sample', { type: PERF_TYPE_HARDWARE, config: PERF_COUNT_HW_CPU_CYCLES, frequency: params.frequency });
        return;
      } catch {
        // The probe said yes but this event cannot be opened on every CPU (a hybrid CPU, a busy PMU): use the timer.
      }
    }
    object.attachPerfEvent('profile_sample', cpuClock);
  },
  collect(object, params, capture) {
    return collectStackProfile(
      object,
      {
        countsMap: 'samples',
        unit: 'samples',
        kernelStacksFrom: 'sample',
        decodeKey: (key) => decodeTaskStackKey(key, ProfileKeyOffset),
        timeline: params.timeline,
        frequencyHz: params.frequency,
      },
      capture,
    );
  },
};
