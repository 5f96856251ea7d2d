import { listTools } from '../services/toolCatalog.js';
import { authedProcedure, router } from '../trpc.js';

export const toolsRouter = router({
  list: authedProcedure.query(({ ctx }) => listTools(ctx.services.features)),
});
