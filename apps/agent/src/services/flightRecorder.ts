// The flight recorder: cheap histogram tools stay attached from start-up, so a heat
// map opened during an incident already shows the hour before it.
import type { AgentServices } from '../context.js';
import { toTRPCError } from './errors.js';

export interface RecorderStatus {
  tool: string;
  recording: boolean;
  attachMethod?: string;
  /** Why not, when it is not recording. */
  reason?: string;
}

/** Attaches every configured tool with its default params; a tool that cannot run is reported, not fatal. */
export function startFlightRecorder(services: AgentServices): RecorderStatus[] {
  services.recorder = services.config.record.map((tool): RecorderStatus => {
    try {
      const { attachMethod } = services.sessions.record(tool, {});
      return { tool, recording: true, attachMethod };
    } catch (error) {
      return { tool, recording: false, reason: toTRPCError(error).message };
    }
  });
  return services.recorder;
}

/** The recorder's state with what each attachment holds now. */
export function recorderSnapshot(services: AgentServices) {
  const attachments = services.sessions.list().filter((attachment) => attachment.recording);
  return services.recorder.map((status) => {
    const attachment = attachments.find((candidate) => candidate.tool === status.tool);
    return { ...status, frames: attachment?.history.frames ?? 0, since: attachment?.history.since ?? null, seconds: services.config.recordSeconds };
  });
}
