// A transform tree at one instant, built from tf2_msgs/TFMessage (/tf, /tf_static) and
// foxglove.FrameTransforms (/calibration/transforms) messages. Each edge stores parent_T_child;
// lookups compose through the common root. Static edges are set once; dynamic ones are replaced
// on every update so the tree always shows one instant.
import { composeTransforms, identityTransform, invertTransform, makeTransform, type RigidTransform } from "../../../../calibration/math/rigid.ts";
import type { DataSource } from "../contract.ts";
import { arr, obj, str, xyz, xyzw, type Obj } from "./values.ts";

export interface TfEdge {
  parent: string;
  child: string;
  /** parent_T_child */
  transform: RigidTransform;
}

/** Edges of a TFMessage or a foxglove.FrameTransforms value (both carry `transforms`). */
export function edgesOf(value: Obj): TfEdge[] {
  const out: TfEdge[] = [];
  for (const item of arr(value["transforms"]) ?? []) {
    const t = obj(item);
    if (!t) continue;
    // ROS: header.frame_id + child_frame_id + transform.{translation,rotation}
    // foxglove: parent_frame_id + child_frame_id + translation + rotation
    const parent = str(obj(t["header"])?.["frame_id"]) ?? str(t["parent_frame_id"]);
    const child = str(t["child_frame_id"]);
    const body = obj(t["transform"]) ?? t;
    const tr = xyz(body["translation"]) ?? [0, 0, 0];
    const rot = xyzw(body["rotation"]) ?? [0, 0, 0, 1];
    if (!parent || !child || parent === child) continue;
    if (![...tr, ...rot].every(Number.isFinite) || Math.hypot(...rot) < 1e-9) continue;
    out.push({ parent, child, transform: makeTransform(tr, rot) });
  }
  return out;
}

export class TfTree {
  private readonly staticEdges = new Map<string, TfEdge>();
  private dynamicEdges = new Map<string, TfEdge>();

  addStatic(edges: Iterable<TfEdge>): void {
    for (const e of edges) this.staticEdges.set(e.child, e);
  }

  setDynamic(edges: Iterable<TfEdge>): void {
    this.dynamicEdges = new Map();
    for (const e of edges) this.dynamicEdges.set(e.child, e);
  }

  private edge(child: string): TfEdge | undefined {
    return this.dynamicEdges.get(child) ?? this.staticEdges.get(child);
  }

  frames(): string[] {
    const s = new Set<string>();
    for (const m of [this.staticEdges, this.dynamicEdges]) for (const e of m.values()) s.add(e.parent).add(e.child);
    return [...s].sort();
  }

  /** root_T_frame and the root's name (cycles are cut after 64 hops). */
  private toRoot(frame: string): { root: string; transform: RigidTransform } {
    let transform = identityTransform();
    let cur = frame;
    for (let hops = 0; hops < 64; hops++) {
      const e = this.edge(cur);
      if (!e) break;
      transform = composeTransforms(e.transform, transform);
      cur = e.parent;
    }
    return { root: cur, transform };
  }

  /** target_T_source, or undefined when the frames are not connected. */
  lookup(target: string, source: string): RigidTransform | undefined {
    if (target === source) return identityTransform();
    const a = this.toRoot(target);
    const b = this.toRoot(source);
    if (a.root !== b.root) return undefined;
    return composeTransforms(invertTransform(a.transform), b.transform);
  }

  /** The fixed frame to draw in: the preferred one if known, else the root with the most frames below it. */
  fixedFrame(preferred: readonly string[] = ["base_link", "world", "map", "odom"]): string | undefined {
    const frames = this.frames();
    for (const p of preferred) if (frames.includes(p)) return p;
    const count = new Map<string, number>();
    for (const f of frames) {
      const r = this.toRoot(f).root;
      count.set(r, (count.get(r) ?? 0) + 1);
    }
    let best: string | undefined;
    for (const [r, n] of count) if (best === undefined || n > (count.get(best) ?? 0)) best = r;
    return best;
  }
}

/** Topics that carry transforms, by schema. */
export function tfTopics(streams: ReadonlyArray<{ topic: string; type: string }>): { dynamic: string[]; static: string[] } {
  const dynamic: string[] = [];
  const stat: string[] = [];
  for (const s of streams) {
    if (s.type === "tf2_msgs/msg/TFMessage" || s.type === "tf2_msgs/TFMessage") (s.topic.endsWith("tf_static") ? stat : dynamic).push(s.topic);
    else if (s.type === "foxglove.FrameTransforms" || s.type === "foxglove.FrameTransform") stat.push(s.topic);
  }
  return { dynamic, static: stat };
}

/** How far back dynamic transforms are gathered: /tf messages may each carry only some frames. */
const TF_LOOKBACK_NS = 1_000_000_000n;

/**
 * The tree at time t: every static edge, then dynamic edges from the last second up to t (the
 * latest per child wins). Recorded calibration transforms (foxglove) go in before /tf_static so
 * the robot's own static TF wins where both name the same child.
 */
export function tfAt(data: DataSource, topics: { dynamic: string[]; static: string[] }, tNs: bigint): TfTree {
  const tree = new TfTree();
  const ordered = [...topics.static].sort((a, b) => Number(a.endsWith("tf_static")) - Number(b.endsWith("tf_static")));
  for (const topic of ordered) for (const m of data.all(topic)) tree.addStatic(edgesOf(m.value));
  const latest = new Map<string, TfEdge>();
  for (const topic of topics.dynamic) {
    let msgs = data.range(topic, tNs - TF_LOOKBACK_NS, tNs);
    if (msgs.length === 0) {
      const m = data.latest(topic, tNs);
      msgs = m ? [m] : [];
    }
    for (const m of msgs) for (const e of edgesOf(m.value)) latest.set(e.child, e);
  }
  tree.setDynamic(latest.values());
  return tree;
}
