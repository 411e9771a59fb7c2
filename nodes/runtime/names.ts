// ROS 2 name rules (design.ros2.org "Topic and Service name mapping"): node names, namespaces,
// and expansion of relative ("foo"), private ("~/foo") and absolute ("/foo") names.

const TOKEN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function validateNodeName(name: string): void {
  if (!TOKEN.test(name)) {
    throw new Error(`invalid node name '${name}': use letters, digits and underscores, not starting with a digit`);
  }
}

/** "" and "/" mean the root namespace; otherwise an absolute path without a trailing slash. */
export function normalizeNamespace(namespace: string | undefined): string {
  if (namespace === undefined || namespace === "" || namespace === "/") return "/";
  const absolute = namespace.startsWith("/") ? namespace : `/${namespace}`;
  validateAbsoluteName(absolute, "namespace");
  return absolute;
}

export function fullyQualifiedNodeName(namespace: string, name: string): string {
  return namespace === "/" ? `/${name}` : `${namespace}/${name}`;
}

/** Expand a topic or service name the way rcl does for a node in `namespace`. */
export function expandName(name: string, nodeName: string, namespace: string, kind: "topic" | "service"): string {
  let expanded: string;
  if (name.startsWith("/")) expanded = name;
  else if (name === "~") expanded = fullyQualifiedNodeName(namespace, nodeName);
  else if (name.startsWith("~/")) expanded = fullyQualifiedNodeName(namespace, nodeName) + name.slice(1);
  else expanded = (namespace === "/" ? "" : namespace) + "/" + name;
  validateAbsoluteName(expanded, `${kind} name '${name}'`);
  return expanded;
}

function validateAbsoluteName(name: string, what: string): void {
  const tokens = name.slice(1).split("/");
  if (name === "/" || tokens.some((t) => !TOKEN.test(t))) {
    throw new Error(
      `invalid ${what} (${name}): each '/'-separated part must be letters, digits and underscores, not starting with a digit`,
    );
  }
}
