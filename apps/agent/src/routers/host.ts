import os from 'node:os';
import { getCapabilitiesSnapshot } from '../services/capabilities.js';
import { recorderSnapshot } from '../services/flightRecorder.js';
import { authedProcedure, router } from '../trpc.js';

export const hostRouter = router({
  info: authedProcedure.query(({ ctx }) => {
    const { services } = ctx;
    return {
      hostname: os.hostname(),
      kernel: os.release(),
      arch: os.arch(),
      cpus: os.cpus().length,
      memoryBytes: { total: os.totalmem(), free: os.freemem() },
      agentVersion: services.version,
      hostUptimeSeconds: os.uptime(),
      agentUptimeSeconds: (Date.now() - services.startedAt) / 1000,
      ...getCapabilitiesSnapshot(services.features),
      recorder: recorderSnapshot(services),
    };
  }),
});
