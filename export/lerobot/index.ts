// The LeRobot v3.0 writer's entry point (export/formats.ts imports this by name).
import type { DatasetWriter } from "../model.ts";
import { LeRobotWriter, type LeRobotWriterOptions } from "./writer.ts";

export { LeRobotWriter, type LeRobotWriterOptions } from "./writer.ts";
export { selfCheckLeRobot, SelfCheckError } from "./selfcheck.ts";

export function createLerobotWriter(options: LeRobotWriterOptions = {}): DatasetWriter {
  return new LeRobotWriter(options);
}
