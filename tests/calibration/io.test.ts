import { describe, expect, it } from "vitest";
import { OstYamlError, readOstYaml, writeOstYaml } from "../../calibration/io/ost-yaml.ts";
import { fixedTransformsFromUrdf, jointOriginTransform, parseUrdf, UrdfError, writeUrdf } from "../../calibration/io/urdf.ts";
import { parseXml, XmlParseError } from "../../calibration/io/xml.ts";
import { cameraInfoFromModel, cameraInfoStampNs, modelFromCameraInfo, CameraInfoError } from "../../calibration/io/camera-info.ts";
import {
  calibrationToFoxglove,
  foxgloveStampNs,
  fromFoxgloveCameraCalibration,
  fromFoxgloveFrameTransforms,
  toFoxgloveCameraCalibration,
  toFoxgloveFrameTransform,
} from "../../calibration/io/foxglove.ts";
import { makeTransform, rotationDifference, transformPoint, translationDifference } from "../../calibration/math/rigid.ts";
import { rpyToQuat } from "../../calibration/math/so3.ts";
import { TransformTree } from "../../calibration/model/transform-tree.ts";
import type { StaticTransform } from "../../calibration/model/types.ts";
import { sampleCalibration } from "./support/sample.ts";

const TYPICAL_OST = `image_width: 640
image_height: 480
camera_name: narrow_stereo
camera_matrix:
  rows: 3
  cols: 3
  data: [ 604.20145,    0.     ,  318.61234,
            0.     ,  603.81002,  241.30711,
            0.     ,    0.     ,    1.     ]
distortion_model: plumb_bob
distortion_coefficients:
  rows: 1
  cols: 5
  data: [0.082134, -0.153981, 0.000412, -0.000298, 0.000000]
rectification_matrix:
  rows: 3
  cols: 3
  data: [ 1.,  0.,  0.,
          0.,  1.,  0.,
          0.,  0.,  1.]
projection_matrix:
  rows: 3
  cols: 4
  data: [ 611.94, 0. , 318.4, 0. ,
          0. , 612.3, 241.9, 0. ,
          0. , 0. , 1. , 0. ]
`;

describe("ost.yaml", () => {
  it("reads a typical camera_calibration file", () => {
    const { camera, cameraName, warnings } = readOstYaml(TYPICAL_OST, { frame: "head_camera_color_optical_frame" });
    expect(cameraName).toBe("narrow_stereo");
    expect(warnings).toEqual([]);
    expect(camera.width).toBe(640);
    expect(camera.height).toBe(480);
    expect(camera.K).toEqual([604.20145, 0, 318.61234, 0, 603.81002, 241.30711, 0, 0, 1]);
    expect(camera.D).toEqual([0.082134, -0.153981, 0.000412, -0.000298, 0]);
    expect(camera.R).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(camera.P).toEqual([611.94, 0, 318.4, 0, 0, 612.3, 241.9, 0, 0, 0, 1, 0]);
    expect(camera.distortionModel).toBe("plumb_bob");
    expect(camera.frame).toBe("head_camera_color_optical_frame");
  });

  it("round-trips write → read exactly", () => {
    for (const cam of sampleCalibration().cameras) {
      const text = writeOstYaml(cam);
      const { camera, cameraName } = readOstYaml(text, { frame: cam.frame });
      expect(cameraName).toBe(cam.name);
      expect(camera).toEqual(cam);
    }
    const odd = { ...sampleCalibration().cameras[0]!, name: "yes", K: [1 / 3, 0, 1e-7, 0, 2 / 3, -0, 0, 0, 1] };
    expect(readOstYaml(writeOstYaml(odd)).camera.K).toEqual([1 / 3, 0, 1e-7, 0, 2 / 3, 0, 0, 0, 1]);
    expect(readOstYaml(writeOstYaml(odd)).cameraName).toBe("yes");
  });

  it("defaults like camera_calibration_parsers and rejects wrong shapes", () => {
    const legacy = TYPICAL_OST.replace("distortion_model: plumb_bob\n", "").replace("camera_name: narrow_stereo\n", "");
    const r = readOstYaml(legacy);
    expect(r.camera.distortionModel).toBe("plumb_bob");
    expect(r.cameraName).toBe("unknown");
    expect(r.warnings[0]).toMatch(/assuming plumb_bob/);
    expect(() => readOstYaml(TYPICAL_OST.replace("rows: 3\n  cols: 4", "rows: 3\n  cols: 3"), { source: "p.yaml" })).toThrow(/p\.yaml: projection_matrix must be 3×4/);
    expect(() => readOstYaml(TYPICAL_OST.replace(/image_width: 640\n/, ""))).toThrow(OstYamlError);
    expect(() => readOstYaml(TYPICAL_OST.replace("plumb_bob", "kannala"))).toThrow(/unsupported distortion_model/);
  });
});

