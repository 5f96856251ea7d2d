// Attach methods this kernel can load but not attach (kprobes here): their programs still meet the verifier.
import { fileURLToPath } from 'node:url';
import { BpfObject, getTool, parseToolParams } from '../src/index.js';

/** Opens, configures and loads the programs of `tool`'s `method`, then closes: the verifier's verdict, nothing attached. Returns the programs loaded. */
export function loadWithoutAttach(toolName: string, methodName: string, params: unknown = {}): string[] {
  const tool = getTool(toolName);
  const method = tool.attachMethods.find((candidate) => candidate.name === methodName);
  if (!method) throw new Error(`${toolName} has no attach method ${methodName}`);
  const object = BpfObject.open(fileURLToPath(new URL(`../out/bpf/${tool.objectFile}`, import.meta.url)));
  try {
    object.selectPrograms(method.programs);
    tool.configure(object, parseToolParams(tool, params));
    object.load();
    return object
      .programs()
      .filter((program) => program.id > 0)
      .map((program) => program.name);
  } finally {
    object.close();
  }
}
