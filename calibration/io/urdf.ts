// URDF joints: fixed joints become static extrinsics; other joints' origins and axes are exposed
// for callers that compose them with joint positions. A joint's <origin xyz rpy> is
// parent_link_T_child_link at zero joint position, rpy about fixed axes X, Y, Z.
import { transformFromXyzRpy, transformToXyzRpy, type RigidTransform } from "../math/rigid.ts";
import type { Vec3 } from "../math/so3.ts";
import type { StaticTransform } from "../model/types.ts";
import { escapeXmlAttribute, parseXml, type XmlElement } from "./xml.ts";

export class UrdfError extends Error {}

export const URDF_JOINT_TYPES = ["fixed", "revolute", "continuous", "prismatic", "floating", "planar"] as const;
export type UrdfJointType = (typeof URDF_JOINT_TYPES)[number];

export interface UrdfJointLimit {
  lower: number;
  upper: number;
  effort: number;
  velocity: number;
}

export interface UrdfJoint {
  name: string;
  type: UrdfJointType;
  parent: string;
  child: string;
  origin: { xyz: Vec3; rpy: Vec3 };
  /** Unit axis in the joint frame; URDF's default is (1, 0, 0). */
  axis: Vec3;
  limit?: UrdfJointLimit;
}

export interface UrdfModel {
  name: string;
  links: string[];
  joints: UrdfJoint[];
}

function parseTriple(value: string | undefined, fallback: Vec3, what: string): Vec3 {
  if (value === undefined) return [...fallback];
  const parts = value.trim().split(/\s+/).filter((p) => p !== "");
  const nums = parts.map(Number);
  if (nums.length !== 3 || nums.some((n) => !Number.isFinite(n))) throw new UrdfError(`${what}: expected three numbers, got "${value}"`);
  return [nums[0]!, nums[1]!, nums[2]!];
}

function childElements(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

function linkAttribute(joint: XmlElement, tag: "parent" | "child", where: string): string {
  const els = childElements(joint, tag);
  if (els.length !== 1) throw new UrdfError(`${where}: needs exactly one <${tag} link="…"/>`);
  const link = els[0]!.attributes["link"];
  if (!link) throw new UrdfError(`${where}: <${tag}> has no link attribute`);
  return link;
}

function parseNumberAttr(el: XmlElement, name: string, fallback: number, where: string): number {
  const v = el.attributes[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n)) throw new UrdfError(`${where}: ${name}="${v}" is not a number`);
  return n;
}

export function parseUrdf(text: string, source = "robot.urdf"): UrdfModel {
  let root: XmlElement;
  try {
    root = parseXml(text, source);
  } catch (err) {
    throw new UrdfError((err as Error).message);
  }
  if (root.name !== "robot") throw new UrdfError(`${source}: root element is <${root.name}>, expected <robot>`);
  const links = childElements(root, "link").map((l, i) => {
    const name = l.attributes["name"];
    if (!name) throw new UrdfError(`${source}: link #${i + 1} has no name`);
    return name;
  });
  const joints = childElements(root, "joint").map((j, i): UrdfJoint => {
    const name = j.attributes["name"];
    const where = `${source}: joint ${name ?? `#${i + 1}`}`;
    if (!name) throw new UrdfError(`${where} has no name`);
    const type = j.attributes["type"];
    if (!type || !(URDF_JOINT_TYPES as readonly string[]).includes(type)) {
      throw new UrdfError(`${where}: type "${type ?? ""}" is not one of ${URDF_JOINT_TYPES.join(", ")}`);
    }
    // Only the joint's own <origin>: links nest <origin> inside <visual>/<collision>/<inertial>.
    const origins = childElements(j, "origin");
    if (origins.length > 1) throw new UrdfError(`${where}: more than one <origin>`);
    const origin = origins[0];
    const axisEl = childElements(j, "axis")[0];
    let axis = parseTriple(axisEl?.attributes["xyz"], [1, 0, 0], `${where} axis`);
    const axisNorm = Math.hypot(...axis);
    if (type !== "fixed" && type !== "floating" && !(axisNorm > 0)) throw new UrdfError(`${where}: axis must not be zero`);
    if (axisNorm > 0) axis = [axis[0] / axisNorm, axis[1] / axisNorm, axis[2] / axisNorm];
    const limitEl = childElements(j, "limit")[0];
    const joint: UrdfJoint = {
      name,
      type: type as UrdfJointType,
      parent: linkAttribute(j, "parent", where),
      child: linkAttribute(j, "child", where),
      origin: {
        xyz: parseTriple(origin?.attributes["xyz"], [0, 0, 0], `${where} origin xyz`),
        rpy: parseTriple(origin?.attributes["rpy"], [0, 0, 0], `${where} origin rpy`),
      },
      axis,
    };
    if (limitEl) {
      joint.limit = {
        lower: parseNumberAttr(limitEl, "lower", 0, `${where} limit`),
        upper: parseNumberAttr(limitEl, "upper", 0, `${where} limit`),
        effort: parseNumberAttr(limitEl, "effort", 0, `${where} limit`),
        velocity: parseNumberAttr(limitEl, "velocity", 0, `${where} limit`),
      };
    }
    return joint;
  });
  const seenChildren = new Map<string, string>();
  for (const j of joints) {
    const other = seenChildren.get(j.child);
    if (other) throw new UrdfError(`${source}: link ${j.child} is the child of both joint ${other} and joint ${j.name}`);
    seenChildren.set(j.child, j.name);
  }
  return { name: root.attributes["name"] ?? "", links, joints };
}

/** parent_T_child of a joint at zero position. */
export function jointOriginTransform(joint: UrdfJoint): RigidTransform {
  return transformFromXyzRpy(joint.origin.xyz, joint.origin.rpy);
}

/** The fixed joints as static transforms (parent link → child link). */
export function fixedTransformsFromUrdf(model: UrdfModel): StaticTransform[] {
  return model.joints
    .filter((j) => j.type === "fixed")
    .map((j) => ({ parent: j.parent, child: j.child, ...jointOriginTransform(j) }));
}

function fmt(n: number): string {
  return Object.is(n, -0) || Math.abs(n) < 1e-300 ? "0" : String(n);
}

/**
 * A URDF whose links are all frames of `transforms` and whose joints are fixed, named
 * `<parent>_to_<child>`. Numbers are written at full precision so reading back is exact up to
 * the rpy ↔ quaternion conversion.
 */
export function writeUrdf(robotName: string, transforms: readonly StaticTransform[]): string {
  const links = new Set<string>();
  for (const t of transforms) {
    links.add(t.parent);
    links.add(t.child);
  }
  const lines = ['<?xml version="1.0"?>', `<robot name="${escapeXmlAttribute(robotName)}">`];
  for (const link of [...links].sort()) lines.push(`  <link name="${escapeXmlAttribute(link)}"/>`);
  for (const t of transforms) {
    const { xyz, rpy } = transformToXyzRpy(t);
    lines.push(
      `  <joint name="${escapeXmlAttribute(`${t.parent}_to_${t.child}`)}" type="fixed">`,
      `    <parent link="${escapeXmlAttribute(t.parent)}"/>`,
      `    <child link="${escapeXmlAttribute(t.child)}"/>`,
      `    <origin xyz="${xyz.map(fmt).join(" ")}" rpy="${rpy.map(fmt).join(" ")}"/>`,
      "  </joint>",
    );
  }
  lines.push("</robot>", "");
  return lines.join("\n");
}
