import { LocalRuntime } from "../../nodes/runtime/local/index.ts";
import { runtimeContract } from "./contract.ts";

runtimeContract(
  "in-process runtime",
  async ({ codec, log, serviceCallTimeoutMs }) => new LocalRuntime({ codec, log, serviceCallTimeoutMs }),
  { crossTopicPublishOrder: true },
);
