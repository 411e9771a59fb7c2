// Shared read-back helpers of the export tests: h5dump (Debian hdf5-tools, an HDF5 reader
// independent of the h5wasm writer) and hyparquet.
import { execFileSync } from "node:child_process";
import { asyncBufferFromFile, parquetReadObjects } from "hyparquet";

/** All numbers of a dataset, full precision, via h5dump. */
export function h5numbers(file: string, dataset: string): number[] {
  const out = execFileSync("h5dump", ["-m", "%.17g", "-y", "-w", "0", "-d", dataset, file], { encoding: "utf8", maxBuffer: 1 << 28 });
  const data = out.slice(out.indexOf("DATA {") + 6, out.lastIndexOf("}"));
  return data
    .split(/[\s,]+/)
    .filter((s) => s !== "" && s !== "}")
    .map(Number);
}

export function h5shape(file: string, dataset: string): number[] {
  const out = execFileSync("h5dump", ["-H", "-d", dataset, file], { encoding: "utf8" });
  const m = /DATASPACE\s+SIMPLE \{ \( ([\d, ]+) \)/.exec(out);
  if (!m) throw new Error(`no dataspace for ${dataset}: ${out}`);
  return m[1]!.split(",").map((s) => Number(s.trim()));
}

export function h5strings(file: string, attribute: string): string[] {
  const out = execFileSync("h5dump", ["-a", attribute, file], { encoding: "utf8" });
  return [...out.slice(out.indexOf("DATA {")).matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
}

export type ParquetRow = Record<string, unknown>;

/** Every row of a parquet file as objects. */
export async function parquetRows(path: string): Promise<ParquetRow[]> {
  return (await parquetReadObjects({ file: await asyncBufferFromFile(path) })) as ParquetRow[];
}
