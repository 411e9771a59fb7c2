// The simulator's hand-written CDR for its small, frequent messages must be byte-identical to what
// the generic codec makes from the message objects, for every such stream of the reference rig,
// over a whole demonstration (contacts, slips, both arms) — and decode back to the same values.
import { describe, expect, it } from "vitest";
import { createCodec, createDefaultRegistry } from "../../nodes/messages/index.ts";
import { loadRigProfile } from "../../nodes/rig/profile.ts";
import { ProducerFactory, type Capture } from "../../nodes/sim/rig/producers.ts";
import { createDemo } from "../../nodes/sim/world/index.ts";

const profile = loadRigProfile("launch/profiles/reference.yaml");
const FAST_KINDS = new Set(["imu", "joint_states", "leader_command", "wrench", "tactile", "tf"]);

describe("fast CDR of the rig's small messages", () => {
  it("equals the codec's bytes for every small stream over a demonstration", () => {
    const codec = createCodec(createDefaultRegistry());
    const demo = createDemo({ seed: 6, profile });
    const fast = new ProducerFactory(profile, true);
    const slow = new ProducerFactory(profile, false);
    const streams = profile.streams.filter((s) => FAST_KINDS.has(s.kind));
    expect(new Set(streams.map((s) => s.kind))).toEqual(FAST_KINDS);
    let compared = 0;
    for (const s of streams) {
      const f = fast.create(s);
      const g = slow.create(s);
      for (let t = 0; t < demo.duration; t += 0.37) {
        // stamps across a second boundary and with odd nanoseconds
        const capture = (): Capture => ({ stampNs: 1_767_225_600_000_000_000n + BigInt(Math.round(t * 1e9)) + 123n, index: 0, demo, t, scene: () => demo.sceneAt(t) });
        const bytes = f(capture());
        expect(bytes).toBeInstanceOf(Uint8Array);
        const reference = codec.encode(s.type, g(capture()) as Record<string, unknown>);
        expect(Buffer.from(bytes as Uint8Array).equals(Buffer.from(reference)), `${s.topic} at t=${t.toFixed(2)}`).toBe(true);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(300);
  });

  it("encodes images (rgb8 and 16UC1, any frame name length) as the codec does", async () => {
    const { imageCdr } = await import("../../nodes/sim/fast-cdr.ts");
    const { imageMessage } = await import("../../nodes/sim/ros-messages.ts");
    const codec = createCodec(createDefaultRegistry());
    for (const frame of ["", "a", "ab", "abc", "head_camera_color_optical_frame"]) {
      for (const [encoding, w, h] of [["rgb8", 5, 3], ["16UC1", 7, 2], ["rgb8", 640, 480]] as const) {
        const data = Uint8Array.from({ length: w * h * (encoding === "rgb8" ? 3 : 2) }, (_, i) => (i * 37 + w) & 0xff);
        const a = imageCdr(1_767_225_600_123_456_789n, frame, w, h, encoding, data);
        const b = codec.encode("sensor_msgs/msg/Image", imageMessage(1_767_225_600_123_456_789n, frame, w, h, encoding, data));
        expect(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b)), `${encoding} ${w}x${h} "${frame}"`).toBe(true);
      }
    }
  });

  it("handles non-ASCII frame names and empty sequences as the codec does", async () => {
    const { jointStateCdr, tactileArrayCdr } = await import("../../nodes/sim/fast-cdr.ts");
    const { jointStateMessage, tactileArrayMessage } = await import("../../nodes/sim/ros-messages.ts");
    const codec = createCodec(createDefaultRegistry());
    const joints = { names: ["ångström", "j2"], position: Float64Array.of(1.5, -2) };
    expect(Buffer.from(jointStateCdr(5n, joints)).equals(Buffer.from(codec.encode("sensor_msgs/msg/JointState", jointStateMessage(5n, joints))))).toBe(true);
    const frame = { rows: 0, cols: 3, pressure: new Float32Array(0), shearX: Float32Array.of(0.25), shearY: new Float32Array(0) };
    const a = tactileArrayCdr(7_000_000_001n, "pad·1", "x", frame);
    const b = codec.encode("teledemo_msgs/msg/TactileArray", tactileArrayMessage(7_000_000_001n, "pad·1", "x", frame));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });
});
