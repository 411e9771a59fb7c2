// One panel per image topic: the nearest image at t drawn 1:1 into a canvas (ImageData), and on
// request the LiDAR cloud projected into it through the camera's intrinsics (CameraInfo of the
// same camera, else the recorded foxglove.CameraCalibration of its frame) and the lidar→optical
// transform from TF, coloured by depth. Redraws only when the image, the cloud or a toggle changes.
import type { DecodedMessage, Panel, PanelContext, PanelFactory } from "./contract.ts";
import { intrinsicsOf, projectCloud, type CameraIntrinsics, type ProjectedPoints } from "./util/camera-model.ts";
import { TURBO_LUT } from "./util/colormap.ts";
import { el, panelRoot, toggle, toolbar } from "./util/dom.ts";
import { imageToRgba } from "./util/image.ts";
import { parsePointCloud2 } from "./util/pointcloud.ts";
import { PanelSettings } from "./util/settings.ts";
import { tfAt, tfTopics } from "./util/tf.ts";
import { streamsOf, topicsOf } from "./util/topics.ts";
import { frameIdOf } from "./util/values.ts";

/** Where the projected points were drawn, for tests and the status line. */
export interface ProjectionResult {
  cloudTopic: string;
  imageFrame: string;
  points: ProjectedPoints;
  /** Colour scale of the dots (metres). */
  depthRange: [number, number];
}

export interface CameraDrawState {
  imageTNs: bigint | null;
  width: number;
  height: number;
  encoding: string;
  error: string | null;
  projection: ProjectionResult | null;
  /** Why no projection was drawn while the toggle is on. */
  projectionProblem: string | null;
}

/** The camera_info topic of an image topic: a sibling camera_info, else one with the same frame. */
function infoTopicFor(imageTopic: string, infoTopics: readonly string[]): string | undefined {
  const dir = imageTopic.slice(0, imageTopic.lastIndexOf("/"));
  return infoTopics.find((t) => t === `${dir}/camera_info`) ?? infoTopics.find((t) => t.slice(0, t.lastIndexOf("/")) === dir);
}

export class CameraPanel implements Panel {
  readonly id: string;
  readonly title: string;
  readonly element: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly ctx2d: CanvasRenderingContext2D | null;
  private readonly settings: PanelSettings;
  private readonly info: HTMLElement;
  private readonly tf: { dynamic: string[]; static: string[] };
  private lastImage: DecodedMessage | undefined;
  private lastCloud: DecodedMessage | undefined;
  private lastProjecting = false;
  private state: CameraDrawState = { imageTNs: null, width: 0, height: 0, encoding: "", error: null, projection: null, projectionProblem: null };
  private readonly unsubscribe: () => void;
  private lastT: bigint | null = null;

  constructor(
    private readonly ctx: PanelContext,
    private readonly imageTopic: string,
    private readonly infoTopic: string | undefined,
    private readonly calibrationTopics: readonly string[],
    private readonly cloudTopic: string | undefined,
  ) {
    this.id = `camera:${imageTopic}`;
    this.title = imageTopic;
    this.settings = new PanelSettings(ctx, this.id);
    this.tf = tfTopics(ctx.episode.streams);
    this.element = panelRoot();
    const bar = toolbar();
    if (cloudTopic) {
      bar.append(
        toggle("LiDAR projection", this.settings.bool("project", false), (v) => {
          this.settings.set("project", v);
          this.redraw();
        }),
      );
    }
    this.info = el("span", { marginLeft: "auto", opacity: "0.7", fontSize: "11px" });
    bar.append(this.info);
    this.canvas = el("canvas", { flex: "1 1 auto", minHeight: "0", width: "100%", objectFit: "contain", imageRendering: "pixelated", background: "#000", display: "block" });
    this.canvas.dataset["topic"] = imageTopic;
    this.canvas.width = 1;
    this.canvas.height = 1;
    this.ctx2d = this.canvas.getContext("2d", { willReadFrequently: true });
    this.element.append(bar, this.canvas);
    this.unsubscribe = ctx.data.onData(() => this.redraw());
  }

  topics(): readonly string[] {
    const t = [this.imageTopic];
    if (this.infoTopic) t.push(this.infoTopic);
    if (this.projecting() && this.cloudTopic) t.push(this.cloudTopic, ...this.tf.dynamic, ...this.tf.static, ...this.calibrationTopics);
    return t;
  }

  projecting(): boolean {
    return !!this.cloudTopic && this.settings.bool("project", false);
  }

  drawState(): CameraDrawState {
    return this.state;
  }

  render(tNs: bigint): void {
    this.lastT = tNs;
    const img = this.ctx.data.latest(this.imageTopic, tNs);
    const projecting = this.projecting();
    const cloud = projecting && this.cloudTopic ? this.ctx.data.latest(this.cloudTopic, tNs) : undefined;
    if (img === this.lastImage && cloud === this.lastCloud && projecting === this.lastProjecting) return;
    this.lastImage = img;
    this.lastCloud = cloud;
    this.lastProjecting = projecting;
    this.draw(tNs, img, cloud);
  }

  private redraw(): void {
    this.lastImage = undefined;
    this.lastProjecting = !this.projecting();
    if (this.lastT !== null) this.render(this.lastT);
  }

