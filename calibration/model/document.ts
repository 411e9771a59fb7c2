// The on-disk form of a RigCalibration: a schema-versioned, canonical JSON/YAML document.
// Canonical means equal calibrations serialise to identical bytes (sorted cameras, extrinsics
// and offsets; normalised quaternions with w ≥ 0; fixed key order), so files diff cleanly and
// can be hashed.
import { parse as parseYaml, Document, visit } from "yaml";
import { z } from "zod";
import { quatCanonical } from "../math/so3.ts";
import { makeTransform } from "../math/rigid.ts";
import { DISTORTION_MODELS, type RigCalibration } from "./types.ts";

export const CALIBRATION_SCHEMA = "teledemo/calibration";
export const CALIBRATION_SCHEMA_VERSION = 1;

export class CalibrationFormatError extends Error {}

const finite = z.number().refine(Number.isFinite, "must be a finite number");
const fixedArray = (n: number) => z.array(finite).length(n);
const nanoseconds = z.union([
  z.string().regex(/^-?\d+$/, "an integer number of nanoseconds"),
  z.number().int().refine(Number.isSafeInteger, "integers beyond 2^53 must be written as strings"),
]);

const cameraDocSchema = z
  .object({
    name: z.string().min(1),
    frame: z.string().min(1),
    width: z.number().int().nonnegative(),
    height: z.number().int().nonnegative(),
    distortion_model: z.enum(DISTORTION_MODELS),
    K: fixedArray(9),
    D: z.array(finite),
    R: fixedArray(9),
    P: fixedArray(12),
  })
  .strict();

const extrinsicDocSchema = z
  .object({
    parent: z.string().min(1),
    child: z.string().min(1),
    translation: fixedArray(3),
    /** [x, y, z, w]. */
    rotation: fixedArray(4).refine((q) => Math.hypot(...q) > 1e-9, "quaternion must not be zero"),
  })
  .strict();

const provenanceDocSchema = z
  .object({
    id: z.string(),
    created: z.string().refine((s) => !Number.isNaN(Date.parse(s)), "an ISO-8601 time"),
    method: z.string(),
    who: z.string().default(""),
    residuals: z.record(z.string(), finite).default({}),
    source_files: z.array(z.string()).default([]),
  })
  .strict();

export const calibrationDocumentSchema = z
  .object({
    schema: z.literal(CALIBRATION_SCHEMA),
    schema_version: z.literal(CALIBRATION_SCHEMA_VERSION),
    root_frame: z.string().min(1).default("base_link"),
    provenance: provenanceDocSchema,
    cameras: z.array(cameraDocSchema).default([]),
    extrinsics: z.array(extrinsicDocSchema).default([]),
    time_offsets_ns: z.record(z.string(), nanoseconds).default({}),
  })
  .strict();

export type CalibrationDocument = z.output<typeof calibrationDocumentSchema>;

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function calibrationToDocument(cal: RigCalibration): CalibrationDocument {
  return {
    schema: CALIBRATION_SCHEMA,
    schema_version: CALIBRATION_SCHEMA_VERSION,
    root_frame: cal.rootFrame,
    provenance: {
      id: cal.provenance.id,
      created: cal.provenance.created,
      method: cal.provenance.method,
      who: cal.provenance.who,
      residuals: Object.fromEntries(Object.entries(cal.provenance.residuals).sort(([a], [b]) => byName(a, b))),
      source_files: [...cal.provenance.sourceFiles],
    },
    cameras: [...cal.cameras]
      .sort((a, b) => byName(a.name, b.name))
      .map((c) => ({
        name: c.name,
        frame: c.frame,
        width: c.width,
        height: c.height,
        distortion_model: c.distortionModel,
        K: [...c.K],
        D: [...c.D],
        R: [...c.R],
        P: [...c.P],
      })),
    extrinsics: [...cal.extrinsics]
      .sort((a, b) => byName(a.child, b.child) || byName(a.parent, b.parent))
      .map((e) => ({
        parent: e.parent,
        child: e.child,
        translation: [e.translation[0]!, e.translation[1]!, e.translation[2]!],
        rotation: quatCanonical(e.rotation),
      })),
    time_offsets_ns: Object.fromEntries(
      Object.entries(cal.timeOffsetsNs)
        .sort(([a], [b]) => byName(a, b))
        .map(([k, v]) => [k, v.toString()]),
    ),
  };
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(document)"}: ${i.message}`).join("; ");
}

/** Validates an already parsed document (e.g. from JSON.parse) and builds the model. */
export function calibrationFromDocument(raw: unknown, source = "calibration"): RigCalibration {
  const parsed = calibrationDocumentSchema.safeParse(raw);
  if (!parsed.success) throw new CalibrationFormatError(`${source}: ${describeIssues(parsed.error)}`);
  const doc = parsed.data;
  return {
    rootFrame: doc.root_frame,
    provenance: {
      id: doc.provenance.id,
      created: doc.provenance.created,
      method: doc.provenance.method,
      who: doc.provenance.who,
      residuals: { ...doc.provenance.residuals },
      sourceFiles: [...doc.provenance.source_files],
    },
    cameras: doc.cameras.map((c) => ({
      name: c.name,
      frame: c.frame,
      width: c.width,
      height: c.height,
      distortionModel: c.distortion_model,
      K: [...c.K],
      D: [...c.D],
      R: [...c.R],
      P: [...c.P],
    })),
    extrinsics: doc.extrinsics.map((e) => ({ parent: e.parent, child: e.child, ...makeTransform(e.translation, e.rotation) })),
    timeOffsetsNs: Object.fromEntries(Object.entries(doc.time_offsets_ns).map(([k, v]) => [k, BigInt(v)])),
  };
}

export function serializeCalibrationJson(cal: RigCalibration): string {
  return `${JSON.stringify(calibrationToDocument(cal), null, 2)}\n`;
}

export function serializeCalibrationYaml(cal: RigCalibration): string {
  const doc = new Document(calibrationToDocument(cal));
  // Number lists (K, D, translation…) read best on one line, as in ost.yaml.
  visit(doc, {
    Seq(_key, node) {
      if (node.items.every((item) => typeof (item as { value?: unknown }).value === "number")) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0 });
}

/** Parses JSON or YAML text (JSON is valid YAML) and validates it. */
export function parseCalibration(text: string, source = "calibration"): RigCalibration {
  let raw: unknown;
  try {
    raw = parseYaml(text, { intAsBigInt: false });
  } catch (err) {
    throw new CalibrationFormatError(`${source}: not valid JSON/YAML: ${(err as Error).message}`);
  }
  return calibrationFromDocument(raw, source);
}

