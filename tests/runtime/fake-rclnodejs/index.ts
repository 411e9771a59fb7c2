// A fake of the rclnodejs module (2.2.0 behaviour, in process), so the adapter can be driven
// through the same contract suite as the in-process runtime on a machine without ROS 2.
// Messages are serialized with an injected codec where rclnodejs would use its generated classes.
import type { MessageCodec } from "../../../nodes/runtime/codec.ts";
import type { RclNodeOptions } from "../../../nodes/runtime/rclnodejs/surface.ts";
import { FakeContext } from "./context.ts";
import { FakeNode } from "./node.ts";
import { NodeOptions, Parameter, ParameterDescriptor, ParameterType, QoS } from "./values.ts";

export function createFakeRclnodejs(codec: MessageCodec) {
  const context = new FakeContext(codec);
  class Node extends FakeNode {
    constructor(nodeName: string, namespace?: string, ctx?: undefined, options?: RclNodeOptions) {
      super(context, nodeName, namespace, ctx, options);
    }
  }
  return {
    async init(): Promise<void> {
      if (context.initialized) throw new Error("The context has already been initialized.");
      context.initialized = true;
    },
    shutdown(): void {
      if (context.shutDown) throw new Error("The context has already been shut down.");
      for (const node of [...context.nodes]) node.destroy();
      context.shutDown = true;
    },
    isShutdown(): boolean {
      return context.shutDown;
    },
    Node,
    NodeOptions,
    QoS,
    Parameter,
    ParameterDescriptor,
    ParameterType,
    /** Not rclnodejs: the fake's graph, for tests to inspect what the adapter created. */
    fakeContext: context,
  };
}

export type FakeRclnodejs = ReturnType<typeof createFakeRclnodejs>;
