// What bpfscope-tool prints for a stack tool's capture: its folded text, as bcc's
// -f option prints it (flamegraph.pl, speedscope and FlameScope read it), or with
// --json the whole profile as one JSON line.
import { toFoldedText } from '@bpfscope/formats';
import type { FoldedProfile } from './stacks/types.js';

export function profileOutput(profile: FoldedProfile, options: { json: boolean }): string {
  return options.json ? `${JSON.stringify(profile)}\n` : toFoldedText(profile.stacks);
}
