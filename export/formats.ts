// Format → DatasetWriter. The LeRobot writer (export/lerobot, written in parallel) is imported
// by name at run time so the HDF5 formats work in a checkout without it.
import type { DatasetWriter } from "./model.ts";
import { AlohaWriter } from "./hdf5/aloha.ts";
import { RobomimicWriter } from "./hdf5/robomimic.ts";

export const FORMATS = ["lerobot", "hdf5", "robomimic"] as const;
export type ExportFormat = (typeof FORMATS)[number];

export interface WriterOptions {
  /** gzip level of HDF5 image datasets (0 = none). */
  gzipLevel: number;
  /** robomimic: fraction of demos in mask/valid. */
  validRatio: number;
}

const LEROBOT_MODULE = "./lerobot/index.ts";

export async function createWriter(format: ExportFormat, options: WriterOptions): Promise<DatasetWriter> {
  switch (format) {
    case "hdf5":
      return new AlohaWriter({ gzipLevel: options.gzipLevel });
    case "robomimic":
      return new RobomimicWriter({ gzipLevel: options.gzipLevel, validRatio: options.validRatio });
    case "lerobot": {
      let mod: { createLerobotWriter?: () => DatasetWriter | Promise<DatasetWriter> };
      try {
        mod = (await import(LEROBOT_MODULE)) as typeof mod;
      } catch (err) {
        throw new Error(`the LeRobot writer (export/lerobot) is not available in this checkout: ${(err as Error).message}`);
      }
      if (typeof mod.createLerobotWriter !== "function") throw new Error("export/lerobot/index.ts does not export createLerobotWriter()");
      return await mod.createLerobotWriter();
    }
  }
}
