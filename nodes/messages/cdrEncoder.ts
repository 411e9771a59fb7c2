// A CDR (XCDR1, little endian) encoder compiled once per message type from its parsed
// definitions, producing the bytes Fast DDS / rmw_fastrtps would put on the wire and rosbag2
// would record.
//
// Why not @foxglove/rosmsg2-serialization's MessageWriter (3.1.0), which we use for decoding:
// - it sizes and writes strings by UTF-16 length, so any non-ASCII string is truncated/corrupt;
// - it pads before an empty primitive sequence, while Fast CDR (and the library's own reader)
//   skip alignment when a sequence has no elements, so e.g. a JointState with an empty
//   `velocity` comes out 8 bytes longer than ROS's and is misread by real ROS nodes;
// - it does not pad the payload to a multiple of 4, which rosbag2-recorded messages are.
// The encoder computes the exact size first and writes into one zero-filled buffer, so a
// uint8[] image is one allocation plus one memcpy.

import type { MessageDefinition, MessageDefinitionField } from "./messageDefinitions.ts";

/** Encapsulation header: CDR_LE, options 0. Alignment is relative to the byte after it. */
const ENCAPSULATION_HEADER = [0x00, 0x01, 0x00, 0x00] as const;
const ORIGIN = 4;
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

interface Sink {
  bytes: Uint8Array;
  view: DataView;
  offset: number;
}

/** Computes the offset after `value` is written at `offset`, and writes it. */
interface ValueCodec {
  size(value: unknown, offset: number): number;
  write(value: unknown, sink: Sink): void;
}

function align(offset: number, alignment: number): number {
  const remainder = (offset - ORIGIN) % alignment;
  return remainder === 0 ? offset : offset + alignment - remainder;
}

type TypedArrayConstructor =
  | Int8ArrayConstructor | Uint8ArrayConstructor | Int16ArrayConstructor | Uint16ArrayConstructor
  | Int32ArrayConstructor | Uint32ArrayConstructor | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor | Float32ArrayConstructor | Float64ArrayConstructor;

interface Primitive {
  bytes: number;
  alignment: number;
  /** The typed array whose memory layout equals this type's CDR array layout (LE host). */
  typedArray?: TypedArrayConstructor;
  /** Written for a missing value without a declared default. */
  zero: unknown;
  put(view: DataView, offset: number, value: unknown, path: string): void;
}

function fail(path: string, expected: string, value: unknown): never {
  const got = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
  throw new TypeError(`${path}: expected ${expected}, got ${got}`);
}

function num(value: unknown, path: string): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  return fail(path, "number", value);
}

function big(value: unknown, path: string): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  return fail(path, "bigint or integer number", value);
}

function timePut(view: DataView, offset: number, value: unknown, path: string): void {
  if (typeof value !== "object" || value === null) fail(path, "{ sec, nanosec }", value);
  const time = value as { sec?: unknown; nanosec?: unknown; nsec?: unknown };
  view.setInt32(offset, num(time.sec ?? 0, `${path}.sec`), true);
  view.setUint32(offset + 4, num(time.nanosec ?? time.nsec ?? 0, `${path}.nanosec`), true);
}

const PRIMITIVES: Record<string, Primitive> = {
  bool: {
    bytes: 1, alignment: 1, zero: false,
    put: (view, offset, value, path) => {
      if (typeof value !== "boolean" && typeof value !== "number") fail(path, "boolean", value);
      view.setUint8(offset, value ? 1 : 0);
    },
  },
  int8: { zero: 0, bytes: 1, alignment: 1, typedArray: Int8Array, put: (v, o, x, p) => v.setInt8(o, num(x, p)) },
  uint8: { zero: 0, bytes: 1, alignment: 1, typedArray: Uint8Array, put: (v, o, x, p) => v.setUint8(o, num(x, p)) },
  int16: { zero: 0, bytes: 2, alignment: 2, typedArray: Int16Array, put: (v, o, x, p) => v.setInt16(o, num(x, p), true) },
  uint16: { zero: 0, bytes: 2, alignment: 2, typedArray: Uint16Array, put: (v, o, x, p) => v.setUint16(o, num(x, p), true) },
  int32: { zero: 0, bytes: 4, alignment: 4, typedArray: Int32Array, put: (v, o, x, p) => v.setInt32(o, num(x, p), true) },
  uint32: { zero: 0, bytes: 4, alignment: 4, typedArray: Uint32Array, put: (v, o, x, p) => v.setUint32(o, num(x, p), true) },
  int64: { zero: 0n, bytes: 8, alignment: 8, typedArray: BigInt64Array, put: (v, o, x, p) => v.setBigInt64(o, big(x, p), true) },
  uint64: { zero: 0n, bytes: 8, alignment: 8, typedArray: BigUint64Array, put: (v, o, x, p) => v.setBigUint64(o, big(x, p), true) },
  float32: { zero: 0, bytes: 4, alignment: 4, typedArray: Float32Array, put: (v, o, x, p) => v.setFloat32(o, num(x, p), true) },
  float64: { zero: 0, bytes: 8, alignment: 8, typedArray: Float64Array, put: (v, o, x, p) => v.setFloat64(o, num(x, p), true) },
  // builtin_interfaces Time/Duration: a struct of int32 + uint32, so 4-byte aligned.
  time: { bytes: 8, alignment: 4, zero: { sec: 0, nanosec: 0 }, put: timePut },
  duration: { bytes: 8, alignment: 4, zero: { sec: 0, nanosec: 0 }, put: timePut },
};

