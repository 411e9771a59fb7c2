// The 3D view: the scene in the rig's fixed frame (REP 103, z up) with the LiDAR cloud, TF axes,
// the arms posed by forward kinematics of the URDF from /joint_states, force arrows at the wrists
// and contact markers on tactile pads. One three.js object per thing on screen; objects are
// updated in place. Rendering is on demand (time, data or view changed) because software WebGL
// is slow: one frame per animation frame at most, none while nothing changes.
import * as THREE from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";
import type { RigidTransform } from "../../../calibration/math/rigid.ts";
import { composeTransforms } from "../../../calibration/math/rigid.ts";
import type { DecodedMessage, Panel, PanelContext, PanelFactory } from "./contract.ts";
import { TURBO_LUT } from "./util/colormap.ts";
import { el, fitCanvas, panelRoot, toggle, toolbar } from "./util/dom.ts";
import { Kinematics, jointPositions } from "./util/kinematics.ts";
import { parsePointCloud2, type Cloud } from "./util/pointcloud.ts";
import { PanelSettings } from "./util/settings.ts";
import { tactileTotal } from "./util/tactile-values.ts";
import { tfAt, tfTopics, type TfTree } from "./util/tf.ts";
import { measuredJointTopic, topicsOf } from "./util/topics.ts";
import { arr, frameIdOf, nums, obj, str, strings, xyz } from "./util/values.ts";

/** Σ pressure (kPa·taxel) above which a pad counts as in contact. */
export const DEFAULT_CONTACT_THRESHOLD = 40;
/** Force arrow length per newton (m/N), capped. */
const ARROW_M_PER_N = 0.01;
const ARROW_MAX_M = 0.4;

export interface LinkPose {
  link: string;
  /** fixed_T_link */
  transform: RigidTransform;
}

export interface SceneStats {
  t: bigint;
  fixedFrame: string;
  points: number;
  frames: number;
  links: number;
  arrows: number;
  contacts: string[];
  renders: number;
}

function setPose(obj3: THREE.Object3D, t: RigidTransform): void {
  obj3.position.set(t.translation[0]!, t.translation[1]!, t.translation[2]!);
  obj3.quaternion.set(t.rotation[0]!, t.rotation[1]!, t.rotation[2]!, t.rotation[3]!);
}

export class Scene3DPanel implements Panel {
  readonly id = "3d";
  readonly title = "3D view";
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private renderer: THREE.WebGLRenderer | null = null;
  private readonly scene = new THREE.Scene();
  private readonly camera = new THREE.PerspectiveCamera(50, 1, 0.01, 100);
  private controls: OrbitControls | null = null;
  private readonly settings: PanelSettings;
  private readonly tfTopicSet: { dynamic: string[]; static: string[] };
  private readonly cloudTopic: string | undefined;
  private readonly jointTopic: string | undefined;
  private readonly wrenchTopics: string[];
  private readonly tactileTopics: string[];
  private readonly kinematics: Kinematics | null;
  private readonly status: HTMLElement;

  private readonly cloudPoints: THREE.Points;
  private readonly axesGroup = new THREE.Group();
  private readonly armGroup = new THREE.Group();
  private readonly arrowGroup = new THREE.Group();
  private readonly contactGroup = new THREE.Group();
  private readonly axes = new Map<string, THREE.AxesHelper>();
  private readonly segments = new Map<string, THREE.Mesh>();
  private readonly joints = new Map<string, THREE.Mesh>();
  private readonly arrows = new Map<string, THREE.ArrowHelper>();
  private readonly contacts = new Map<string, THREE.Mesh>();

  private readonly linkMaterial = new THREE.MeshStandardMaterial({ color: 0xb0b8c4, metalness: 0.2, roughness: 0.6 });
  private readonly jointMaterial = new THREE.MeshStandardMaterial({ color: 0x3d7dd8 });
  private lastCloud: DecodedMessage | undefined;
  private lastColorMode = "";
  private pendingT: bigint | null = null;
  private frameRequested = false;
  private disposed = false;
  private linkPoseCache: LinkPose[] = [];
  private stats: SceneStats = { t: 0n, fixedFrame: "", points: 0, frames: 0, links: 0, arrows: 0, contacts: [], renders: 0 };
  private readonly unsubscribe: () => void;

