// Validation messages that never repeat what a caller sent as a key: params come from links and forms,
// and a pasted link may carry a token where a name should be. Applies to every zod schema in the process
// (bpf-core's params, the agent's inputs), since tRPC validates inputs before any code of ours runs.
import { z } from 'zod';

/** A key is quoted back only when it looks like a name: short, no token-like run of characters. */
function quotableKey(key: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_.-]{0,23}$/.test(key) && !/^(token|secret|password|key)/i.test(key);
}

export function unknownKeysMessage(keys: readonly string[]): string {
  const named = keys.filter(quotableKey);
  const unnamed = keys.length - named.length;
  const parts = [...named.map((key) => `"${key}"`), ...(unnamed > 0 ? [`${unnamed} other${unnamed === 1 ? '' : 's'} not shown`] : [])];
  return `unknown key${keys.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

z.config({
  customError: (issue) => (issue.code === 'unrecognized_keys' ? unknownKeysMessage(issue.keys) : undefined),
});
