// The simulated rig's sensor renderers: cameras (rgb8 and 16UC1 depth through K and plumb_bob)
// and a spinning LiDAR (organized PointCloud2), by ray casting against the shared SceneGeometry.
//
//   const head = createCameraRenderer(profile.cameras[0], { cacheStatic: true }); // fixed mount
//   const wrist = createCameraRenderer(wristSpec);                                // moving mount
//   const rgb = new Uint8Array(w * h * 3), depth = new Uint16Array(w * h);
//   head.render(world.sceneAt(t), base_link_T_optical, { rgb, depth });
//
//   const lidar = createLidar(profile.lidar); const scan = lidar.createScan();
//   lidar.scan(world.sceneAt(t), base_link_T_lidar, 1 / rate_hz, scan);
//   const { height, width, fields, point_step, row_step, data, is_dense } = packPointCloud2(scan);
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
