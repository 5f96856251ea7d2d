import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export const VMLINUX_BTF = '/sys/kernel/btf/vmlinux';

// struct btf_header (include/uapi/linux/btf.h): magic, version, flags, hdr_len, then type and string sections.
const BTF_MAGIC = 0xeb9f;
const BTF_VERSION = 1;
export const BTF_HEADER_SIZE = 24;

/**
 * Why the first bytes of a BTF file are not BTF libbpf reads, or undefined when they
 * are. Its sections must lie inside the file (`fileSize` bytes); either byte order,
 * as libbpf accepts.
 */
export function btfHeaderProblem(header: Buffer, fileSize: number): string | undefined {
  if (header.length < BTF_HEADER_SIZE) return `${header.length} bytes, shorter than a BTF header`;
  const littleEndian = header.readUInt16LE(0) === BTF_MAGIC;
  if (!littleEndian && header.readUInt16BE(0) !== BTF_MAGIC) return `magic 0x${header.readUInt16LE(0).toString(16)}, not 0xeb9f`;
  const u32 = (offset: number) => (littleEndian ? header.readUInt32LE(offset) : header.readUInt32BE(offset));
  const version = header.readUInt8(2);
  if (version !== BTF_VERSION) return `BTF version ${version}, not ${BTF_VERSION}`;
  const headerLength = u32(4);
  const [typeOffset, typeLength, stringOffset, stringLength] = [u32(8), u32(12), u32(16), u32(20)];
  if (headerLength < BTF_HEADER_SIZE) return `header length ${headerLength}`;
  if (typeLength === 0 || stringLength === 0) return 'no types or no strings';
  const end = headerLength + Math.max(typeOffset + typeLength, stringOffset + stringLength);
  if (end > fileSize) return `sections end at byte ${end} of ${fileSize}`;
  return undefined;
}

/**
 * The running kernel's BTF header, checked: enough to know the kernel has BTF without
 * parsing all of it (a dozen ms), which tools relocate against a minimized copy of.
 * Throws the file's error (ENOENT without CONFIG_DEBUG_INFO_BTF).
 */
export function vmlinuxBtfProblem(file = VMLINUX_BTF): string | undefined {
  const fd = openSync(file, 'r');
  try {
    const header = Buffer.alloc(BTF_HEADER_SIZE);
    const read = readSync(fd, header, 0, BTF_HEADER_SIZE, 0);
    return btfHeaderProblem(header.subarray(0, read), fstatSync(fd).size);
  } finally {
    closeSync(fd);
  }
}
