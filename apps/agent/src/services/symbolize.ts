import { Symbolizer, foldProfile } from '@bpfscope/bpf-core';
import type { FoldedProfile, RawStackProfile } from '@bpfscope/bpf-core';

/**
 * One symbolizer for the agent's life: kernel symbols, ELF symbol tables and
 * process maps are cached across captures (a library is parsed once), created on
 * the first capture so an agent that never profiles never reads them.
 */
export function createSymbolize(): (raw: RawStackProfile) => FoldedProfile {
  let symbolizer: Symbolizer | undefined;
  return (raw) => {
    symbolizer ??= new Symbolizer();
    return foldProfile(raw, symbolizer);
  };
}
