import { z } from 'zod';
import { u32, u8 } from '../../encode.js';
import { histogramStruct } from '../../histogram.js';
import { tracepointAttachMethods } from '../shared/attachMethods.js';
import { blockDeviceName, diskParam, diskTargetDev } from '../shared/blockDevices.js';
import type { HistogramToolDefinition } from '../types.js';

// Mirrors biolatency.h.
const BIOLATENCY_SYNC = 0x100;
const BiolatencyKeyOffset = { dev: 0, op: 4 } as const;
const BIOLATENCY_KEY_SIZE = 8;

/** REQ_OP_* names as bcc prints them in "flags = ...". */
const operationNames: Record<number, string> = {
  0: 'Read',
  1: 'Write',
  2: 'Flush',
  3: 'Discard',
  5: 'SecureErase',
  7: 'ZoneAppend',
  9: 'WriteZeroes',
  10: 'ZoneOpen',
  11: 'ZoneClose',
  12: 'ZoneFinish',
  13: 'ZoneReset',
  15: 'ZoneResetAll',
  34: 'DrvIn',
  35: 'DrvOut',
};

export function operationLabel(op: number): string {
  const name = operationNames[op & 0xff] ?? `Op${op & 0xff}`;
  return op & BIOLATENCY_SYNC ? `Sync-${name}` : name;
}

const biolatencyParams = z
  .object({
    queued: z.boolean().default(false).describe('include time queued in the I/O scheduler (insert → completion), like bcc -Q'),
    perDisk: z.boolean().default(false).describe('one histogram per disk, like bcc -D'),
    perFlags: z.boolean().default(false).describe('one histogram per operation (Read, Sync-Write...), like bcc -F'),
    milliseconds: z.boolean().default(false).describe('buckets in milliseconds instead of microseconds, like bcc -m'),
    disk: diskParam('only this disk (name as in /sys/block)'),
  })
  .strict();

export type BiolatencyParams = z.infer<typeof biolatencyParams>;

export const biolatency: HistogramToolDefinition<BiolatencyParams> = {
  name: 'biolatency',
  title: 'Block I/O latency',
  description: 'Block device I/O latency as a heat map: issue (or queue insert) to completion, per disk or operation on request',
  category: 'disk',
  outputKind: 'histogram',
  objectFile: 'biolatency.bpf.o',
  structs: [{ struct: 'biolatency_key', offsets: BiolatencyKeyOffset, size: BIOLATENCY_KEY_SIZE }, histogramStruct],
  paramsSchema: biolatencyParams,
  attachMethods: tracepointAttachMethods({
    programs: ['biolatency_insert', 'biolatency_issue', 'biolatency_complete'],
    tracepoints: ['block:block_rq_issue', 'block:block_rq_complete'],
  }),
  histogram: {
    source: 'map',
    map: 'histograms',
    measure: 'block I/O latency',
    unit: (params) => (params.milliseconds ? 'msecs' : 'usecs'),
    keyName: (params) => (params.perDisk && params.perFlags ? 'disk, flags' : params.perDisk ? 'disk' : params.perFlags ? 'flags' : undefined),
    keyLabel(key, params) {
      const parts: string[] = [];
      if (params.perDisk) parts.push(blockDeviceName(key.readUInt32LE(BiolatencyKeyOffset.dev)));
      if (params.perFlags) parts.push(operationLabel(key.readUInt32LE(BiolatencyKeyOffset.op)));
      return parts.join(' ');
    },
  },
  configure(object, params) {
    object.setGlobal('targ_queued', u8(params.queued));
    object.setGlobal('targ_per_disk', u8(params.perDisk));
    object.setGlobal('targ_per_flags', u8(params.perFlags));
    object.setGlobal('targ_milliseconds', u8(params.milliseconds));
    object.setGlobal('targ_dev', u32(diskTargetDev('biolatency', params.disk)));
  },
};
