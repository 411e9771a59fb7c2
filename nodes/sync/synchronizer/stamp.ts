// The header stamp of a serialized message, read straight from its CDR bytes: the synchronizer
// never decodes images or point clouds just to learn when they were taken.

/** CDR encapsulation kinds (first two bytes): 0x0000 big-endian, 0x0001 little-endian (plain CDR). */
function littleEndian(bytes: Uint8Array): boolean {
  if (bytes.byteLength < 4) throw new RangeError(`CDR message of ${bytes.byteLength} bytes has no encapsulation header`);
  return (bytes[1]! & 1) === 1;
}

function stampAt(bytes: Uint8Array, offset: number): bigint {
  if (bytes.byteLength < offset + 8) throw new RangeError(`CDR message of ${bytes.byteLength} bytes is too short for a stamp at ${offset}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = littleEndian(bytes);
  const sec = view.getInt32(offset, le);
  const nanosec = view.getUint32(offset + 4, le);
  return BigInt(sec) * 1_000_000_000n + BigInt(nanosec);
}

/**
 * Header stamp of a message whose first field is std_msgs/Header (every sensor_msgs/*Stamped
 * type, teledemo_msgs/TactileArray), or of the first transform of a tf2_msgs/TFMessage.
 * Returns undefined for a TFMessage without transforms.
 */
export function readHeaderStamp(type: string, bytes: Uint8Array): bigint | undefined {
  if (type === "tf2_msgs/msg/TFMessage") {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const count = view.getUint32(4, littleEndian(bytes));
    return count === 0 ? undefined : stampAt(bytes, 8);
  }
  return stampAt(bytes, 4);
}
