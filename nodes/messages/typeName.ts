// ROS 2 interface type names. Users and files spell a type three ways: "sensor_msgs/msg/Image"
// (ROS 2 full name, what MCAP schema names and rclnodejs use), "sensor_msgs/Image" (what .msg
// files and rosbag2's "MSG:" lines use) and, inside a .msg file, a bare "Image" relative to the
// file's own package. Everything keyed internally uses the full name.

/** The interface namespaces rosidl knows; we only load msg and srv. */
export type InterfaceNamespace = "msg" | "srv" | "action";

export interface RosTypeName {
  pkg: string;
  ns: InterfaceNamespace;
  /** e.g. "Image", or "Trigger_Request" for a service's request message. */
  name: string;
}

// rosbag2 and rosidl accept a letter followed by letters, digits and underscores in each part.
const PART = "[A-Za-z][A-Za-z0-9_]*";
const SHORT_FORM = new RegExp(`^(${PART})/(${PART})$`);
const FULL_FORM = new RegExp(`^(${PART})/(msg|srv|action)/(${PART})$`);

/** Parses "pkg/Type" or "pkg/ns/Type"; throws on anything else. */
export function parseTypeName(type: string): RosTypeName {
  const full = FULL_FORM.exec(type);
  if (full) return { pkg: full[1]!, ns: full[2] as InterfaceNamespace, name: full[3]! };
  const short = SHORT_FORM.exec(type);
  if (short) return { pkg: short[1]!, ns: "msg", name: short[2]! };
  throw new Error(`not a ROS 2 interface type name: "${type}" (expected pkg/msg/Type or pkg/Type)`);
}

/** "pkg/ns/Type", the key every registry lookup uses. */
export function fullTypeName(type: RosTypeName): string {
  return `${type.pkg}/${type.ns}/${type.name}`;
}

/** "pkg/Type" for msg types (the .msg-file spelling); srv/action types keep their namespace. */
export function shortTypeName(type: RosTypeName): string {
  return type.ns === "msg" ? `${type.pkg}/${type.name}` : fullTypeName(type);
}

/** Any accepted spelling → "pkg/ns/Type". */
export function normalizeTypeName(type: string): string {
  return fullTypeName(parseTypeName(type));
}

/**
 * Resolves a field type written inside a .msg file of `packageContext`: "Vector3" →
 * "geometry_msgs/Vector3" when the file belongs to geometry_msgs; qualified names stay as written.
 * This is rosbag2's rule (no special case for a bare "Header").
 */
export function resolveFieldType(written: string, packageContext: string): string {
  return written.includes("/") ? written : `${packageContext}/${written}`;
}

/** The request/response message type names rosidl generates for a service. */
export function serviceMessageTypes(service: string): { request: string; response: string } {
  const parsed = parseTypeName(service);
  if (parsed.ns !== "srv") throw new Error(`not a service type: "${service}"`);
  return {
    request: fullTypeName({ ...parsed, name: `${parsed.name}_Request` }),
    response: fullTypeName({ ...parsed, name: `${parsed.name}_Response` }),
  };
}
