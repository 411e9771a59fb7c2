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
  | "time_offset_missing";

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
