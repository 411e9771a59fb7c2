// The calibration in force, written into an episode when it starts: one
// foxglove.CameraCalibration message per camera and one foxglove.FrameTransforms with the rig's
// extrinsics (protobuf side channels), plus the calibration files as attachments (teledemo's
// calibration YAML, each camera's ROS camera_calibration YAML, a URDF of the fixed frames).
import {
  calibrationFromRigData,
  calibrationToFoxglove,
  serializeCalibrationYaml,
  writeOstYaml,
  writeUrdf,
  type RigCalibration,
  type RigData,
} from "../../calibration/index.ts";
import type { EpisodeStorage } from "../storage/storage.ts";
import { foxgloveProtobufSchema, toProtoTime } from "./protobuf-schemas.ts";

export type SideStorage = Pick<EpisodeStorage, "createSideChannel" | "writeSide" | "writeAttachment">;

export const CALIBRATION_TOPIC_PREFIX = "/calibration";

export interface CalibrationWritten {
  channels: string[];
  attachments: string[];
}

/** The rig profile's nominal calibration (cameras' K and D, static frames). */
export function calibrationOfProfile(profile: RigData): RigCalibration {
  return calibrationFromRigData(profile, { who: "rig profile" });
}

export function writeCalibration(storage: SideStorage, cal: RigCalibration, stampNs: bigint, robotName = "rig"): CalibrationWritten {
  const written: CalibrationWritten = { channels: [], attachments: [] };
  const fox = calibrationToFoxglove(cal, stampNs);
  const cameraSchema = foxgloveProtobufSchema("CameraCalibration");
  fox.cameras.forEach((camera, i) => {
    const name = cal.cameras[i]?.name ?? camera.frame_id;
    const topic = `${CALIBRATION_TOPIC_PREFIX}/cameras/${name}`;
    storage.createSideChannel({ topic, schemaName: cameraSchema.name, schemaEncoding: "protobuf", schemaData: cameraSchema.data, messageEncoding: "protobuf" });
    storage.writeSide(topic, cameraSchema.encode({ ...camera, timestamp: toProtoTime(camera.timestamp) }), stampNs, stampNs);
    written.channels.push(topic);
  });
  if (fox.transforms.transforms.length > 0) {
    const tfSchema = foxgloveProtobufSchema("FrameTransforms");
    const topic = `${CALIBRATION_TOPIC_PREFIX}/transforms`;
    storage.createSideChannel({ topic, schemaName: tfSchema.name, schemaEncoding: "protobuf", schemaData: tfSchema.data, messageEncoding: "protobuf" });
    const message = { transforms: fox.transforms.transforms.map((t) => ({ ...t, timestamp: toProtoTime(t.timestamp) })) };
    storage.writeSide(topic, tfSchema.encode(message), stampNs, stampNs);
    written.channels.push(topic);
  }
  const encoder = new TextEncoder();
  const attach = (name: string, mediaType: string, text: string) => {
    storage.writeAttachment({ name, mediaType, data: encoder.encode(text), logTimeNs: stampNs });
    written.attachments.push(name);
  };
  attach("calibration/calibration.yaml", "application/yaml", serializeCalibrationYaml(cal));
  for (const camera of cal.cameras) attach(`calibration/cameras/${camera.name}.yaml`, "application/yaml", writeOstYaml(camera));
  if (cal.extrinsics.length > 0) attach("calibration/rig.urdf", "application/xml", writeUrdf(robotName, cal.extrinsics));
  return written;
}
