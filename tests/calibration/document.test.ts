import { describe, expect, it } from "vitest";
import {
  CalibrationFormatError,
  calibrationFromDocument,
  calibrationToDocument,
  parseCalibration,
  serializeCalibrationJson,
  serializeCalibrationYaml,
} from "../../calibration/model/document.ts";
import { sampleCalibration } from "./support/sample.ts";

describe("calibration document", () => {
  it("round-trips through canonical JSON and YAML", () => {
    const cal = sampleCalibration();
    const json = serializeCalibrationJson(cal);
    const yaml = serializeCalibrationYaml(cal);
    const fromJson = parseCalibration(json, "cal.json");
    const fromYaml = parseCalibration(yaml, "cal.yaml");
    expect(serializeCalibrationJson(fromJson)).toBe(json);
    expect(serializeCalibrationJson(fromYaml)).toBe(json);
    expect(fromJson.timeOffsetsNs["big"]).toBe(9_223_372_036_854_775_807n);
    expect(fromYaml.timeOffsetsNs["imu"]).toBe(-14_100_123n);
    expect(yaml).toContain("K: [ 388.5, 0, 321.2, 0, 388.1, 238.7, 0, 0, 1 ]");
  });

  it("is canonical: order and quaternion sign do not change the bytes", () => {
    const a = sampleCalibration();
    const b = sampleCalibration();
    b.cameras.reverse();
    b.extrinsics.reverse();
    b.timeOffsetsNs = Object.fromEntries(Object.entries(b.timeOffsetsNs).reverse());
    const flipped = b.extrinsics.find((e) => e.child === "wrist_optical")!;
    for (let i = 0; i < 4; i++) flipped.rotation[i] = -flipped.rotation[i]!;
    expect(serializeCalibrationJson(b)).toBe(serializeCalibrationJson(a));
    const doc = calibrationToDocument(a);
    expect(doc.schema).toBe("teledemo/calibration");
    expect(doc.schema_version).toBe(1);
    expect(doc.cameras.map((c) => c.name)).toEqual(["head", "wrist"]);
    expect(doc.extrinsics.find((e) => e.child === "wrist_optical")!.rotation[3]).toBeGreaterThan(0);
  });

  it("names the file and field of invalid documents", () => {
    const doc = JSON.parse(serializeCalibrationJson(sampleCalibration())) as { cameras: { K: number[] }[]; schema_version: number };
    doc.cameras[0]!.K = [1, 2, 3];
    expect(() => calibrationFromDocument(doc, "bad.json")).toThrow(CalibrationFormatError);
    expect(() => calibrationFromDocument(doc, "bad.json")).toThrow(/bad\.json: cameras\.0\.K/);
    expect(() => parseCalibration("{ schema: teledemo/calibration, schema_version: 2 }", "v2.yaml")).toThrow(/v2\.yaml: schema_version/);
    expect(() => parseCalibration("a: [", "broken.yaml")).toThrow(/broken\.yaml: not valid/);
  });
});
