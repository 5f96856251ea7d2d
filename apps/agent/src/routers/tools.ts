import { resolveToolSupport, toolRegistry } from '@bpfscope/bpf-core';
import { z } from 'zod';
import { authedProcedure, router } from '../trpc.js';

export const toolsRouter = router({
  list: authedProcedure.query(({ ctx }) =>
    [...toolRegistry.values()].map((tool) => ({
      name: tool.name,
      title: tool.title,
      description: tool.description,
      category: tool.category,
      outputKind: tool.outputKind,
      columns: tool.columns.map((column) => ({
        header: column.header,
        key: column.key,
        unit: column.unit ?? null,
        align: column.align,
      })),
      // For the web's generated params form.
      paramsJsonSchema: z.toJSONSchema(tool.paramsSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
      support: resolveToolSupport(tool, ctx.services.features),
    })),
  ),
});
