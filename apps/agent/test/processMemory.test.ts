import { describe, expect, it } from 'vitest';
import { BPF_MAP_TYPE_RINGBUF, classifyMappings, memoryBreakdown, parseBpfMapFdinfo, parseSmaps, residentBytes } from './processMemory.js';

/** The fields the parser reads of each mapping, as an agent with tcplife's 1 MiB ring buffer had them (other fields cut). */
const smaps = `00400000-00b6f000 r--p 00000000 fe:00 260689                             /usr/bin/node
Size:               7612 kB
Rss:                7164 kB
Anonymous:             0 kB
VmFlags: rd mr mw me
04f4b000-05ff1000 rw-p 00000000 00:00 0                                  [heap]
Size:              17048 kB
Rss:               16580 kB
Anonymous:         16580 kB
7ff149cce000-7ff149ecf000 r--s 00001000 00:10 20                         anon_inode:bpf-map
Size:               2052 kB
Rss:                2052 kB
Anonymous:             0 kB
7ff15c000000-7ff15c5d9000 rw-p 00000000 00:00 0 
Size:               5988 kB
Rss:                1968 kB
Anonymous:          1968 kB
7ff172c55000-7ff172c56000 rw-s 00000000 00:10 20                         anon_inode:bpf-map
Size:                  4 kB
Rss:                   4 kB
7ff172c60000-7ff172c88000 r--p 00000000 fe:00 263168                     /usr/lib/x86_64-linux-gnu/libc.so.6
Size:                160 kB
Rss:                 156 kB
7ffd5e5e0000-7ffd5e601000 rw-p 00000000 00:00 0                          [stack]
Size:                132 kB
Rss:                  72 kB
ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]
Size:                  4 kB
Rss:                   0 kB
`;

const tcplifeRing = `pos:	0
flags:	02000002
mnt_id:	17
ino:	20
map_type:	27
key_size:	0
value_size:	0
max_entries:	1048576
map_flags:	0x0
map_extra:	0x0
memlock:	1065288
map_id:	27384
frozen:	0
`;

describe('parseSmaps', () => {
  it('reads each mapping: its size, permissions, path and resident bytes', () => {
    const mappings = parseSmaps(smaps);
    expect(mappings).toHaveLength(8);
    expect(mappings[0]).toEqual({ size: 0xb6f000 - 0x400000, perms: 'r--p', path: '/usr/bin/node', rss: 7164 * 1024 });
    expect(mappings[2]).toEqual({ size: 2052 * 1024, perms: 'r--s', path: 'anon_inode:bpf-map', rss: 2052 * 1024 });
    expect(mappings[3]?.path).toBe('');
    // Addresses past 2^53 still give their size.
    expect(mappings[7]).toEqual({ size: 4096, perms: '--xp', path: '[vsyscall]', rss: 0 });
  });
});

describe('parseBpfMapFdinfo', () => {
  it("reads a BPF map's type, size and id, and nothing of other fds", () => {
    expect(parseBpfMapFdinfo(tcplifeRing)).toEqual({ type: BPF_MAP_TYPE_RINGBUF, maxEntries: 1_048_576, id: 27384 });
    expect(parseBpfMapFdinfo('pos:\t0\nflags:\t02\nmnt_id:\t17\nino:\t4\n')).toBeUndefined();
  });
});

describe('classifyMappings', () => {
  it('sorts resident bytes into the node binary, files, ring buffers, other BPF maps and anonymous memory', () => {
    const breakdown = classifyMappings(parseSmaps(smaps), {
      executable: '/usr/bin/node',
      bpfMaps: [parseBpfMapFdinfo(tcplifeRing) ?? { type: 0, maxEntries: 0, id: 0 }, { type: 2, maxEntries: 1, id: 9 }],
    });
    expect(breakdown).toEqual({
      rss: (7164 + 16580 + 2052 + 1968 + 4 + 156 + 72) * 1024,
      nodeBinary: 7164 * 1024,
      files: 156 * 1024,
      // The 1 MiB ring's data mapped twice, and its producer page.
      ringBuffers: { count: 1, bytes: 1_048_576, rss: 2052 * 1024 },
      otherBpfMaps: 4 * 1024,
      anonymous: (16580 + 1968 + 72) * 1024,
      brkHeap: 16580 * 1024,
    });
  });

  it('adds up to VmRSS for this process', () => {
    const breakdown = memoryBreakdown(process.pid);
    // Read a moment apart: within a few pages of each other.
    expect(Math.abs(breakdown.rss - residentBytes(process.pid))).toBeLessThan(2 * 1024 * 1024);
    expect(breakdown.nodeBinary).toBeGreaterThan(0);
    expect(breakdown.anonymous).toBeGreaterThan(0);
    expect(breakdown.ringBuffers.count).toBe(0);
  });
});