  private intrinsics(imageFrame: string, tNs: bigint): CameraIntrinsics | undefined {
    if (this.infoTopic) {
      const m = this.ctx.data.latest(this.infoTopic, tNs) ?? this.ctx.data.all(this.infoTopic)[0];
      const k = m ? intrinsicsOf(m.value) : undefined;
      if (k) return k;
    }
    for (const topic of this.calibrationTopics) {
      for (const m of this.ctx.data.all(topic)) {
        const k = intrinsicsOf(m.value);
        if (k && (k.frameId === imageFrame || this.calibrationTopics.length === 1)) return k;
      }
    }
    return undefined;
  }

  private draw(tNs: bigint, img: DecodedMessage | undefined, cloudMsg: DecodedMessage | undefined): void {
    const g = this.ctx2d;
    if (!g) return;
    if (!img) {
      this.state = { imageTNs: null, width: 0, height: 0, encoding: "", error: null, projection: null, projectionProblem: null };
      g.clearRect(0, 0, this.canvas.width, this.canvas.height);
      this.info.textContent = "no image yet";
      return;
    }
    const rgba = imageToRgba(img.value);
    if ("error" in rgba) {
      this.state = { imageTNs: img.tNs, width: 0, height: 0, encoding: "", error: rgba.error, projection: null, projectionProblem: null };
      this.info.textContent = rgba.error;
      return;
    }
    if (this.canvas.width !== rgba.width || this.canvas.height !== rgba.height) {
      this.canvas.width = rgba.width;
      this.canvas.height = rgba.height;
    }
    g.putImageData(new ImageData(rgba.rgba, rgba.width, rgba.height), 0, 0);
    let projection: ProjectionResult | null = null;
    let problem: string | null = null;
    if (this.projecting()) {
      const r = this.project(tNs, img, cloudMsg, rgba.width, rgba.height);
      if ("problem" in r) problem = r.problem;
      else {
        projection = r;
        this.drawPoints(g, r);
      }
    }
    this.state = { imageTNs: img.tNs, width: rgba.width, height: rgba.height, encoding: rgba.encoding, error: null, projection, projectionProblem: problem };
    const depth = rgba.depthRange ? ` · depth ${rgba.depthRange[0].toFixed(2)}–${rgba.depthRange[1].toFixed(2)} m` : "";
    const proj = projection ? ` · ${projection.points.count} LiDAR pts` : problem ? ` · ${problem}` : "";
    this.info.textContent = `${rgba.width}×${rgba.height} ${rgba.encoding}${depth}${proj}`;
  }

  private project(tNs: bigint, img: DecodedMessage, cloudMsg: DecodedMessage | undefined, width: number, height: number): ProjectionResult | { problem: string } {
    if (!cloudMsg || !this.cloudTopic) return { problem: "no LiDAR scan yet" };
    const imageFrame = frameIdOf(img.value) ?? "";
    const cam = this.intrinsics(imageFrame, tNs);
    if (!cam) return { problem: "no calibration for this camera" };
    const cloud = parsePointCloud2(cloudMsg.value);
    if (!cloud) return { problem: "unreadable point cloud" };
    const frame = imageFrame || cam.frameId;
    const tree = tfAt(this.ctx.data, this.tf, tNs);
    const camTlidar = tree.lookup(frame, cloud.frameId);
    if (!camTlidar) return { problem: `no transform ${cloud.frameId} → ${frame}` };
    // calibration sized for another resolution (binning): scale K to the image
    const sx = cam.width > 0 ? width / cam.width : 1;
    const sy = cam.height > 0 ? height / cam.height : 1;
    const K = sx === 1 && sy === 1 ? cam.K : [cam.K[0]! * sx, cam.K[1]! * sx, cam.K[2]! * sx, cam.K[3]!, cam.K[4]! * sy, cam.K[5]! * sy, 0, 0, 1];
    const points = projectCloud(cloud.positions, camTlidar, { ...cam, K }, width, height);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < points.count; i++) {
      const d = points.depth[i]!;
      if (d < lo) lo = d;
      if (d > hi) hi = d;
    }
    return { cloudTopic: this.cloudTopic, imageFrame: frame, points, depthRange: points.count ? [lo, hi] : [0, 0] };
  }

  private drawPoints(g: CanvasRenderingContext2D, r: ProjectionResult): void {
    const [lo, hi] = r.depthRange;
    const span = hi > lo ? hi - lo : 1;
    const size = Math.max(2, Math.round(this.canvas.width / 200));
    const half = size / 2;
    for (let i = 0; i < r.points.count; i++) {
      const k = Math.round(((r.points.depth[i]! - lo) / span) * 255) * 3;
      g.fillStyle = `rgb(${TURBO_LUT[k]},${TURBO_LUT[k + 1]},${TURBO_LUT[k + 2]})`;
      g.fillRect(Math.round(r.points.uv[i * 2]! - half), Math.round(r.points.uv[i * 2 + 1]! - half), size, size);
    }
  }

  resize(): void {
    // the canvas keeps the image's resolution; CSS scales it (object-fit: contain)
  }

  dispose(): void {
    this.unsubscribe();
  }
}

export const cameraFactory: PanelFactory = (ctx) => {
  const images = topicsOf(ctx.episode, "image");
  if (images.length === 0) return null;
  const infos = topicsOf(ctx.episode, "cameraInfo");
  const calibrations = streamsOf(ctx.episode, "cameraCalibration").map((s) => s.topic);
  const cloud = topicsOf(ctx.episode, "pointCloud")[0];
  return images.map((topic) => {
    const info = infoTopicFor(topic, infos);
    // recorded calibrations (foxglove.CameraCalibration) are matched to the image by frame_id
    return new CameraPanel(ctx, topic, info, calibrations, cloud);
  });
};