  constructor(private readonly ctx: PanelContext) {
    this.settings = new PanelSettings(ctx, this.id);
    const ep = ctx.episode;
    this.tfTopicSet = tfTopics(ep.streams);
    this.cloudTopic = topicsOf(ep, "pointCloud")[0];
    this.jointTopic = measuredJointTopic(ep);
    this.wrenchTopics = topicsOf(ep, "wrench");
    this.tactileTopics = topicsOf(ep, "tactile");
    let kin: Kinematics | null = null;
    if (ep.urdf && this.jointTopic) {
      try {
        kin = new Kinematics(ep.urdf);
        // a URDF of fixed frames only (extrinsics) cannot pose the arms: /tf does
        if (kin.movingJoints().length === 0) kin = null;
      } catch {
        kin = null; // a URDF we cannot read: the arms are drawn from TF instead
      }
    }
    this.kinematics = kin;

    this.element = panelRoot();
    const bar = toolbar();
    const opt = (name: string, label: string, fallback: boolean) =>
      bar.append(
        toggle(label, this.settings.bool(name, fallback), (v) => {
          this.settings.set(name, v);
          this.applyVisibility();
          this.invalidate();
        }),
      );
    if (this.cloudTopic) {
      opt("cloud", "cloud", true);
      const sel = el("select", { fontSize: "12px", marginRight: "10px" });
      for (const m of ["intensity", "height"]) {
        const o = el("option", {}, `colour: ${m}`);
        o.value = m;
        sel.append(o);
      }
      sel.value = this.settings.string("colorBy", "intensity");
      sel.addEventListener("change", () => {
        this.settings.set("colorBy", sel.value);
        this.invalidate();
      });
      bar.append(sel);
    }
    opt("tf", "TF axes", true);
    opt("arms", "arms", true);
    if (this.wrenchTopics.length) opt("forces", "forces", true);
    if (this.tactileTopics.length) opt("contacts", "contacts", true);
    this.status = el("span", { marginLeft: "auto", opacity: "0.7", fontSize: "11px" });
    bar.append(this.status);
    this.canvas = el("canvas", { flex: "1 1 auto", width: "100%", minHeight: "0", display: "block" });
    this.canvas.dataset["panel"] = this.id;
    this.element.append(bar, this.canvas);

    this.scene.background = new THREE.Color(0x1b1e23);
    this.scene.add(new THREE.AmbientLight(0xffffff, 0.7));
    const sun = new THREE.DirectionalLight(0xffffff, 1.6);
    sun.position.set(1, -1, 2);
    this.scene.add(sun);
    const grid = new THREE.GridHelper(2, 20, 0x555555, 0x333333);
    grid.rotation.x = Math.PI / 2; // GridHelper lies in XZ; the fixed frame is z-up
    this.scene.add(grid);
    this.cloudPoints = new THREE.Points(new THREE.BufferGeometry(), new THREE.PointsMaterial({ size: 3, sizeAttenuation: false, vertexColors: true }));
    this.cloudPoints.frustumCulled = false;
    this.scene.add(this.cloudPoints, this.axesGroup, this.armGroup, this.arrowGroup, this.contactGroup);
    this.camera.up.set(0, 0, 1);
    this.camera.position.set(1.6, -1.4, 1.3);
    this.camera.lookAt(0.3, 0, 0.3);
    this.applyVisibility();
    this.unsubscribe = ctx.data.onData(() => this.invalidate());
  }

  /** Whether the episode has anything this view draws. */
  static hasData(ctx: PanelContext): boolean {
    const tf = tfTopics(ctx.episode.streams);
    return topicsOf(ctx.episode, "pointCloud").length > 0 || tf.dynamic.length + tf.static.length > 0 || (!!ctx.episode.urdf && !!measuredJointTopic(ctx.episode));
  }

  topics(): readonly string[] {
    const t = [...this.tfTopicSet.dynamic, ...this.tfTopicSet.static, ...this.wrenchTopics, ...this.tactileTopics];
    if (this.cloudTopic) t.push(this.cloudTopic);
    if (this.jointTopic) t.push(this.jointTopic);
    return t;
  }

  /** Poses of the arm links as last drawn (fixed frame), for tests and tooltips. */
  linkPoses(): readonly LinkPose[] {
    return this.linkPoseCache;
  }

  lastStats(): SceneStats {
    return { ...this.stats, contacts: [...this.stats.contacts] };
  }

  render(tNs: bigint): void {
    this.pendingT = tNs;
    this.invalidate();
  }

