// The memory bench's peer: a node process that does nothing, launched by the agent's launcher with the same flags
// and the same probe preloaded, so the bench can tell what node itself holds from what the agent adds.
setInterval(() => undefined, 2 ** 31 - 1);
