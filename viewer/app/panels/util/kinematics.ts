// Forward kinematics of the rig's URDF (EpisodeDetail.urdf) from joint positions: every link's
// pose in the URDF root, composing joint origins with the joint motion (revolute/continuous:
// rotation about the axis; prismatic: translation along it; <mimic> joints follow their master).
// The URDF is parsed with calibration/io's parser (pure TypeScript, browser-safe).
import { composeTransforms, identityTransform, makeTransform, type RigidTransform } from "../../../../calibration/math/rigid.ts";
import { jointOriginTransform, parseUrdf, type UrdfJoint } from "../../../../calibration/io/urdf.ts";
import { parseXml, type XmlElement } from "../../../../calibration/io/xml.ts";

export interface Mimic {
  joint: string;
  multiplier: number;
  offset: number;
}

export interface KinematicJoint extends UrdfJoint {
  mimic?: Mimic;
  /** parent_T_joint at zero, cached. */
  originTransform: RigidTransform;
}

export class Kinematics {
  readonly root: string;
  /** Joints in parent-before-child order. */
  readonly joints: KinematicJoint[];
  readonly links: string[];

  constructor(urdfText: string) {
    const model = parseUrdf(urdfText, "rig.urdf");
    const mimics = mimicsOf(parseXml(urdfText, "rig.urdf"));
    const byChild = new Map(model.joints.map((j) => [j.child, j]));
    const roots = model.links.filter((l) => !byChild.has(l));
    this.root = roots.includes("base_link") ? "base_link" : (roots[0] ?? model.links[0] ?? "base_link");
    this.links = model.links;
    // order by depth so a single pass composes parents first
    const depth = (link: string): number => {
      let d = 0;
      for (let j = byChild.get(link); j && d < 256; j = byChild.get(j.parent)) d++;
      return d;
    };
    this.joints = model.joints
      .map((j): KinematicJoint => {
        const m = mimics.get(j.name);
        return { ...j, originTransform: jointOriginTransform(j), ...(m ? { mimic: m } : {}) };
      })
      .sort((a, b) => depth(a.child) - depth(b.child));
  }

  /** Names of the joints that move (the ones a JointState should carry). */
  movingJoints(): string[] {
    return this.joints.filter((j) => j.type !== "fixed" && !j.mimic).map((j) => j.name);
  }

  /** root_T_link for every link reachable from the root; missing joint positions count as 0. */
  forward(positions: ReadonlyMap<string, number>): Map<string, RigidTransform> {
    const poses = new Map<string, RigidTransform>([[this.root, identityTransform()]]);
    for (const j of this.joints) {
      const parent = poses.get(j.parent);
      if (!parent) continue;
      let q = positions.get(j.name) ?? 0;
      if (j.mimic) q = (positions.get(j.mimic.joint) ?? 0) * j.mimic.multiplier + j.mimic.offset;
      poses.set(j.child, composeTransforms(composeTransforms(parent, j.originTransform), jointMotion(j, q)));
    }
    return poses;
  }
}

function jointMotion(j: UrdfJoint, q: number): RigidTransform {
  const [ax, ay, az] = j.axis;
  switch (j.type) {
    case "revolute":
    case "continuous": {
      const s = Math.sin(q / 2);
      return makeTransform([0, 0, 0], [ax * s, ay * s, az * s, Math.cos(q / 2)]);
    }
    case "prismatic":
      return makeTransform([ax * q, ay * q, az * q], [0, 0, 0, 1]);
    default:
      return identityTransform();
  }
}

function mimicsOf(root: XmlElement): Map<string, Mimic> {
  const out = new Map<string, Mimic>();
  for (const j of root.children) {
    if (j.name !== "joint") continue;
    const m = j.children.find((c) => c.name === "mimic");
    const name = j.attributes["name"];
    const master = m?.attributes["joint"];
    if (!name || !m || !master) continue;
    const multiplier = Number(m.attributes["multiplier"] ?? "1");
    const offset = Number(m.attributes["offset"] ?? "0");
    out.set(name, { joint: master, multiplier: Number.isFinite(multiplier) ? multiplier : 1, offset: Number.isFinite(offset) ? offset : 0 });
  }
  return out;
}

/** joint name → position from a sensor_msgs/JointState value. */
export function jointPositions(names: readonly string[] | undefined, positions: ArrayLike<number> | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (!names || !positions) return out;
  for (let i = 0; i < names.length && i < positions.length; i++) {
    const p = positions[i]!;
    if (Number.isFinite(p)) out.set(names[i]!, p);
  }
  return out;
}
