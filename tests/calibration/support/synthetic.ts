// Synthetic calibration scenes with known truth.
import { makeTransform, composeTransforms, transformPoint, type RigidTransform } from "../../../calibration/math/rigid.ts";
import { rotvecToQuat } from "../../../calibration/math/so3.ts";
import { projectPoint } from "../../../calibration/projection.ts";
import type { CameraModel } from "../../../calibration/model/types.ts";
import type { PlanarView } from "../../../calibration/solvers/intrinsics.ts";
import { gaussian, seededRandom, uniform } from "../../support/random.ts";

export function checkerboardCorners(cols: number, rows: number, square: number): [number, number][] {
  const pts: [number, number][] = [];
  for (let j = 0; j < rows; j++) for (let i = 0; i < cols; i++) pts.push([i * square, j * square]);
  return pts;
}

/** A small random rotation perturbation of `sigmaRad` per axis and translation noise `sigmaM`. */
export function perturb(t: RigidTransform, sigmaRad: number, sigmaM: number, normal: () => number): RigidTransform {
  const noise = makeTransform([normal() * sigmaM, normal() * sigmaM, normal() * sigmaM], rotvecToQuat([normal() * sigmaRad, normal() * sigmaRad, normal() * sigmaRad]));
  const rotated = composeTransforms(t, makeTransform([0, 0, 0], noise.rotation));
  return makeTransform(
    [rotated.translation[0]! + noise.translation[0]!, rotated.translation[1]! + noise.translation[1]!, rotated.translation[2]! + noise.translation[2]!],
    rotated.rotation,
  );
}

export interface BoardScene {
  views: PlanarView[];
  truePoses: RigidTransform[];
}

/** Views of a planar board from varied tilts, every corner inside the image, pixel noise `sigmaPx`. */
export function synthesizeBoardViews(camera: CameraModel, count: number, seed: number, sigmaPx: number, cols = 9, rows = 6, square = 0.03, minDepth = 0.25, maxDepth = 0.45): BoardScene {
  const rand = seededRandom(seed);
  const normal = gaussian(rand);
  const corners = checkerboardCorners(cols, rows, square);
  const centre: [number, number, number] = [((cols - 1) * square) / 2, ((rows - 1) * square) / 2, 0];
  const views: PlanarView[] = [];
  const truePoses: RigidTransform[] = [];
  const margin = 5;
  while (views.length < count) {
    const rot = rotvecToQuat([uniform(rand, -0.75, 0.75), uniform(rand, -0.75, 0.75), uniform(rand, -0.5, 0.5)]);
    const depth = uniform(rand, minDepth, maxDepth);
    const rotOnly = makeTransform([0, 0, 0], rot);
    const c = transformPoint(rotOnly, centre);
    // Aim the board centre at a random spot of the central image area so corners reach the edges.
    const ax = (uniform(rand, 0.2, 0.8) * camera.width - camera.K[2]!) / camera.K[0]!;
    const ay = (uniform(rand, 0.2, 0.8) * camera.height - camera.K[5]!) / camera.K[4]!;
    const pose = makeTransform([ax * depth - c[0], ay * depth - c[1], depth - c[2]], rot);
    const pixels: [number, number][] = [];
    let ok = true;
    for (const [x, y] of corners) {
      const p = projectPoint(camera, transformPoint(pose, [x, y, 0]));
      if (!p || p[0] < margin || p[1] < margin || p[0] > camera.width - margin || p[1] > camera.height - margin) {
        ok = false;
        break;
      }
      pixels.push([p[0] + normal() * sigmaPx, p[1] + normal() * sigmaPx]);
    }
    if (!ok) continue;
    views.push({ objectPoints: corners, imagePoints: pixels });
    truePoses.push(pose);
  }
  return { views, truePoses };
}
