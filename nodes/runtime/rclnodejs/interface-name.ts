// "sensor_msgs/msg/Image" → rclnodejs's {package, type, name} form (see surface.ts for why).
import type { RclInterfaceDescriptor } from "./surface.ts";

export function interfaceDescriptor(typeName: string, expected: "msg" | "srv"): RclInterfaceDescriptor {
  const parts = typeName.split("/");
  const [pkg, folder, name] = parts;
  if (parts.length !== 3 || !pkg || !name || folder !== expected) {
    throw new Error(`invalid ROS ${expected === "msg" ? "message" : "service"} type '${typeName}': expected 'package/${expected}/Name'`);
  }
  return { package: pkg, type: folder, name };
}