const HAND_WRITTEN_URDF = `<?xml version="1.0" encoding="utf-8"?>
<!-- a wrist with a camera, as a robot_state_publisher would read it -->
<robot name="wrist &amp; camera">
  <link name="base_link">
    <visual>
      <origin xyz="9 9 9" rpy="1 1 1"/>
      <geometry><box size="0.1 0.1 0.1"/></geometry>
    </visual>
  </link>
  <link name="shoulder"><inertial><origin xyz="0 0 0.05"/><mass value="1.2"/></inertial></link>
  <link name="flange"/>
  <link name="camera_link"/>
  <link name="camera_optical_frame"/>
  <joint name="shoulder_pan" type="revolute">
    <parent link="base_link"/>
    <child link="shoulder"/>
    <origin xyz="0 0 0.3" rpy="0 0 0"/>
    <axis xyz="0 0 2"/>
    <limit lower="-3.14" upper="3.14" effort="40" velocity="2.0"/>
  </joint>
  <joint name="shoulder_to_flange" type="fixed">
    <parent link="shoulder"/>
    <child link="flange"/>
    <origin xyz="0.4 0 0"/>
  </joint>
  <joint name="flange_to_camera" type="fixed">
    <origin rpy="0 -1.35 0" xyz="0.07 0.0 0.03"/>
    <parent link="flange"/>
    <child link="camera_link"/>
  </joint>
  <joint name="camera_optical" type="fixed">
    <parent link="camera_link"/>
    <child link="camera_optical_frame"/>
    <origin xyz="0 0 0" rpy="-1.5707963267948966 0 -1.5707963267948966"/>
  </joint>
</robot>
`;

describe("URDF", () => {
  it("reads fixed joints from a hand-written URDF with nested link elements", () => {
    const model = parseUrdf(HAND_WRITTEN_URDF, "wrist.urdf");
    expect(model.name).toBe("wrist & camera");
    expect(model.links).toEqual(["base_link", "shoulder", "flange", "camera_link", "camera_optical_frame"]);
    const fixed = fixedTransformsFromUrdf(model);
    expect(fixed.map((f) => `${f.parent}>${f.child}`)).toEqual(["shoulder>flange", "flange>camera_link", "camera_link>camera_optical_frame"]);
    // The visual <origin> inside base_link must not leak into any joint.
    expect(Array.from(fixed[0]!.translation)).toEqual([0.4, 0, 0]);
    const tree = new TransformTree(fixed);
    // Optical z = camera_link x, pitched by −1.35 rad about y: Ry(−1.35)·x̂ = (cos 1.35, 0, +sin 1.35),
    // i.e. the camera looks mostly along the flange's z (the tool axis).
    const dir = transformPoint(tree.lookup("flange", "camera_optical_frame"), [0, 0, 1]);
    expect(dir[0]).toBeCloseTo(0.07 + Math.cos(1.35), 12);
    expect(dir[2]).toBeCloseTo(0.03 + Math.sin(1.35), 12);
  });

  it("gives revolute joints' origin, normalised axis and limits", () => {
    const pan = parseUrdf(HAND_WRITTEN_URDF).joints.find((j) => j.name === "shoulder_pan")!;
    expect(pan.type).toBe("revolute");
    expect(pan.axis).toEqual([0, 0, 1]);
    expect(pan.limit).toEqual({ lower: -3.14, upper: 3.14, effort: 40, velocity: 2 });
    expect(Array.from(jointOriginTransform(pan).translation)).toEqual([0, 0, 0.3]);
  });

  it("round-trips a fixed-joint tree", () => {
    const transforms: StaticTransform[] = sampleCalibration().extrinsics;
    transforms.push({ parent: "base_link", child: "tilted", ...makeTransform([0.1, -0.2, 0.3], rpyToQuat(0.4, -1.2, 2.9)) });
    transforms.push({ parent: "base_link", child: "gimbal", ...makeTransform([0, 0, 0], rpyToQuat(0.3, Math.PI / 2, -0.2)) });
    const text = writeUrdf("rig", transforms);
    const back = fixedTransformsFromUrdf(parseUrdf(text));
    expect(back).toHaveLength(transforms.length);
    transforms.forEach((t, i) => {
      const b = back[i]!;
      expect(b.parent).toBe(t.parent);
      expect(b.child).toBe(t.child);
      expect(translationDifference(t, b)).toBeLessThan(1e-12);
      expect(rotationDifference(t, b)).toBeLessThan(1e-9);
    });
  });

  it("reports malformed input with a location", () => {
    expect(() => parseUrdf("<robot><joint name='j' type='weird'><parent link='a'/><child link='b'/></joint></robot>", "x.urdf")).toThrow(/x\.urdf: joint j: type "weird"/);
    expect(() => parseUrdf("<robot>\n  <link name='a'>\n</robot>", "y.urdf")).toThrow(/y\.urdf:3:\d+: <\/robot> closes <link>/);
    expect(() => parseUrdf("<robot><joint name='j' type='fixed'><child link='b'/></joint></robot>")).toThrow(UrdfError);
    expect(() => parseUrdf("<robot><joint name='j' type='fixed'><parent link='a'/><child link='b'/><origin xyz='1 2'/></joint></robot>")).toThrow(/three numbers/);
  });
});

