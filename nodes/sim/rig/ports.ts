// What the rig needs from the world model: one scripted demonstration per seed, queried per
// stream for only the part that stream carries (a 1 kHz wrench never computes tactile frames).
import type { RigProfile } from "../../rig/profile.ts";
import type { Demo } from "../world/index.ts";

export type SimDemo = Pick<
  Demo,
  "duration" | "groundTruth" | "jointsAt" | "leaderAt" | "wrenchAt" | "tactileAt" | "imuAt" | "transformsAt" | "framePoseAt" | "sceneAt" | "endJoints"
>;

/** `previous`: the demonstration just before (its end is where this one starts from), if any. */
export type DemoFactory = (seed: number, profile: RigProfile, previous?: SimDemo) => SimDemo;
