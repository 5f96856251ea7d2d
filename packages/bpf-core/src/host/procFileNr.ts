// /proc/sys/fs/file-nr: file handles allocated, allocated but unused (always 0 since Linux 2.6), and the maximum (fs.file-max).

export interface FileNr {
  allocated: number;
  unused: number;
  max: number;
}

export function parseFileNr(text: string): FileNr {
  const [allocated, unused, max] = text.trim().split(/\s+/).map(Number);
  if (![allocated, unused, max].every((value) => value !== undefined && Number.isFinite(value))) {
    throw new Error(`/proc/sys/fs/file-nr: expected three numbers, got ${JSON.stringify(text.trim())}`);
  }
  return { allocated: allocated as number, unused: unused as number, max: max as number };
}
