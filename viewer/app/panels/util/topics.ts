// Which of an episode's topics a panel can use, by message type (the rig's topic names are not
// assumed: fixtures and other robots name them differently).
import type { EpisodeDetail, EpisodeStream } from "../../../shared/http-api.ts";

export const TYPES = {
  image: ["sensor_msgs/msg/Image", "sensor_msgs/Image"],
  cameraInfo: ["sensor_msgs/msg/CameraInfo", "sensor_msgs/CameraInfo"],
  cameraCalibration: ["foxglove.CameraCalibration"],
  pointCloud: ["sensor_msgs/msg/PointCloud2", "sensor_msgs/PointCloud2"],
  jointState: ["sensor_msgs/msg/JointState", "sensor_msgs/JointState"],
  wrench: ["geometry_msgs/msg/WrenchStamped", "geometry_msgs/WrenchStamped"],
  imu: ["sensor_msgs/msg/Imu", "sensor_msgs/Imu"],
  tactile: ["teledemo_msgs/msg/TactileArray", "teledemo_msgs/TactileArray"],
} as const;

export type TopicKind = keyof typeof TYPES;

export function streamsOf(episode: EpisodeDetail, kind: TopicKind): EpisodeStream[] {
  const types: readonly string[] = TYPES[kind];
  return episode.streams.filter((s) => types.includes(s.type) && s.messageCount > 0);
}

export function topicsOf(episode: EpisodeDetail, kind: TopicKind): string[] {
  return streamsOf(episode, kind).map((s) => s.topic);
}

/** The robot's measured joint states: /joint_states when present, else the first JointState topic that is not a teleop/leader command. */
export function measuredJointTopic(episode: EpisodeDetail): string | undefined {
  const all = topicsOf(episode, "jointState");
  return all.find((t) => t === "/joint_states") ?? all.find((t) => !/leader|teleop|command/.test(t)) ?? all[0];
}

/** A short name from a topic: "/tactile/left_gripper/left_pad" → "left_gripper/left_pad". */
export function shortName(topic: string): string {
  const parts = topic.split("/").filter((p) => p && !["tactile", "data", "image_raw", "color", "points"].includes(p));
  return parts.join("/") || topic;
}
