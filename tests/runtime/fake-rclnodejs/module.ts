// The fake rclnodejs as a loadable module: TELEDEMO_RCLNODEJS=<this file> makes `--runtime ros`
// (nodes/runtime/select.ts → rclnodejs/load.ts) load it in place of the real rclnodejs, so a test
// drives the CLI's own ROS code path. Messages are CDR through the default registry, as rclnodejs
// would serialize them with its generated classes. A test that imports this module gets the same
// instance as the CLI (ESM module cache) and can inspect the graph through `fakeContext()`.
import { createCodec, createDefaultRegistry } from "../../../nodes/messages/index.ts";
import type { MessageCodec } from "../../../nodes/runtime/codec.ts";
import type { RosMessage } from "../../../nodes/runtime/api.ts";
import { createFakeRclnodejs, type FakeRclnodejs } from "./index.ts";

/** Every type the fake deserialized (rclnodejs does so only for non-raw subscriptions). */
export const decodedTypes = new Map<string, number>();

function countingCodec(inner: MessageCodec): MessageCodec {
  return {
    encode: (type: string, message: RosMessage) => inner.encode(type, message),
    decode: (type: string, bytes: Uint8Array) => {
      decodedTypes.set(type, (decodedTypes.get(type) ?? 0) + 1);
      return inner.decode(type, bytes);
    },
  };
}

let current: FakeRclnodejs = createFakeRclnodejs(countingCodec(createCodec(createDefaultRegistry())));

/** A fresh module state (rclnodejs can be initialized once per process; tests run several). */
export function renewFakeRclnodejs(): FakeRclnodejs {
  decodedTypes.clear();
  current = createFakeRclnodejs(countingCodec(createCodec(createDefaultRegistry())));
  return current;
}

export function currentFakeRclnodejs(): FakeRclnodejs {
  return current;
}

// A live binding: the loader reads `default` at import time of each `--runtime ros` start.
export { current as default };
