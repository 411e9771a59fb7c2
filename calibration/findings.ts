// Structured findings shared by validation and comparison, so `calib check` can print them as
// text or JSON without parsing messages.

export type FindingSeverity = "error" | "warning" | "info";

export type FindingCode =
  | "frame_tree_invalid"
  | "root_frame_missing"
  | "unreachable_frame"
  | "camera_frame_missing"
  | "camera_frame_unreachable"
  | "invalid_created_time"
  | "created_in_future"
  | "stale"
  | "invalid_intrinsics"
  | "distortion_coefficient_count"
  | "rectification_not_rotation"
  | "projection_mismatch"
  | "camera_info_unmatched"
  | "camera_info_mismatch"
  | "extrinsic_changed"
  | "extrinsic_missing"
  | "extrinsic_restructured"
  | "camera_changed"
  | "camera_missing"
  | "time_offset_changed"
  | "time_offset_missing"
  // Checks of a calibration against a recording (teledemo calib check on an episode or bag).
  | "calibration_missing"
  | "calibration_sources_disagree"
  | "tf_static_missing"
  | "tf_static_mismatch"
  | "camera_info_missing"
  | "camera_info_absent"
  | "no_sensor_frames"
  | "sensor_frame_unreachable"
  | "reprojection_error"
  | "depth_disagreement"
  | "data_check_skipped"
  | "truth_check_skipped"
  | "recording_problem";

export interface CalibrationFinding {
  severity: FindingSeverity;
  code: FindingCode;
  /** The frame, camera or sensor the finding is about. */
  subject: string;
  message: string;
}

export function hasErrors(findings: readonly CalibrationFinding[]): boolean {
  return findings.some((f) => f.severity === "error");
}