describe("XML reader", () => {
  it("handles comments, CDATA, entities and processing instructions", () => {
    const el = parseXml(`<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a k='&lt;&#65;&#x42;'><!-- c --><b/><![CDATA[<raw>]]>t&amp;</a>`);
    expect(el.name).toBe("a");
    expect(el.attributes["k"]).toBe("<AB");
    expect(el.children.map((c) => c.name)).toEqual(["b"]);
    expect(el.text).toBe("<raw>t&");
    expect(() => parseXml("<a>&nope;</a>")).toThrow(XmlParseError);
    expect(() => parseXml("<a></a><b/>")).toThrow(/after the root/);
  });
});

describe("CameraInfo and foxglove conversions", () => {
  const cam = sampleCalibration().cameras[1]!;

  it("round-trips sensor_msgs/CameraInfo", () => {
    const msg = cameraInfoFromModel(cam, 1_700_000_000_123_456_789n);
    expect(msg.header).toEqual({ stamp: { sec: 1_700_000_000, nanosec: 123_456_789 }, frame_id: cam.frame });
    expect(msg.k).toEqual(cam.K);
    expect(msg.roi.do_rectify).toBe(false);
    expect(cameraInfoStampNs(msg)).toBe(1_700_000_000_123_456_789n);
    expect(modelFromCameraInfo(msg, cam.name)).toEqual(cam);
    expect(() => modelFromCameraInfo({ ...msg, binning_x: 2 })).toThrow(CameraInfoError);
    expect(() => modelFromCameraInfo({ ...msg, k: [1, 2] })).toThrow(/k has 2 values/);
  });

  it("round-trips foxglove.CameraCalibration and FrameTransform", () => {
    const fc = toFoxgloveCameraCalibration(cam, -1n);
    expect(fc.timestamp).toEqual({ sec: -1, nsec: 999_999_999 });
    expect(foxgloveStampNs(fc)).toBe(-1n);
    expect(Object.keys(fc).sort()).toEqual(["D", "K", "P", "R", "distortion_model", "frame_id", "height", "timestamp", "width"]);
    expect(fromFoxgloveCameraCalibration(fc, cam.name)).toEqual(cam);

    const cal = sampleCalibration();
    const ft = toFoxgloveFrameTransform(cal.extrinsics[1]!, 5n);
    expect(Object.keys(ft).sort()).toEqual(["child_frame_id", "parent_frame_id", "rotation", "timestamp", "translation"]);
    expect(ft.translation).toEqual({ x: -0.15, y: 0, z: 0.75 });
    const { transforms, cameras } = calibrationToFoxglove(cal, 10n);
    expect(cameras).toHaveLength(2);
    const back = fromFoxgloveFrameTransforms(transforms);
    back.forEach((b, i) => {
      const t = cal.extrinsics[i]!;
      expect([b.parent, b.child]).toEqual([t.parent, t.child]);
      expect(translationDifference(b, t)).toBe(0);
      expect(rotationDifference(b, t)).toBeLessThan(1e-15);
    });
  });
});
