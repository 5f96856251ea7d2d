import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Where the built BPF objects live (src/ and dist/ are both one level below the package root). */
export const bpfObjectDirectory = fileURLToPath(new URL('../out/bpf/', import.meta.url));

export function bpfObjectPath(objectFile: string): string {
  return path.join(bpfObjectDirectory, objectFile);
}
