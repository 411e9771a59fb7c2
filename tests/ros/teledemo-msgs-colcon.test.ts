// teledemo_msgs must build with colcon on a robot (README "Running on a robot": it is symlinked
// into a colcon workspace's src/). No ROS here, so the test checks what colcon + ament_cmake +
// rosidl read, parsed rather than pattern-matched: package.xml (format 3) and CMakeLists.txt agree
// on the package name and dependencies, every interface file is generated, and each one parses
// with @foxglove/rosmsg with every referenced type coming from a declared dependency.
// (tests/messages/teledemoMsgs.test.ts covers naming rules and CDR round trips.)
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parse as parseMsg } from "@foxglove/rosmsg";
import { describe, expect, it } from "vitest";
import { parseXml, type XmlElement } from "../../calibration/io/xml.ts";
import { createDefaultRegistry, TELEDEMO_MSGS_DIR } from "../../nodes/messages/index.ts";

const PKG = TELEDEMO_MSGS_DIR;
const manifest = parseXml(readFileSync(join(PKG, "package.xml"), "utf8"), "teledemo_msgs/package.xml");
const cmake = readFileSync(join(PKG, "CMakeLists.txt"), "utf8").replace(/#.*$/gm, "");
const texts = (tag: string): string[] => manifest.children.filter((c: XmlElement) => c.name === tag).map((c) => c.text.trim());
const generate = /rosidl_generate_interfaces\(\s*\$\{PROJECT_NAME\}([\s\S]*?)\)/.exec(cmake)?.[1] ?? "";
const generatedFiles = [...generate.matchAll(/"([^"]+)"/g)].map((m) => m[1] as string);
const generateDeps = /DEPENDENCIES\s+([\w\s]+)/.exec(generate)?.[1]?.trim().split(/\s+/) ?? [];
const interfaceFiles = ["msg", "srv", "action"].flatMap((dir) => (existsSync(join(PKG, dir)) ? readdirSync(join(PKG, dir)).map((f) => `${dir}/${f}`) : []));

describe("teledemo_msgs builds with colcon (structure)", () => {
  it("package.xml is format 3, an ament_cmake rosidl interface package", () => {
    expect(manifest.name).toBe("package");
    expect(manifest.attributes.format).toBe("3");
    expect(texts("name")).toEqual([basename(PKG)]);
    for (const required of ["version", "description", "maintainer", "license"]) expect(texts(required)[0], required).toBeTruthy();
    expect(texts("buildtool_depend")).toEqual(expect.arrayContaining(["ament_cmake", "rosidl_default_generators"]));
    expect(texts("exec_depend")).toContain("rosidl_default_runtime");
    expect(texts("member_of_group")).toEqual(["rosidl_interface_packages"]);
    const exportElement = manifest.children.find((c) => c.name === "export");
    expect(exportElement?.children.find((c) => c.name === "build_type")?.text.trim()).toBe("ament_cmake");
  });

  it("CMakeLists.txt: same project name, every interface file generated, dependencies found and declared", () => {
    expect(/project\((\w+)\)/.exec(cmake)?.[1]).toBe(basename(PKG));
    expect(cmake).toMatch(/find_package\(ament_cmake REQUIRED\)/);
    expect(cmake).toMatch(/find_package\(rosidl_default_generators REQUIRED\)/);
    expect(cmake).toMatch(/ament_package\(\)/);
    expect(generatedFiles.sort()).toEqual(interfaceFiles.sort());
    for (const file of generatedFiles) expect(existsSync(join(PKG, file)), file).toBe(true);
    const declared = new Set([...texts("depend"), ...texts("build_depend")]);
    for (const dep of generateDeps) {
      expect(cmake, `find_package(${dep})`).toMatch(new RegExp(`find_package\\(${dep} REQUIRED\\)`));
      expect(declared.has(dep), `<depend>${dep}</depend> in package.xml`).toBe(true);
    }
  });

  it("every interface parses with @foxglove/rosmsg and uses only its own or declared packages' types", () => {
    const registry = createDefaultRegistry();
    const own = new Set(interfaceFiles.filter((f) => f.startsWith("msg/")).map((f) => basename(f, ".msg")));
    const problems: string[] = [];
    const checked = new Set<string>();
    for (const file of interfaceFiles) {
      const parts = readFileSync(join(PKG, file), "utf8").split(/^---$/m);
      expect(parts.length, file).toBe(file.startsWith("srv/") ? 2 : 1);
      for (const part of parts) {
        const [root] = parseMsg(part, { ros2: true, skipTypeFixup: true });
        for (const field of root?.definitions ?? []) {
          if (field.isComplex !== true) continue;
          checked.add(field.type);
          const [pkg, name] = field.type.includes("/") ? field.type.split("/") : [basename(PKG), field.type];
          if (pkg === basename(PKG)) {
            if (!own.has(name as string)) problems.push(`${file}: ${field.name}: ${field.type} is not a message of this package`);
          } else if (!generateDeps.includes(pkg as string)) {
            problems.push(`${file}: ${field.name}: ${field.type} is from ${pkg}, which is not in DEPENDENCIES`);
          } else if (!registry.has(`${pkg}/msg/${name}`)) {
            problems.push(`${file}: ${field.name}: ${field.type} does not exist in ${pkg}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
    // Header and the package's own AlignedStream were resolved, not skipped (rosmsg reads
    // builtin_interfaces/Time and Duration as its primitive time and duration).
    expect([...checked].sort()).toEqual(expect.arrayContaining(["AlignedStream", "std_msgs/Header"]));
  });

  it("has nothing that makes colcon skip it", () => {
    for (const marker of ["COLCON_IGNORE", "AMENT_IGNORE", "CATKIN_IGNORE"]) expect(existsSync(join(PKG, marker)), marker).toBe(false);
  });
});
