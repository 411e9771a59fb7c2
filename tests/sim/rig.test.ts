import { beforeAll, describe, expect, it } from "vitest";
import { captureRig, EPOCH_NS, type RigCapture, stampNs } from "./rig-harness.ts";

describe("simulated reference rig, 10 s of sim time", () => {
  let cap: RigCapture;
  beforeAll(async () => {
    cap = await captureRig({ profile: "reference", seed: 3, durationS: 10 });
  }, 600_000);

  it("publishes every stream within ±1% of its rate", () => {
    for (const s of cap.profile.streams) {
      const got = cap.messages.get(s.topic) ?? [];
      if (s.rate_hz === 0) {
        expect(got.length, s.topic).toBe(1);
        continue;
      }
      const first = got[0]!.receivedNs;
      const last = got[got.length - 1]!.receivedNs;
      const rate = (got.length - 1) / (Number(last - first) / 1e9);
      expect(Math.abs(rate / s.rate_hz - 1), `${s.topic}: ${rate.toFixed(2)} Hz vs ${s.rate_hz} Hz`).toBeLessThanOrEqual(0.01);
    }
  });

  it("delivers real ROS messages: images of the configured size, clouds of 32×1024 points", () => {
    const img = cap.codec.decode("sensor_msgs/msg/Image", cap.messages.get("/head_camera/color/image_raw")![5]!.bytes);
    expect(img).toMatchObject({ width: 640, height: 480, encoding: "rgb8", step: 1920 });
    expect((img.data as Uint8Array).length).toBe(640 * 480 * 3);
    const depth = cap.codec.decode("sensor_msgs/msg/Image", cap.messages.get("/head_camera/depth/image_raw")![5]!.bytes);
    expect(depth).toMatchObject({ encoding: "16UC1", step: 1280 });
    const cloud = cap.codec.decode("sensor_msgs/msg/PointCloud2", cap.messages.get("/lidar/points")![2]!.bytes);
    expect(cloud).toMatchObject({ height: 32, width: 1024, point_step: 24 });
    expect((cloud.fields as Array<{ name: string }>).map((f) => f.name)).toEqual(["x", "y", "z", "intensity", "ring", "t"]);
    const tactile = cap.codec.decode("teledemo_msgs/msg/TactileArray", cap.messages.get("/tactile/right_gripper/left_pad")![0]!.bytes);
    expect(tactile).toMatchObject({ rows: 16, cols: 16 });
    expect((tactile.pressure as Float32Array).length).toBe(256);
    const js = cap.codec.decode("sensor_msgs/msg/JointState", cap.messages.get("/joint_states")![0]!.bytes);
    expect((js.name as string[]).length).toBe(16);
  });

  it("latches /tf_static with every extrinsic of the profile", () => {
    const tf = cap.codec.decode("tf2_msgs/msg/TFMessage", cap.messages.get("/tf_static")![0]!.bytes);
    const children = (tf.transforms as Array<{ child_frame_id: string }>).map((t) => t.child_frame_id).sort();
    expect(children).toEqual(cap.profile.static_frames.map((f) => f.child).sort());
  });

  it("header stamps show each sensor's configured offset and drift against receive times", () => {
    for (const [topic, sensor] of [
      ["/left_wrist/ft", "left_ft"],
      ["/right_wrist/ft", "right_ft"],
      ["/imu/data", "imu"],
    ] as const) {
      const truth = cap.truth.clocks[sensor]!;
      const pairs = cap.messages.get(topic)!.map((m) => {
        const stamp = stampNs(cap.codec.decode(cap.profile.streams.find((s) => s.topic === topic)!.type, m.bytes));
        return { stampRel: Number(stamp - EPOCH_NS), recvRel: Number(m.receivedNs - EPOCH_NS) };
      });
      // stamp − receive = offset + drift·t − latency, and latency ≥ its fixed part: the upper
      // envelope over a window is the clock error at that window's time.
      const envelope = (from: number, to: number) => {
        const w = pairs.filter((p) => p.recvRel >= from && p.recvRel < to);
        let best = -Infinity;
        let at = 0;
        for (const p of w) {
          const v = p.stampRel - p.recvRel + truth.latencyMs * 1e6;
          if (v > best) {
            best = v;
            at = p.recvRel;
          }
        }
        return { value: best, at };
      };
      const early = envelope(0, 2e9);
      const late = envelope(8e9, 10e9);
      const offsetAt = (e: { value: number; at: number }) => e.value - truth.driftPpm * 1e-6 * e.at;
      expect(Math.abs(offsetAt(early) - truth.offsetNs) / 1e6, `${topic} offset (ms)`).toBeLessThan(0.3);
      const driftPpm = ((late.value - early.value) / (late.at - early.at)) * 1e6;
      expect(Math.abs(driftPpm - truth.driftPpm), `${topic} drift ${driftPpm.toFixed(1)} ppm vs ${truth.driftPpm}`).toBeLessThan(5);
    }
  });

  it("is deterministic for a seed", async () => {
    const again = await captureRig({ profile: "reference", seed: 3, durationS: 1, topics: (t) => t.includes("ft") || t.includes("tactile") });
    for (const [topic, list] of again.messages) {
      const original = cap.messages.get(topic)!.slice(0, list.length);
      expect(list.map((m) => Buffer.from(m.bytes).toString("base64")), topic).toEqual(original.map((m) => Buffer.from(m.bytes).toString("base64")));
    }
  });
});
