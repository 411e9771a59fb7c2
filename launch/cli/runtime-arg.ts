// --runtime auto|ros|local: builds the message registry and codec, then the runtime they feed.
import { createCodec, createDefaultRegistry, type MessageCodec, type MessageRegistry } from "../../nodes/messages/index.ts";
import type { Runtime } from "../../nodes/runtime/api.ts";
import { createRuntime, parseRuntimeChoice } from "../../nodes/runtime/select.ts";
import { type CommandContext, UsageError } from "./command.ts";

export interface OpenedRuntime {
  runtime: Runtime;
  registry: MessageRegistry;
  codec: MessageCodec;
}

export async function openRuntime(choice: string, ctx: Pick<CommandContext, "stderr">): Promise<OpenedRuntime> {
  let runtimeChoice;
  try {
    runtimeChoice = parseRuntimeChoice(choice);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  // On a robot the installed definitions win, so schema texts match what `ros2 bag record` writes there.
  const registry = createDefaultRegistry({ amentPrefixPath: process.env.AMENT_PREFIX_PATH });
  const codec = createCodec(registry);
  const runtime = await createRuntime({ runtime: runtimeChoice, codec, log: (line) => ctx.stderr(`${line}\n`) });
  return { runtime, registry, codec };
}
