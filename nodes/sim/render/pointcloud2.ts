// Packing of a LiDAR sweep into sensor_msgs/PointCloud2 fields, in the organized layout Ouster
// and Velodyne drivers publish: height = rings, width = columns, NaN where nothing returned.
import type { LidarScan } from "./lidar.ts";

/** sensor_msgs/PointField datatype constants. */
export const POINT_FIELD = { INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, FLOAT32: 7, FLOAT64: 8 } as const;

export interface PointField {
  name: string;
  offset: number;
  datatype: number;
  count: number;
}

/** The fields of sensor_msgs/PointCloud2 other than its header. */
export interface PointCloud2Body {
  height: number;
  width: number;
  fields: PointField[];
  is_bigendian: boolean;
  point_step: number;
  row_step: number;
  data: Uint8Array;
  is_dense: boolean;
}

export const LIDAR_POINT_STEP = 24;

export const LIDAR_POINT_FIELDS: readonly PointField[] = [
  { name: "x", offset: 0, datatype: POINT_FIELD.FLOAT32, count: 1 },
  { name: "y", offset: 4, datatype: POINT_FIELD.FLOAT32, count: 1 },
  { name: "z", offset: 8, datatype: POINT_FIELD.FLOAT32, count: 1 },
  { name: "intensity", offset: 12, datatype: POINT_FIELD.FLOAT32, count: 1 },
  { name: "ring", offset: 16, datatype: POINT_FIELD.UINT16, count: 1 },
  { name: "t", offset: 20, datatype: POINT_FIELD.FLOAT32, count: 1 },
];

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The sweep as little-endian PointCloud2 data. Pass `data` (rings · columns · 24 bytes) to reuse
 * a buffer; bytes 18..19 of every point are padding and are written as zero.
 */
export function packPointCloud2(scan: LidarScan, data?: Uint8Array): PointCloud2Body {
  const n = scan.rings * scan.columns;
  const bytes = n * LIDAR_POINT_STEP;
  if (data && data.length !== bytes) throw new Error(`packPointCloud2: data buffer has ${data.length} bytes, expected ${bytes}`);
  const out = data ?? new Uint8Array(bytes);
  if (HOST_IS_LITTLE_ENDIAN && out.byteOffset % 4 === 0) {
    const f32 = new Float32Array(out.buffer, out.byteOffset, bytes / 4);
    const u16 = new Uint16Array(out.buffer, out.byteOffset, bytes / 2);
    for (let i = 0; i < n; i++) {
      const f = i * 6;
      f32[f] = scan.x[i]!;
      f32[f + 1] = scan.y[i]!;
      f32[f + 2] = scan.z[i]!;
      f32[f + 3] = scan.intensity[i]!;
      u16[f * 2 + 8] = scan.ring[i]!;
      u16[f * 2 + 9] = 0;
      f32[f + 5] = scan.t[i]!;
    }
  } else {
    const view = new DataView(out.buffer, out.byteOffset, bytes);
    for (let i = 0; i < n; i++) {
      const b = i * LIDAR_POINT_STEP;
      view.setFloat32(b, scan.x[i]!, true);
      view.setFloat32(b + 4, scan.y[i]!, true);
      view.setFloat32(b + 8, scan.z[i]!, true);
      view.setFloat32(b + 12, scan.intensity[i]!, true);
      view.setUint16(b + 16, scan.ring[i]!, true);
      view.setUint16(b + 18, 0, true);
      view.setFloat32(b + 20, scan.t[i]!, true);
    }
  }
  return {
    height: scan.rings,
    width: scan.columns,
    fields: LIDAR_POINT_FIELDS.map((f) => ({ ...f })),
    is_bigendian: false,
    point_step: LIDAR_POINT_STEP,
    row_step: LIDAR_POINT_STEP * scan.columns,
    data: out,
    is_dense: false,
  };
}
