// bench:codec — CDR encoding of a 640×480 rgb8 Image against the baseline of allocating and
// copying the same bytes, measured in the same run. Encoding should cost about a memcpy.
import { createCodec, createDefaultRegistry } from "../../nodes/messages/index.ts";

const codec = createCodec(createDefaultRegistry());
const data = new Uint8Array(640 * 480 * 3).map((_, i) => i & 0xff);
const image = { header: { stamp: { sec: 1, nanosec: 0 }, frame_id: "cam" }, height: 480, width: 640, encoding: "rgb8", is_bigendian: 0, step: 1920, data };

function msPerRun(work: () => void, runs = 500): number {
  for (let i = 0; i < 100; i++) work();
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) work();
  return Number(process.hrtime.bigint() - start) / runs / 1e6;
}

const encodeMs = msPerRun(() => codec.encode("sensor_msgs/msg/Image", image));
const copyMs = msPerRun(() => new Uint8Array(data.length + 64).set(data));
const encoded = codec.encode("sensor_msgs/msg/Image", image);
const decodeMs = msPerRun(() => codec.decode("sensor_msgs/msg/Image", encoded));
console.log(`bench:codec Image 640x480 rgb8: encode ${encodeMs.toFixed(3)} ms, decode ${decodeMs.toFixed(3)} ms, alloc+memcpy baseline ${copyMs.toFixed(3)} ms`);
console.log(`  encode / memcpy = ${(encodeMs / copyMs).toFixed(2)}×`);
