// rclnodejs's hand-written types (types/*.d.ts) reference a file it generates at install time
// from the ROS packages on the machine: types/interfaces.d.ts (MessagesMap, MessageTypeClassName,
// rcl_interfaces.msg.*, …). The npm tarball does not ship it, so without ROS those names are
// unresolved and every generic TypeClass<…> parameter degrades to `any`.
//
// To check the surface against the generics as they are on a robot, this file renders a small
// interfaces.d.ts in the same shape rclnodejs's generator (rostsd_gen) emits — per-package
// namespaces with `export interface Name {…}` and `NameConstructor`, then the maps and the
// derived type aliases — for the interfaces the hand-written types reference plus a few that
// teledemo uses. Field lists are abbreviated where the surface never reads them.

interface MessageSpec {
  pkg: string;
  folder: "msg" | "srv";
  name: string;
  fields: string[];
}

const MESSAGES: MessageSpec[] = [
  { pkg: "builtin_interfaces", folder: "msg", name: "Time", fields: ["sec: number", "nanosec: number"] },
  { pkg: "std_msgs", folder: "msg", name: "String", fields: ["data: string"] },
  { pkg: "rosgraph_msgs", folder: "msg", name: "Clock", fields: ["clock: builtin_interfaces.msg.Time"] },
  {
    pkg: "rcl_interfaces",
    folder: "msg",
    name: "ParameterValue",
    fields: [
      "type: number",
      "bool_value: boolean",
      "integer_value: bigint",
      "double_value: number",
      "string_value: string",
      "byte_array_value: number[] | Uint8Array",
      "bool_array_value: boolean[]",
      "integer_array_value: bigint[]",
      "double_array_value: number[] | Float64Array",
      "string_array_value: string[]",
    ],
  },
  { pkg: "rcl_interfaces", folder: "msg", name: "Parameter", fields: ["name: string", "value: rcl_interfaces.msg.ParameterValue"] },
  {
    pkg: "rcl_interfaces",
    folder: "msg",
    name: "ParameterDescriptor",
    fields: [
      "name: string",
      "type: number",
      "description: string",
      "additional_constraints: string",
      "read_only: boolean",
      "dynamic_typing: boolean",
    ],
  },
  { pkg: "rcl_interfaces", folder: "msg", name: "SetParametersResult", fields: ["successful: boolean", "reason: string"] },
  { pkg: "unique_identifier_msgs", folder: "msg", name: "UUID", fields: ["uuid: number[] | Uint8Array"] },
  { pkg: "action_msgs", folder: "msg", name: "GoalInfo", fields: ["goal_id: unique_identifier_msgs.msg.UUID", "stamp: builtin_interfaces.msg.Time"] },
  { pkg: "action_msgs", folder: "srv", name: "CancelGoal_Request", fields: ["goal_info: action_msgs.msg.GoalInfo"] },
  { pkg: "action_msgs", folder: "srv", name: "CancelGoal_Response", fields: ["return_code: number", "goals_canceling: action_msgs.msg.GoalInfo[]"] },
  { pkg: "std_srvs", folder: "srv", name: "Trigger_Request", fields: ["structure_needs_at_least_one_member: number"] },
  { pkg: "std_srvs", folder: "srv", name: "Trigger_Response", fields: ["success: boolean", "message: string"] },
];

const SERVICES: Array<{ pkg: string; name: string }> = [
  { pkg: "action_msgs", name: "CancelGoal" },
  { pkg: "std_srvs", name: "Trigger" },
];

function renderPackage(pkg: string): string {
  const lines: string[] = [`  namespace ${pkg} {`];
  for (const folder of ["msg", "srv"] as const) {
    const messages = MESSAGES.filter((m) => m.pkg === pkg && m.folder === folder);
    const services = folder === "srv" ? SERVICES.filter((s) => s.pkg === pkg) : [];
    if (messages.length === 0 && services.length === 0) continue;
    lines.push(`    namespace ${folder} {`);
    for (const m of messages) {
      lines.push(`      export interface ${m.name} {`, ...m.fields.map((f) => `        ${f};`), "      }");
      lines.push(`      export interface ${m.name}Constructor {`, `        new(other?: ${m.name}): ${m.name};`, "      }");
    }
    for (const s of services) {
      lines.push(
        `      export interface ${s.name}Constructor extends ROSService {`,
        `        readonly Request: ${s.name}_RequestConstructor;`,
        `        readonly Response: ${s.name}_ResponseConstructor;`,
        "      }",
      );
    }
    lines.push("    }");
  }
  lines.push("  }");
  return lines.join("\n");
}

/** The text of a generated-style types/interfaces.d.ts. */
export function renderGeneratedInterfaces(): string {
  const packages = [...new Set(MESSAGES.map((m) => m.pkg))];
  const messageKeys = MESSAGES.map((m) => `    '${m.pkg}/${m.folder}/${m.name}': ${m.pkg}.${m.folder}.${m.name},`);
  const constructorKeys = MESSAGES.map((m) => `    '${m.pkg}/${m.folder}/${m.name}': ${m.pkg}.${m.folder}.${m.name}Constructor,`);
  const serviceKeys = SERVICES.map((s) => `    '${s.pkg}/srv/${s.name}': ${s.pkg}.srv.${s.name}Constructor,`);
  return [
    "/* eslint-disable camelcase */",
    "declare module 'rclnodejs' {",
    ...packages.map(renderPackage),
    "  type MessagesMap = {",
    ...messageKeys,
    "  };",
    "  type MessageTypeClassName = keyof MessagesMap;",
    "  type Message = MessagesMap[MessageTypeClassName];",
    "  type MessageType<T> = T extends MessageTypeClassName ? MessagesMap[T] : T extends new (...args: any[]) => infer R ? R : object;",
    "  type MessageTypeClassConstructorMap = {",
    ...constructorKeys,
    "  };",
    "  type MessageConstructorType<T> = T extends MessageTypeClassName ? MessageTypeClassConstructorMap[T] : object;",
    "  type ServicesMap = {",
    ...serviceKeys,
    "  };",
    "  type ServiceTypeClassName = keyof ServicesMap;",
    "  type Service = ServicesMap[ServiceTypeClassName];",
    "  type ServiceType<T> = T extends ServiceTypeClassName ? ServicesMap[T] : T extends { Request: any; Response: any } ? T : object;",
    "  type ActionsMap = {",
    "  };",
    "  type ActionTypeClassName = keyof ActionsMap;",
    "  type Action = ActionsMap[ActionTypeClassName];",
    "  type ActionType<T> = T extends ActionTypeClassName ? ActionsMap[T] : T extends { Goal: any; Feedback: any; Result: any } ? T : object;",
    "  type TypeClassName = MessageTypeClassName | ServiceTypeClassName | ActionTypeClassName;",
    "  type InterfaceType<T> = T extends TypeClassName ? (MessageTypeClassConstructorMap & ServicesMap & ActionsMap)[T] : object;",
    "}",
    "",
  ].join("\n");
}

/** rclnodejs depends on rxjs for ObservableSubscription, which the surface does not use; on a
 * robot rxjs is installed beside it. This declares just the one type the .d.ts names. */
export const RXJS_STUB = "export declare class Observable<T> { subscribe(next?: (value: T) => void): { unsubscribe(): void }; }\n";
