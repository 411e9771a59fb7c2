// sensor_msgs/PointCloud2 → flat arrays, reading fields by name/offset/datatype from the message
// (any layout: x, y, z required; intensity and ring when present). Non-finite points are dropped.
import { arr, bytes, num, obj, str, type Obj } from "./values.ts";

export interface PointField {
  name: string;
  offset: number;
  datatype: number;
  count: number;
}

export interface Cloud {
  frameId: string;
  /** x,y,z per point */
  positions: Float32Array;
  intensity: Float32Array | null;
  ring: Uint16Array | null;
  count: number;
}

const SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 8: 8 };

function reader(dv: DataView, f: PointField, little: boolean): ((base: number) => number) | undefined {
  const o = f.offset;
  switch (f.datatype) {
    case 1: return (b) => dv.getInt8(b + o);
    case 2: return (b) => dv.getUint8(b + o);
    case 3: return (b) => dv.getInt16(b + o, little);
    case 4: return (b) => dv.getUint16(b + o, little);
    case 5: return (b) => dv.getInt32(b + o, little);
    case 6: return (b) => dv.getUint32(b + o, little);
    case 7: return (b) => dv.getFloat32(b + o, little);
    case 8: return (b) => dv.getFloat64(b + o, little);
    default: return undefined;
  }
}

export function fieldsOf(value: Obj): PointField[] {
  const out: PointField[] = [];
  for (const f of arr(value["fields"]) ?? []) {
    const o = obj(f);
    const name = str(o?.["name"]);
    const offset = num(o?.["offset"]);
    const datatype = num(o?.["datatype"]);
    if (!name || offset === undefined || datatype === undefined) continue;
    out.push({ name, offset, datatype, count: num(o?.["count"]) ?? 1 });
  }
  return out;
}

/** Parses a PointCloud2 value; undefined when it has no x/y/z or its sizes do not add up. */
export function parsePointCloud2(value: Obj): Cloud | undefined {
  const data = bytes(value["data"]);
  const width = num(value["width"]) ?? 0;
  const height = num(value["height"]) ?? 1;
  const pointStep = num(value["point_step"]) ?? 0;
  const rowStep = num(value["row_step"]) ?? width * pointStep;
  if (!data || pointStep <= 0 || width <= 0) return undefined;
  const little = !(value["is_bigendian"] === true || value["is_bigendian"] === 1);
  const fields = fieldsOf(value);
  const field = (n: string) => fields.find((f) => f.name === n);
  const fx = field("x");
  const fy = field("y");
  const fz = field("z");
  if (!fx || !fy || !fz) return undefined;
  for (const f of fields) if ((SIZE[f.datatype] ?? 0) + f.offset > pointStep) return undefined;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const rx = reader(dv, fx, little);
  const ry = reader(dv, fy, little);
  const rz = reader(dv, fz, little);
  if (!rx || !ry || !rz) return undefined;
  const fi = field("intensity") ?? field("i") ?? field("reflectivity");
  const fr = field("ring");
  const ri = fi ? reader(dv, fi, little) : undefined;
  const rr = fr ? reader(dv, fr, little) : undefined;
  const rows = Math.max(1, height);
  const max = rows * width;
  const positions = new Float32Array(max * 3);
  const intensity = ri ? new Float32Array(max) : null;
  const ring = rr ? new Uint16Array(max) : null;
  let n = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < width; c++) {
      const base = r * rowStep + c * pointStep;
      if (base + pointStep > data.byteLength) break;
      const x = rx(base);
      const y = ry(base);
      const z = rz(base);
      if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) continue;
      positions[n * 3] = x;
      positions[n * 3 + 1] = y;
      positions[n * 3 + 2] = z;
      if (intensity && ri) intensity[n] = ri(base);
      if (ring && rr) ring[n] = rr(base);
      n++;
    }
  }
  return {
    frameId: str(obj(value["header"])?.["frame_id"]) ?? "",
    positions: positions.subarray(0, n * 3),
    intensity: intensity ? intensity.subarray(0, n) : null,
    ring: ring ? ring.subarray(0, n) : null,
    count: n,
  };
}