/** UTF-8 byte length without allocating; the common ASCII case is one pass of charCodeAt. */
function utf8Length(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) length += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length += 2; // 4 bytes for 2 UTF-16 units
        i++;
      } else length += 2; // lone surrogate → U+FFFD, 3 bytes
    } else length += 2;
  }
  return length;
}

const textEncoder = new TextEncoder();

function stringCodec(path: string, defaultValue: unknown, upperBound: number | undefined): ValueCodec {
  const text = (value: unknown): string => {
    const resolved = value ?? defaultValue ?? "";
    if (typeof resolved !== "string") fail(path, "string", resolved);
    if (upperBound !== undefined && resolved.length > upperBound) {
      throw new RangeError(`${path}: string longer than its bound ${upperBound}`);
    }
    return resolved;
  };
  return {
    size: (value, offset) => align(offset, 4) + 4 + utf8Length(text(value)) + 1,
    write: (value, sink) => writeString(text(value), sink),
  };
}

function writeString(text: string, sink: Sink): void {
  const start = align(sink.offset, 4);
  const byteLength = utf8Length(text);
  sink.view.setUint32(start, byteLength + 1, true);
  const dataStart = start + 4;
  if (byteLength === text.length && byteLength < 64) {
    for (let i = 0; i < byteLength; i++) sink.bytes[dataStart + i] = text.charCodeAt(i);
  } else {
    textEncoder.encodeInto(text, sink.bytes.subarray(dataStart, dataStart + byteLength));
  }
  // The terminating NUL is already 0 in the zero-filled buffer.
  sink.offset = dataStart + byteLength + 1;
}

function scalarCodec(primitive: Primitive, path: string, defaultValue: unknown): ValueCodec {
  const fallback = defaultValue ?? primitive.zero;
  return {
    size: (_value, offset) => align(offset, primitive.alignment) + primitive.bytes,
    write: (value, sink) => {
      const offset = align(sink.offset, primitive.alignment);
      primitive.put(sink.view, offset, value ?? fallback, path);
      sink.offset = offset + primitive.bytes;
    },
  };
}

interface ArrayShape {
  path: string;
  /** Fixed length for T[N]; undefined for sequences. */
  fixedLength: number | undefined;
  upperBound: number | undefined;
  defaultValue: unknown;
}

function arrayItems(value: unknown, shape: ArrayShape): ArrayLike<unknown> {
  const items = value ?? shape.defaultValue ?? (shape.fixedLength === undefined ? [] : undefined);
  if (items === undefined) return { length: shape.fixedLength ?? 0 };
  if (!Array.isArray(items) && !ArrayBuffer.isView(items)) fail(shape.path, "array", items);
  const list = items as ArrayLike<unknown>;
  if (shape.fixedLength !== undefined && list.length !== shape.fixedLength) {
    throw new RangeError(`${shape.path}: expected ${shape.fixedLength} items, got ${list.length}`);
  }
  if (shape.upperBound !== undefined && list.length > shape.upperBound) {
    throw new RangeError(`${shape.path}: ${list.length} items exceed the bound ${shape.upperBound}`);
  }
  return list;
}

/** The sequence length prefix (sequences only), then the elements via `element`. */
function arrayCodec(shape: ArrayShape, element: ValueCodec): ValueCodec {
  const isSequence = shape.fixedLength === undefined;
  return {
    size: (value, offset) => {
      const items = arrayItems(value, shape);
      let end = isSequence ? align(offset, 4) + 4 : offset;
      for (let i = 0; i < items.length; i++) end = element.size(items[i], end);
      return end;
    },
    write: (value, sink) => {
      const items = arrayItems(value, shape);
      if (isSequence) {
        const at = align(sink.offset, 4);
        sink.view.setUint32(at, items.length, true);
        sink.offset = at + 4;
      }
      for (let i = 0; i < items.length; i++) element.write(items[i], sink);
    },
  };
}

/** Numeric arrays: one aligned block, copied as memory when the caller passes the matching typed array. */
function primitiveArrayCodec(primitive: Primitive, shape: ArrayShape): ValueCodec {
  const isSequence = shape.fixedLength === undefined;
  const { bytes, alignment, typedArray } = primitive;
  const elementPath = `${shape.path}[]`;
  return {
    size: (value, offset) => {
      const count = arrayItems(value, shape).length;
      const start = isSequence ? align(offset, 4) + 4 : offset;
      // Fast CDR aligns an array only when it has elements.
      return count === 0 ? start : align(start, alignment) + count * bytes;
    },
    write: (value, sink) => {
      const items = arrayItems(value, shape);
      const count = items.length;
      if (isSequence) {
        const at = align(sink.offset, 4);
        sink.view.setUint32(at, count, true);
        sink.offset = at + 4;
      }
      if (count === 0) return;
      const start = align(sink.offset, alignment);
      if (typedArray !== undefined && items instanceof typedArray && (HOST_LITTLE_ENDIAN || bytes === 1)) {
        const view = items as ArrayBufferView;
        sink.bytes.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), start);
      } else if (typedArray === Uint8Array && items instanceof Uint8ClampedArray) {
        sink.bytes.set(items, start);
      } else {
        for (let i = 0; i < count; i++) {
          primitive.put(sink.view, start + i * bytes, items[i] ?? primitive.zero, elementPath);
        }
      }
      sink.offset = start + count * bytes;
    },
  };
}

