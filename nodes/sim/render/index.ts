// The simulated rig's sensor renderers: cameras (rgb8 and 16UC1 depth through K and plumb_bob)
// and a spinning LiDAR (organized PointCloud2), by ray casting against the shared SceneGeometry.
export { createCameraRenderer } from "./camera-renderer.ts";
export type { CameraFrameOut, CameraRenderer, CameraRenderOptions, CameraRenderSpec } from "./camera-renderer.ts";
export { cameraRays } from "./camera-rays.ts";
export type { CameraIntrinsics, CameraRays } from "./camera-rays.ts";
export { createLidar } from "./lidar.ts";
export type { Lidar, LidarOptions, LidarRenderSpec, LidarScan } from "./lidar.ts";
export { LIDAR_POINT_FIELDS, LIDAR_POINT_STEP, packPointCloud2, POINT_FIELD } from "./pointcloud2.ts";
export type { PointCloud2Body, PointField } from "./pointcloud2.ts";
export { distort, plumbBobFromD, undistort } from "./plumb-bob.ts";
export type { PlumbBob } from "./plumb-bob.ts";
export type { SensorPose } from "./pose-matrix.ts";
