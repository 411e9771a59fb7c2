// The simulated rig: the scripted world, the sensor renderers and the rig node that publishes
// them, wired together.
import type { RigProfile } from "../rig/profile.ts";
import type { Runtime } from "../runtime/api.ts";
import { SimRig, type SimRigOptions } from "./rig/sim-rig.ts";
import { createDemo } from "./world/index.ts";
import type { SimDemo } from "./rig/ports.ts";

export type { SimGroundTruth, SimRunSummary, StreamCounters } from "./rig/sim-rig.ts";
export { SimRig } from "./rig/sim-rig.ts";
export { parseSpeed, type Speed } from "./rig/pacer.ts";

export type CreateSimRigOptions = Omit<SimRigOptions, "demos"> & Partial<Pick<SimRigOptions, "demos">>;

export function createSimRig(runtime: Runtime, options: CreateSimRigOptions): SimRig {
  const demos = options.demos ?? ((seed: number, profile: RigProfile, previous?: SimDemo) => createDemo({ seed, profile, ...(previous ? { startFrom: previous.endJoints() } : {}) }));
  return new SimRig(runtime, { ...options, demos });
}
