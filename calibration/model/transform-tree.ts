// A static frame tree (a forest, really: a rig may have frames whose parent is a moving joint
// that only /tf knows). Lookups follow tf2's convention: lookup(target, source) returns
// target_T_source, which maps points expressed in `source` into `target`.
import { composeTransforms, identityTransform, invertTransform, makeTransform, type RigidTransform } from "../math/rigid.ts";
import type { StaticTransform } from "./types.ts";

export class FrameTreeError extends Error {}

export class FrameLookupError extends Error {
  readonly target: string;
  readonly source: string;
  constructor(target: string, source: string, message: string) {
    super(message);
    this.target = target;
    this.source = source;
  }
}

export class TransformTree {
  private readonly edges = new Map<string, StaticTransform>();
  private readonly frameSet = new Set<string>();
  /** root_T_frame and the root, computed lazily per frame. */
  private readonly toRoot = new Map<string, { root: string; rootTframe: RigidTransform }>();

  constructor(transforms: readonly StaticTransform[]) {
    for (const t of transforms) {
      if (t.parent === "" || t.child === "") throw new FrameTreeError("a transform has an empty frame name");
      if (t.parent === t.child) throw new FrameTreeError(`transform ${t.parent} → ${t.child} links a frame to itself`);
      const existing = this.edges.get(t.child);
      if (existing) {
        throw new FrameTreeError(`frame ${t.child} has two parents: ${existing.parent} and ${t.parent}`);
      }
      this.edges.set(t.child, t);
      this.frameSet.add(t.parent);
      this.frameSet.add(t.child);
    }
    for (const frame of this.frameSet) this.resolve(frame);
  }

  get frames(): string[] {
    return [...this.frameSet].sort();
  }

  has(frame: string): boolean {
    return this.frameSet.has(frame);
  }

  parentOf(frame: string): string | undefined {
    return this.edges.get(frame)?.parent;
  }

  /** The frame at the top of `frame`'s tree. */
  rootOf(frame: string): string {
    return this.resolve(frame).root;
  }

  /** Frames without a parent. */
  get roots(): string[] {
    return this.frames.filter((f) => !this.edges.has(f));
  }

  /** Known frames that cannot be expressed in `root` (including all frames if root is unknown). */
  unreachableFrom(root: string): string[] {
    return this.frames.filter((f) => f !== root && (!this.has(root) || this.rootOf(f) !== this.rootOf(root)));
  }

  canTransform(target: string, source: string): boolean {
    if (target === source) return true;
    return this.has(target) && this.has(source) && this.rootOf(target) === this.rootOf(source);
  }

  /** target_T_source; throws FrameLookupError naming both frames and why they do not connect. */
  lookup(target: string, source: string): RigidTransform {
    if (target === source) return identityTransform();
    for (const f of [target, source]) {
      if (!this.has(f)) {
        const known = this.frames;
        throw new FrameLookupError(target, source, `cannot look up ${source} in ${target}: unknown frame "${f}" (known frames: ${known.length ? known.join(", ") : "none"})`);
      }
    }
    const t = this.resolve(target);
    const s = this.resolve(source);
    if (t.root !== s.root) {
      throw new FrameLookupError(
        target,
        source,
        `cannot look up ${source} in ${target}: ${target} hangs from ${t.root} and ${source} from ${s.root}, which no static transform connects`,
      );
    }
    return composeTransforms(invertTransform(t.rootTframe), s.rootTframe);
  }

  private resolve(frame: string): { root: string; rootTframe: RigidTransform } {
    const cached = this.toRoot.get(frame);
    if (cached) return cached;
    // Walk up collecting edges; a frame seen twice is a cycle.
    const chain: StaticTransform[] = [];
    const seen = new Set<string>([frame]);
    let current = frame;
    let base: { root: string; rootTframe: RigidTransform } | undefined;
    for (;;) {
      const known = this.toRoot.get(current);
      if (known && current !== frame) {
        base = known;
        break;
      }
      const edge = this.edges.get(current);
      if (!edge) {
        base = { root: current, rootTframe: identityTransform() };
        this.toRoot.set(current, base);
        break;
      }
      if (seen.has(edge.parent)) throw new FrameTreeError(`frames form a cycle through ${edge.parent}`);
      seen.add(edge.parent);
      chain.push(edge);
      current = edge.parent;
    }
    // Compose downwards from the resolved ancestor, caching every frame on the way.
    let acc = base;
    for (let i = chain.length - 1; i >= 0; i--) {
      const edge = chain[i]!;
      acc = { root: acc.root, rootTframe: composeTransforms(acc.rootTframe, makeTransform(edge.translation, edge.rotation)) };
      this.toRoot.set(edge.child, acc);
    }
    return acc;
  }
}