  private invalidate(): void {
    if (this.frameRequested || this.disposed) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      if (this.disposed) return;
      this.draw();
    });
  }

  private ensureRenderer(): THREE.WebGLRenderer | null {
    if (this.renderer) return this.renderer;
    try {
      // preserveDrawingBuffer: screenshots and pixel reads see the last frame
      this.renderer = new THREE.WebGLRenderer({ canvas: this.canvas, antialias: false, preserveDrawingBuffer: true });
    } catch (err) {
      this.status.textContent = `WebGL unavailable: ${err instanceof Error ? err.message : String(err)}`;
      return null;
    }
    this.controls = new OrbitControls(this.camera, this.canvas);
    this.controls.target.set(0.3, 0, 0.3);
    this.controls.addEventListener("change", () => this.invalidate());
    this.controls.update();
    return this.renderer;
  }

  private draw(): void {
    const renderer = this.ensureRenderer();
    if (this.pendingT !== null) this.update(this.pendingT);
    if (!renderer) return;
    this.resizeRenderer(renderer);
    renderer.render(this.scene, this.camera);
    this.stats.renders++;
  }

  private resizeRenderer(renderer: THREE.WebGLRenderer): void {
    if (fitCanvas(this.canvas, 100, 80)) {
      renderer.setSize(this.canvas.width, this.canvas.height, false);
      this.camera.aspect = this.canvas.width / this.canvas.height;
      this.camera.updateProjectionMatrix();
    }
  }

  private applyVisibility(): void {
    this.cloudPoints.visible = this.settings.bool("cloud", true);
    this.axesGroup.visible = this.settings.bool("tf", true);
    this.armGroup.visible = this.settings.bool("arms", true);
    this.arrowGroup.visible = this.settings.bool("forces", true);
    this.contactGroup.visible = this.settings.bool("contacts", true);
  }

  private update(t: bigint): void {
    const tree = tfAt(this.ctx.data, this.tfTopicSet, t);
    const urdfRoot = this.kinematics?.root;
    const fixed = tree.fixedFrame(urdfRoot ? [urdfRoot, "base_link", "world", "map", "odom"] : undefined) ?? urdfRoot ?? "base_link";
    this.stats = { ...this.stats, t, fixedFrame: fixed };
    this.updateCloud(tree, fixed, t);
    this.updateAxes(tree, fixed);
    this.updateArms(tree, fixed, t);
    this.updateArrows(tree, fixed, t);
    this.updateContacts(tree, fixed, t);
    this.status.textContent = `${fixed} · ${this.stats.points} pts · ${this.stats.frames} frames${this.stats.contacts.length ? ` · contact: ${this.stats.contacts.join(", ")}` : ""}`;
  }

  private updateCloud(tree: TfTree, fixed: string, t: bigint): void {
    if (!this.cloudTopic) return;
    const msg = this.ctx.data.latest(this.cloudTopic, t);
    const mode = this.settings.string("colorBy", "intensity");
    if (!msg) {
      this.cloudPoints.visible = false;
      this.stats.points = 0;
      return;
    }
    this.cloudPoints.visible = this.settings.bool("cloud", true);
    if (msg !== this.lastCloud || mode !== this.lastColorMode) {
      const cloud = parsePointCloud2(msg.value);
      this.lastCloud = msg;
      this.lastColorMode = mode;
      this.setCloudGeometry(cloud, mode);
    }
    const pose = tree.lookup(fixed, frameIdOf(msg.value) ?? fixed);
    if (pose) setPose(this.cloudPoints, pose);
    else this.cloudPoints.visible = false;
  }

  private setCloudGeometry(cloud: Cloud | undefined, mode: string): void {
    const geom = new THREE.BufferGeometry();
    const n = cloud?.count ?? 0;
    this.stats.points = n;
    if (cloud && n > 0) {
      geom.setAttribute("position", new THREE.BufferAttribute(cloud.positions, 3));
      const colors = new Float32Array(n * 3);
      const scalar = mode === "intensity" && cloud.intensity ? cloud.intensity : null;
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < n; i++) {
        const v = scalar ? scalar[i]! : cloud.positions[i * 3 + 2]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      const span = hi > lo ? hi - lo : 1;
      for (let i = 0; i < n; i++) {
        const v = scalar ? scalar[i]! : cloud.positions[i * 3 + 2]!;
        const k = Math.round(((v - lo) / span) * 255) * 3;
        colors[i * 3] = TURBO_LUT[k]! / 255;
        colors[i * 3 + 1] = TURBO_LUT[k + 1]! / 255;
        colors[i * 3 + 2] = TURBO_LUT[k + 2]! / 255;
      }
      geom.setAttribute("color", new THREE.BufferAttribute(colors, 3));
    }
    this.cloudPoints.geometry.dispose();
    this.cloudPoints.geometry = geom;
  }

  private updateAxes(tree: TfTree, fixed: string): void {
    const seen = new Set<string>();
    for (const f of tree.frames()) {
      const pose = tree.lookup(fixed, f);
      if (!pose) continue;
      let ax = this.axes.get(f);
      if (!ax) {
        ax = new THREE.AxesHelper(0.06);
        ax.name = `tf:${f}`;
        this.axes.set(f, ax);
        this.axesGroup.add(ax);
      }
      setPose(ax, pose);
      ax.visible = true;
      seen.add(f);
    }
    for (const [f, ax] of this.axes) if (!seen.has(f)) ax.visible = false;
    this.stats.frames = seen.size;
  }

  /** Link poses in the fixed frame: URDF forward kinematics when available, else the TF tree. */
  private linkPosesAt(tree: TfTree, fixed: string, t: bigint): { poses: Map<string, RigidTransform>; edges: Array<[string, string]> } {
    const poses = new Map<string, RigidTransform>();
    const edges: Array<[string, string]> = [];
    if (this.kinematics && this.jointTopic) {
      const js = this.ctx.data.latest(this.jointTopic, t);
      const q = jointPositions(strings(js?.value["name"]), nums(js?.value["position"]));
      const fk = this.kinematics.forward(q);
      const base = tree.lookup(fixed, this.kinematics.root);
      const fixedTroot = base ?? fk.get(this.kinematics.root)!;
      for (const [link, p] of fk) poses.set(link, composeTransforms(fixedTroot, p));
      const articulated = new Set<string>();
      for (const j of this.kinematics.joints) {
        if (j.type !== "fixed" || articulated.has(j.parent)) articulated.add(j.child);
        if (articulated.has(j.child)) edges.push([j.parent, j.child]);
      }
      return { poses, edges };
    }
    // no URDF: draw the frames that /tf moves and their parents
    for (const topic of this.tfTopicSet.dynamic) {
      const m = this.ctx.data.latest(topic, t);
      for (const item of arr(m?.value["transforms"]) ?? []) {
        const o = obj(item);
        const parent = str(obj(o?.["header"])?.["frame_id"]) ?? "";
        const child = str(o?.["child_frame_id"]) ?? "";
        if (!parent || !child) continue;
        for (const f of [parent, child]) {
          const p = tree.lookup(fixed, f);
          if (p) poses.set(f, p);
        }
        edges.push([parent, child]);
      }
    }
    return { poses, edges };
  }

  private updateArms(tree: TfTree, fixed: string, t: bigint): void {
    const { poses, edges } = this.linkPosesAt(tree, fixed, t);
    const linkMat = this.linkMaterial;
    const jointMat = this.jointMaterial;
    const seen = new Set<string>();
    const poseList: LinkPose[] = [];
    for (const [parent, child] of edges) {
      const a = poses.get(parent);
      const b = poses.get(child);
      if (!a || !b) continue;
      const key = `${parent}>${child}`;
      seen.add(key);
      const pa = new THREE.Vector3(a.translation[0]!, a.translation[1]!, a.translation[2]!);
      const pb = new THREE.Vector3(b.translation[0]!, b.translation[1]!, b.translation[2]!);
      const len = pa.distanceTo(pb);
      let seg = this.segments.get(key);
      if (!seg) {
        seg = new THREE.Mesh(new THREE.CylinderGeometry(0.022, 0.022, 1, 10), linkMat);
        seg.name = `link:${child}`;
        this.segments.set(key, seg);
        this.armGroup.add(seg);
      }
      seg.visible = len > 1e-3;
      if (seg.visible) {
        // the cylinder's axis is +y: scale it to the segment and turn y onto parent→child
        seg.position.copy(pa).add(pb).multiplyScalar(0.5);
        seg.scale.set(1, len, 1);
        seg.quaternion.setFromUnitVectors(new THREE.Vector3(0, 1, 0), pb.clone().sub(pa).normalize());
      }
      let jm = this.joints.get(child);
      if (!jm) {
        jm = new THREE.Mesh(new THREE.SphereGeometry(0.03, 12, 8), jointMat);
        jm.name = `joint:${child}`;
        this.joints.set(child, jm);
        this.armGroup.add(jm);
      }
      setPose(jm, b);
      jm.visible = true;
      poseList.push({ link: child, transform: b });
    }
    for (const [k, seg] of this.segments) if (!seen.has(k)) seg.visible = false;
    const drawn = new Set(poseList.map((p) => p.link));
    for (const [k, jm] of this.joints) if (!drawn.has(k)) jm.visible = false;
    this.linkPoseCache = poseList;
    this.stats.links = poseList.length;
  }

  private updateArrows(tree: TfTree, fixed: string, t: bigint): void {
    let n = 0;
    for (const topic of this.wrenchTopics) {
      const m = this.ctx.data.latest(topic, t);
      const force = xyz(obj(m?.value["wrench"])?.["force"]);
      const frame = m ? frameIdOf(m.value) : undefined;
      const pose = frame ? tree.lookup(fixed, frame) : undefined;
      let arrow = this.arrows.get(topic);
      if (!arrow) {
        arrow = new THREE.ArrowHelper(new THREE.Vector3(0, 0, 1), new THREE.Vector3(), 0.1, 0xff5533, 0.03, 0.02);
        arrow.name = `force:${topic}`;
        this.arrows.set(topic, arrow);
        this.arrowGroup.add(arrow);
      }
      const mag = force ? Math.hypot(...force) : 0;
      if (!force || !pose || mag < 1e-6) {
        arrow.visible = false;
        continue;
      }
      // the force is in the sensor frame: rotate it into the fixed frame
      const dir = new THREE.Vector3(...force).applyQuaternion(new THREE.Quaternion(pose.rotation[0]!, pose.rotation[1]!, pose.rotation[2]!, pose.rotation[3]!)).normalize();
      arrow.position.set(pose.translation[0]!, pose.translation[1]!, pose.translation[2]!);
      arrow.setDirection(dir);
      const len = Math.min(ARROW_MAX_M, Math.max(0.02, mag * ARROW_M_PER_N));
      arrow.setLength(len, Math.min(0.04, len * 0.3), Math.min(0.025, len * 0.2));
      arrow.visible = true;
      n++;
    }
    this.stats.arrows = n;
  }

  private updateContacts(tree: TfTree, fixed: string, t: bigint): void {
    const threshold = this.settings.number("contactThreshold", DEFAULT_CONTACT_THRESHOLD);
    const inContact: string[] = [];
    for (const topic of this.tactileTopics) {
      const m = this.ctx.data.latest(topic, t);
      const frame = m ? frameIdOf(m.value) : undefined;
      const pose = frame ? tree.lookup(fixed, frame) : undefined;
      let marker = this.contacts.get(topic);
      if (!marker) {
        marker = new THREE.Mesh(new THREE.BoxGeometry(0.02, 0.02, 0.006), new THREE.MeshStandardMaterial({ color: 0x777777 }));
        marker.name = `pad:${topic}`;
        this.contacts.set(topic, marker);
        this.contactGroup.add(marker);
      }
      if (!m || !pose) {
        marker.visible = false;
        continue;
      }
      const total = tactileTotal(m.value);
      const contact = total > threshold;
      setPose(marker, pose);
      marker.visible = true;
      marker.scale.setScalar(contact ? 1.6 : 1);
      (marker.material as THREE.MeshStandardMaterial).color.set(contact ? 0xff2d2d : 0x777777);
      if (contact) inContact.push(topic);
    }
    this.stats.contacts = inContact;
  }

  resize(): void {
    this.invalidate();
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
    this.controls?.dispose();
    this.scene.traverse((o) => {
      if (o instanceof THREE.Mesh || o instanceof THREE.Points || o instanceof THREE.LineSegments) {
        o.geometry.dispose();
        const mats = Array.isArray(o.material) ? o.material : [o.material];
        for (const m of mats) (m as THREE.Material).dispose();
      }
    });
    this.renderer?.dispose();
    this.renderer = null;
  }
}

export const scene3dFactory: PanelFactory = (ctx) => (Scene3DPanel.hasData(ctx) ? [new Scene3DPanel(ctx)] : null);

