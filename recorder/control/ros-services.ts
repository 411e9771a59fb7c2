// The episode workflow as ROS 2 services on the recorder node (std_srvs/srv/Trigger each):
// <prefix>/start, /stop, /discard, /mark_success, /mark_failure, /pause, /resume, /shutdown.
import type { RuntimeNode, Service } from "../../nodes/runtime/api.ts";
import type { EpisodeController } from "../episode/controller.ts";

export const CONTROL_SERVICES = ["start", "stop", "discard", "mark_success", "mark_failure", "pause", "resume", "shutdown"] as const;

export function advertiseControlServices(node: RuntimeNode, controller: EpisodeController, prefix = `/${node.name}`): Service[] {
  const reply = (success: boolean, message: string) => ({ success, message });
  const state = () => `state ${controller.state}, episode ${controller.episodeIndex}`;
  const actions: Record<(typeof CONTROL_SERVICES)[number], () => Promise<unknown> | void> = {
    start: () => controller.start(),
    stop: () => controller.stop(),
    discard: () => controller.discard(),
    mark_success: () => controller.markOutcome("success"),
    mark_failure: () => controller.markOutcome("failure"),
    pause: () => controller.pause(),
    resume: () => controller.resume(),
    shutdown: () => void controller.shutdown("stopped by service call"),
  };
  return CONTROL_SERVICES.map((name) =>
    node.createService("std_srvs/srv/Trigger", `${prefix}/${name}`, async () => {
      try {
        await actions[name]();
        return reply(true, state());
      } catch (err) {
        return reply(false, (err as Error).message);
      }
    }),
  );
}
