import { describe, expect, it } from "vitest";
import { loadRigProfile, parseRigProfile, simClockFor } from "../../nodes/rig/profile.ts";

const ref = () => loadRigProfile("launch/profiles/reference.yaml");

describe("rig profiles", () => {
  it("the reference profile states the issue's streams at their rates", () => {
    const p = ref();
    const rate = (topic: string) => p.streams.find((s) => s.topic === topic)?.rate_hz;
    expect(rate("/head_camera/color/image_raw")).toBe(30);
    expect(rate("/lidar/points")).toBe(10);
    expect(rate("/imu/data")).toBe(400);
    expect(rate("/joint_states")).toBe(500);
    expect(rate("/left_wrist/ft")).toBe(1000);
    expect(p.streams.filter((s) => s.kind === "tactile")).toHaveLength(4);
    expect(p.streams.filter((s) => s.kind === "color_image")).toHaveLength(3);
    expect(p.lidar).toMatchObject({ rings: 32, columns: 1024 });
  });

  it("the small profile has every modality of the reference profile", () => {
    const small = loadRigProfile("launch/profiles/small.yaml");
    const kinds = (p: typeof small) => [...new Set(p.streams.map((s) => s.kind))].sort();
    expect(kinds(small)).toEqual(kinds(ref()));
  });

  it("sensor clocks overlay the profile default", () => {
    const c = simClockFor(ref(), "imu");
    expect(c.drift_ppm).toBe(-95);
    expect(c.offset_ms).toBe(14.1);
    const unknown = simClockFor(ref(), "no_such_sensor");
    expect(unknown.latency_ms).toBe(0.5);
  });

  it("reports every problem with its path in the file", () => {
    expect(() => parseRigProfile("name: x\nrobot: {model: m, hardware_revision: r}\npivot_topic: /a\nstreams: [{topic: a, type: bad, kind: imu, rate_hz: -1, sensor: s}]\n", "bad.yaml")).toThrow(
      /bad\.yaml: invalid rig profile:[\s\S]*streams\.0\.topic[\s\S]*streams\.0\.type[\s\S]*streams\.0\.rate_hz/,
    );
    expect(() => parseRigProfile("a: [", "broken.yaml")).toThrow(/broken\.yaml: not valid YAML/);
    expect(() => loadRigProfile("/no/such/profile.yaml")).toThrow(/cannot read rig profile \/no\/such\/profile\.yaml: ENOENT/);
  });

  it("rejects a pivot topic that is not a stream, and cameras the profile lacks", () => {
    const base = "name: x\nrobot: {model: m, hardware_revision: r}\n";
    expect(() => parseRigProfile(`${base}pivot_topic: /b\nstreams: [{topic: /a, type: sensor_msgs/msg/Imu, kind: imu, rate_hz: 1, sensor: s}]\n`, "p.yaml")).toThrow(
      /pivot_topic \/b is not one of the profile's streams/,
    );
    expect(() =>
      parseRigProfile(`${base}pivot_topic: /a\nstreams: [{topic: /a, type: sensor_msgs/msg/Image, kind: color_image, rate_hz: 1, sensor: s, source: cam}]\n`, "p.yaml"),
    ).toThrow(/names camera "cam", which the profile does not define/);
  });
});
