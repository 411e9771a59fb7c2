import { RclnodejsRuntime } from "../../nodes/runtime/rclnodejs/index.ts";
import { runtimeContract } from "./contract.ts";
import { createFakeRclnodejs } from "./fake-rclnodejs/index.ts";

runtimeContract(
  "rclnodejs adapter over the fake rclnodejs",
  async ({ codec, log, serviceCallTimeoutMs }) =>
    RclnodejsRuntime.create({ rclnodejs: createFakeRclnodejs(codec), log, serviceCallTimeoutMs }),
  // rclnodejs's executor takes one message per ready subscription per pass, in subscription order.
  { crossTopicPublishOrder: false },
);
