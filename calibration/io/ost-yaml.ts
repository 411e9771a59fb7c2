// The ROS camera_calibration YAML ("ost.yaml") as camera_calibration_parsers reads it for
// camera_info_manager: image_width/height, camera_matrix, rectification_matrix and
// projection_matrix are required with exactly 3×3, 3×3, 3×4 shapes; distortion_coefficients
// holds rows×cols values; a missing distortion_model means plumb_bob (with a warning); a missing
// camera_name reads as "unknown".
import { parse as parseYaml } from "yaml";
import { DISTORTION_MODELS, type CameraModel, type DistortionModel } from "../model/types.ts";

export class OstYamlError extends Error {}

export interface OstYamlReadResult {
  /** camera_name from the file, "unknown" when absent (as camera_calibration_parsers does). */
  cameraName: string;
  camera: CameraModel;
  /** Non-fatal oddities, e.g. a defaulted distortion model. */
  warnings: string[];
}

export interface OstYamlReadOptions {
  /** Names the file in errors. */
  source?: string;
  /** Optical frame for the model (ost.yaml has none); defaults to the camera name. */
  frame?: string;
  /** Overrides the model's name; defaults to camera_name. */
  name?: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function readInt(doc: Record<string, unknown>, key: string, source: string): number {
  const v = doc[key];
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new OstYamlError(`${source}: ${key} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return v;
}

function readMatrix(doc: Record<string, unknown>, key: string, source: string, shape?: [number, number]): number[] {
  const node = doc[key];
  if (!isRecord(node)) throw new OstYamlError(`${source}: ${key} is missing or not a {rows, cols, data} mapping`);
  const rows = node["rows"];
  const cols = node["cols"];
  if (typeof rows !== "number" || !Number.isInteger(rows) || rows < 0) throw new OstYamlError(`${source}: ${key}.rows must be an integer`);
  if (typeof cols !== "number" || !Number.isInteger(cols) || cols < 0) throw new OstYamlError(`${source}: ${key}.cols must be an integer`);
  if (shape && (rows !== shape[0] || cols !== shape[1])) {
    throw new OstYamlError(`${source}: ${key} must be ${shape[0]}×${shape[1]}, file says ${rows}×${cols}`);
  }
  const data = node["data"];
  if (!Array.isArray(data)) throw new OstYamlError(`${source}: ${key}.data must be a list`);
  if (data.length < rows * cols) throw new OstYamlError(`${source}: ${key}.data has ${data.length} values, ${rows}×${cols} needs ${rows * cols}`);
  return data.slice(0, rows * cols).map((v: unknown, i) => {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new OstYamlError(`${source}: ${key}.data[${i}] is not a finite number`);
    return v;
  });
}

export function readOstYaml(text: string, options: OstYamlReadOptions = {}): OstYamlReadResult {
  const source = options.source ?? "ost.yaml";
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new OstYamlError(`${source}: not valid YAML: ${(err as Error).message}`);
  }
  if (!isRecord(doc)) throw new OstYamlError(`${source}: expected a mapping at the top level`);
  const warnings: string[] = [];
  const rawName = doc["camera_name"];
  const cameraName = rawName === undefined || rawName === null ? "unknown" : String(rawName);
  const width = readInt(doc, "image_width", source);
  const height = readInt(doc, "image_height", source);
  const K = readMatrix(doc, "camera_matrix", source, [3, 3]);
  const R = readMatrix(doc, "rectification_matrix", source, [3, 3]);
  const P = readMatrix(doc, "projection_matrix", source, [3, 4]);
  let model: DistortionModel;
  const rawModel = doc["distortion_model"];
  if (rawModel === undefined || rawModel === null) {
    model = "plumb_bob";
    warnings.push(`${source}: no distortion_model; assuming plumb_bob as camera_calibration_parsers does`);
  } else if (typeof rawModel === "string" && (DISTORTION_MODELS as readonly string[]).includes(rawModel)) {
    model = rawModel as DistortionModel;
  } else {
    throw new OstYamlError(`${source}: unsupported distortion_model ${JSON.stringify(rawModel)} (expected one of ${DISTORTION_MODELS.join(", ")})`);
  }
  const D = readMatrix(doc, "distortion_coefficients", source);
  return {
    cameraName,
    warnings,
    camera: { name: options.name ?? cameraName, frame: options.frame ?? cameraName, width, height, distortionModel: model, K, D, R, P },
  };
}

function formatNumber(v: number): string {
  if (!Number.isFinite(v)) throw new OstYamlError(`cannot write non-finite value ${v} to ost.yaml`);
  // String() is the shortest text that parses back to the same double: round trips are exact.
  return Object.is(v, -0) ? "0" : String(v);
}

function formatScalarString(s: string): string {
  return /^[A-Za-z_][A-Za-z0-9_./-]*$/.test(s) && !/^(true|false|null|yes|no|on|off|~)$/i.test(s) ? s : JSON.stringify(s);
}

function matrixBlock(key: string, rows: number, cols: number, data: readonly number[]): string {
  return `${key}:\n  rows: ${rows}\n  cols: ${cols}\n  data: [${data.map(formatNumber).join(", ")}]\n`;
}

/** Writes the layout camera_calibration_parsers emits; `cameraName` defaults to the model name. */
export function writeOstYaml(camera: CameraModel, cameraName: string = camera.name): string {
  if (camera.K.length !== 9 || camera.R.length !== 9 || camera.P.length !== 12) {
    throw new OstYamlError(`camera ${camera.name}: K, R, P must have 9, 9, 12 values`);
  }
  return (
    `image_width: ${camera.width}\n` +
    `image_height: ${camera.height}\n` +
    `camera_name: ${formatScalarString(cameraName)}\n` +
    matrixBlock("camera_matrix", 3, 3, camera.K) +
    `distortion_model: ${camera.distortionModel}\n` +
    matrixBlock("distortion_coefficients", 1, camera.D.length, camera.D) +
    matrixBlock("rectification_matrix", 3, 3, camera.R) +
    matrixBlock("projection_matrix", 3, 4, camera.P)
  );
}