function structCodec(fields: readonly [string, ValueCodec][], path: string): ValueCodec {
  if (fields.length === 0) {
    // rosidl gives empty messages one uint8 member ("structure_needs_at_least_one_member").
    return { size: (_value, offset) => offset + 1, write: (_value, sink) => void (sink.offset += 1) };
  }
  const record = (value: unknown): Record<string, unknown> | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== "object" || value === null || Array.isArray(value)) fail(path, "message object", value);
    return value as Record<string, unknown>;
  };
  return {
    size: (value, offset) => {
      const message = record(value);
      let end = offset;
      for (const [name, codec] of fields) end = codec.size(message?.[name], end);
      return end;
    },
    write: (value, sink) => {
      const message = record(value);
      for (const [name, codec] of fields) codec.write(message?.[name], sink);
    },
  };
}

class EncoderCompiler {
  readonly #definitions: Map<string, MessageDefinitionField[]>;
  readonly #structs = new Map<string, ValueCodec>();

  constructor(definitions: readonly MessageDefinition[]) {
    this.#definitions = new Map(definitions.map((definition) => [definition.name ?? "", definition.definitions]));
  }

  struct(typeName: string, path: string): ValueCodec {
    const cached = this.#structs.get(typeName);
    if (cached) return cached;
    const fields = this.#definitions.get(typeName);
    if (fields === undefined) throw new Error(`${path}: no definition for nested type ${typeName}`);
    const codecs: [string, ValueCodec][] = [];
    for (const field of fields) {
      if (field.isConstant === true) continue;
      codecs.push([field.name, this.#field(field, `${path}.${field.name}`)]);
    }
    const codec = structCodec(codecs, path);
    this.#structs.set(typeName, codec);
    return codec;
  }

  #field(field: MessageDefinitionField, path: string): ValueCodec {
    const element = this.#element(field, path);
    if (field.isArray !== true) return element.codec;
    const shape: ArrayShape = {
      path,
      fixedLength: field.arrayLength,
      upperBound: field.arrayUpperBound,
      defaultValue: field.defaultValue,
    };
    return element.primitive ? primitiveArrayCodec(element.primitive, shape) : arrayCodec(shape, element.codec);
  }

  #element(field: MessageDefinitionField, path: string): { codec: ValueCodec; primitive?: Primitive } {
    const scalarDefault = field.isArray === true ? undefined : field.defaultValue;
    if (field.isComplex === true) return { codec: this.struct(field.type, path) };
    if (field.type === "string") return { codec: stringCodec(path, scalarDefault, field.upperBound) };
    if (field.type === "wstring") throw new Error(`${path}: wstring is not supported`);
    const primitive = PRIMITIVES[field.type];
    if (primitive === undefined) throw new Error(`${path}: unknown primitive type ${field.type}`);
    const isNumericArrayElement = field.isArray === true && field.type !== "time" && field.type !== "duration";
    return isNumericArrayElement
      ? { codec: scalarCodec(primitive, path, undefined), primitive }
      : { codec: scalarCodec(primitive, path, scalarDefault) };
  }
}

/** Serializes one message type to CDR bytes (encapsulation header included). */
export type CdrEncodeFunction = (message: unknown) => Uint8Array;

export interface CdrEncoderOptions {
  /**
   * Pad the payload with zeros to a multiple of 4 bytes, as the rmw_fastrtps messages rosbag2
   * records are (default true). The encapsulation options stay 0, as in those recordings.
   */
  padToFourBytes?: boolean;
}

/** `definitions[0]` is the root; nested types are looked up by `name`. */
export function compileCdrEncoder(
  definitions: readonly MessageDefinition[],
  options: CdrEncoderOptions = {},
): CdrEncodeFunction {
  const root = definitions[0];
  if (root === undefined) throw new Error("compileCdrEncoder: no definitions");
  const rootName = root.name ?? "message";
  const codec = new EncoderCompiler(definitions).struct(rootName, rootName);
  const pad = options.padToFourBytes ?? true;
  return (message: unknown): Uint8Array => {
    if (typeof message !== "object" || message === null) fail(rootName, "message object", message);
    const end = codec.size(message, ORIGIN);
    const bytes = new Uint8Array(pad ? align(end, 4) : end);
    bytes.set(ENCAPSULATION_HEADER);
    const sink: Sink = { bytes, view: new DataView(bytes.buffer), offset: ORIGIN };
    codec.write(message, sink);
    return bytes;
  };
}
