// Everything that varies from episode to episode, drawn once from the seed. The rest of the world
// model is a deterministic function of this record, so an episode is reproducible from its seed.
import type { Rgb, SidePrefix } from "../types.ts";
import { Prng } from "./rng.ts";

export type Failure =
  /** The object slides out of a weak grasp during the lift and falls back onto the table. */
  | { kind: "drop"; liftFraction: number }
  | undefined;

export interface SlipRegrip {
  /** "lift" or "transport", and how far into it (0..1) the object starts to slide. */
  phase: "lift" | "transport";
  fraction: number;
  /** How far the object slides along the tool axis before it sticks again, metres. */
  slide: number;
  /** Operator reaction time before squeezing harder, seconds. */
  reaction: number;
  /** Extra squeeze of the regrip, metres of finger travel. */
  extraSqueeze: number;
}

export interface Hesitation {
  /** Which move the operator pauses in. */
  move: "approach" | "transport" | "place";
  fraction: number;
  pause: number;
}

export interface Scenario {
  seed: number;
  arm: SidePrefix;
  object: {
    /** Centre on the table, base_link. */
    x: number;
    y: number;
    yaw: number;
    halfExtents: [number, number, number];
    mass: number;
    color: Rgb;
  };
  tray: { x: number; y: number; yaw: number };
  /** Multiplies every move's duration: > 1 is a slower operator. */
  pace: number;
  /** Follower lag behind the leader arm, seconds. */
  lag: number;
  /** Pad centre below the object's top face, metres. */
  graspDepth: number;
  /** TCP offset from the object's centre along the finger plane (gripper x), metres. */
  graspOffset: number;
  /** Commanded finger opening below the object width, metres (sets the grip force). */
  squeeze: number;
  /** Change of gripper yaw between pick and place, rad. */
  placeTwist: number;
  /** How far below the support the operator presses the object when placing, metres. */
  placePress: number;
  initialOpening: number;
  hesitations: Hesitation[];
  failure: Failure;
  slip: SlipRegrip | undefined;
  /** Per pad: contact-patch centre offset on the pad (pad x, pad y), metres. */
  padOffsets: [number, number][];
  /** Per-episode sensor biases are drawn from this stream of the seed. */
  biasSeed: number;
}

const OBJECT_COLORS: readonly Rgb[] = [
  [200, 40, 40],
  [40, 150, 60],
  [40, 80, 200],
  [230, 180, 30],
  [230, 110, 20],
];

export function drawScenario(seed: number): Scenario {
  const r = new Prng(seed);
  const arm: SidePrefix = r.chance(0.8) ? "right" : "left";
  const mirror = arm === "right" ? 1 : -1;
  const objX = r.uniform(0.38, 0.55);
  const objY = -mirror * r.uniform(0.1, 0.3);
  const trayX = r.uniform(0.36, 0.5);
  const trayY = mirror * r.uniform(0.06, 0.2);
  const height = r.uniform(0.075, 0.085);
  const color = OBJECT_COLORS[Math.floor(r.next() * OBJECT_COLORS.length)]!;

  const roll = r.next();
  const failure: Failure = roll < 0.15 ? { kind: "drop", liftFraction: r.uniform(0.25, 0.6) } : undefined;
  const slip: SlipRegrip | undefined =
    !failure && roll < 0.35
      ? {
          phase: r.chance(0.5) ? "lift" : "transport",
          fraction: r.uniform(0.3, 0.7),
          slide: r.uniform(0.002, 0.006),
          reaction: r.uniform(0.15, 0.3),
          extraSqueeze: r.uniform(0.0015, 0.003),
        }
      : undefined;

  const hesitations: Hesitation[] = [];
  for (const move of ["approach", "transport", "place"] as const) {
    if (r.chance(move === "place" ? 0.15 : 0.3)) hesitations.push({ move, fraction: r.uniform(0.3, 0.7), pause: r.uniform(0.25, 0.8) });
  }

  return {
    seed,
    arm,
    object: {
      x: objX,
      y: objY,
      yaw: r.uniform(-Math.PI / 4, Math.PI / 4),
      halfExtents: [0.025, 0.025, height / 2],
      mass: r.uniform(0.15, 0.4),
      color,
    },
    tray: { x: trayX, y: trayY, yaw: r.uniform(-0.3, 0.3) },
    pace: r.uniform(0.9, 1.4),
    lag: r.uniform(0.03, 0.06),
    graspDepth: r.uniform(0.007, 0.022),
    graspOffset: r.uniform(-0.004, 0.004),
    squeeze: failure ? r.uniform(0.0008, 0.0013) : r.uniform(0.003, 0.005),
    placeTwist: r.uniform(-0.35, 0.35),
    placePress: r.uniform(0.0015, 0.0035),
    initialOpening: r.chance(0.5) ? 0.08 : r.uniform(0.01, 0.06),
    hesitations,
    failure,
    slip,
    padOffsets: [0, 1, 2, 3].map(() => [r.uniform(-0.002, 0.002), r.uniform(-0.0025, 0.0025)] as [number, number]),
    biasSeed: Math.floor(r.next() * 2 ** 31),
  };
}
