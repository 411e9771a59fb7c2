// Parquet for the LeRobot layout through hyparquet-writer: explicit schemas in pyarrow's shapes
// (LIST → repeated group "list" → "element", as pyarrow writes HF `datasets` List/Array2D), the
// `huggingface` schema-metadata key that HF `datasets` reads feature types from, and a data file
// that episodes are appended to while it stays a complete, readable parquet file after each append.
import { closeSync, ftruncateSync, mkdirSync, openSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { ByteWriter, ParquetWriter, parquetWriteBuffer } from "hyparquet-writer";
import type { ColumnSource } from "hyparquet-writer";
import type { SchemaElement } from "hyparquet-writer";

export type LeafType = "FLOAT" | "DOUBLE" | "INT64" | "BOOLEAN" | "STRING";

/** A column's parquet shape. list depth 1 = Sequence/List, depth 2 = Array2D. */
export type ColumnSpec =
  | { name: string; kind: "scalar"; type: LeafType; nullable?: boolean }
  | { name: string; kind: "list"; type: LeafType; depth: 1 | 2 | 3 }
  | { name: string; kind: "struct-list"; fields: Array<{ name: string; type: LeafType; nullable: boolean } | { name: string; type: "STRING-LIST"; nullable: true }> };

function leaf(name: string, type: LeafType, repetition: "REQUIRED" | "OPTIONAL"): SchemaElement {
  switch (type) {
    case "STRING":
      return { name, type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: repetition };
    default:
      return { name, type, repetition_type: repetition };
  }
}

function listWrapper(name: string, repetition: "REQUIRED" | "OPTIONAL"): SchemaElement[] {
  return [
    { name, repetition_type: repetition, num_children: 1, converted_type: "LIST" },
    { name: "list", repetition_type: "REPEATED", num_children: 1 },
  ];
}

export function schemaFor(columns: readonly ColumnSpec[]): SchemaElement[] {
  const schema: SchemaElement[] = [{ name: "schema", num_children: columns.length }];
  for (const c of columns) {
    if (c.kind === "scalar") schema.push(leaf(c.name, c.type, c.nullable ? "OPTIONAL" : "REQUIRED"));
    else if (c.kind === "list") {
      schema.push(...listWrapper(c.name, "OPTIONAL"));
      for (let d = 1; d < c.depth; d++) schema.push(...listWrapper("element", "OPTIONAL"));
      schema.push(leaf("element", c.type, "OPTIONAL"));
    } else {
      schema.push(...listWrapper(c.name, "OPTIONAL"));
      schema.push({ name: "element", repetition_type: "OPTIONAL", num_children: c.fields.length });
      for (const f of c.fields) {
        if (f.type === "STRING-LIST") {
          schema.push(...listWrapper(f.name, "OPTIONAL"));
          schema.push(leaf("element", "STRING", "OPTIONAL"));
        } else schema.push(leaf(f.name, f.type, f.nullable ? "OPTIONAL" : "REQUIRED"));
      }
    }
  }
  return schema;
}

/** HF `datasets` feature JSON for the `huggingface` metadata key (datasets 4.x spelling). */
export type HfFeature = Record<string, unknown>;

export function hfMetadata(features: Record<string, HfFeature>): { key: string; value: string } {
  return { key: "huggingface", value: JSON.stringify({ info: { features } }) };
}

export function hfValue(dtype: string): HfFeature {
  return { dtype, _type: "Value" };
}

/** Writes a whole (small) parquet file atomically: meta/tasks, meta/episodes. */
export function writeParquetFileAtomic(path: string, columns: readonly ColumnSpec[], data: ColumnSource[], kv: Array<{ key: string; value: string }>): void {
  mkdirSync(dirname(path), { recursive: true });
  const buf = parquetWriteBuffer({ columnData: data, schema: schemaFor(columns), kvMetadata: kv, createdBy: "teledemo (hyparquet-writer)" });
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, new Uint8Array(buf));
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/**
 * A parquet file that grows by row groups. After every append the footer for all row groups so
 * far is written after them (and the file truncated there), so readers and a resumed export see
 * a complete file; the next append overwrites that footer with its row groups and a new footer.
 */
export class AppendableParquetFile {
  private readonly bytes = new ByteWriter();
  private readonly pq: ParquetWriter;
  private readonly fd: number;
  private rows = 0;

  constructor(
    readonly path: string,
    columns: readonly ColumnSpec[],
    kv: Array<{ key: string; value: string }>,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, "w");
    this.pq = new ParquetWriter({ writer: this.bytes, schema: schemaFor(columns), kvMetadata: kv, createdBy: "teledemo (hyparquet-writer)" });
  }

  get rowCount(): number {
    return this.rows;
  }

  /** Current size on disk (bytes, including the footer). */
  size = 0;

  append(columnData: ColumnSource[]): void {
    const n = columnData[0]?.data.length ?? 0;
    // One row group per episode (as upstream's annotation writer re-emits them); no page
    // indexes, so nothing but the footer follows the row groups.
    const noIndex = columnData.map((c) => ({ ...c, offsetIndex: false, columnIndex: false }));
    const pending = this.pq.write({ columnData: noIndex, rowGroupSize: Math.max(1, n) });
    if (pending) throw new Error("unexpected asynchronous parquet writer");
    this.rows += n;
    this.flushData();
    // Footer: serialize the metadata into a side buffer whose offset continues the file.
    const footer = new ByteWriter();
    footer.offset = this.bytes.offset;
    const main = this.pq.writer;
    this.pq.writer = footer;
    try {
      void this.pq.finish();
    } finally {
      this.pq.writer = main;
      // Nothing to carry into the next footer (no page indexes are written).
      this.pq.pendingIndexes = [];
    }
    const fb = footer.getBytes();
    writeSync(this.fd, fb, 0, fb.byteLength, this.bytes.offset);
    this.size = this.bytes.offset + fb.byteLength;
    ftruncateSync(this.fd, this.size);
  }

  private flushData(): void {
    const b = this.bytes.getBytes();
    const start = this.bytes.offset - this.bytes.index;
    writeSync(this.fd, b, 0, b.byteLength, start);
    this.bytes.index = 0;
  }

  close(): void {
    closeSync(this.fd);
  }
}
