/**
 * The wall's own frame, recovered from the QR codes on it: a transform from photo pixels to
 * wall coordinates where lanes run straight down (x across the wall, y down it).
 *
 * Every printed code has an orientation (its corners come top-left, top-right, … in the code's
 * own frame), and cards and signs hang roughly upright. In a tilted photo all of them turn
 * together; in perspective their "up" directions converge on the vertical vanishing point and
 * their "right" directions on the horizontal one. Both points are fitted to all codes at once
 * (least squares on the lines through each code, reweighted so a crooked card counts less), and
 * the line through them is sent back to infinity. What remains is an affine map, which keeps
 * straight lines straight and parallel lines parallel: lanes become vertical strips and "above"
 * means above. Scale may differ between the axes; nothing here needs true millimetres.
 *
 * With few codes, or an estimate that puts a vanishing point inside the photo (which a real wall
 * photo never has), perspective is left out and only the mean rotation is undone.
 */
import { apply, cross, multiply, smallestEigenvector, type Mat3, type Vec3 } from './homography';
import type { Corners, Point } from './types';

export interface WallFrame {
  /** Photo pixels → wall coordinates. */
  toWall: Mat3;
  /** Whether perspective was corrected (false: rotation only). */
  perspective: boolean;
}

interface Oriented {
  centre: Point;
  /** From the bottom edge to the top edge, in photo pixels. */
  up: Point;
  /** From the left edge to the right edge. */
  right: Point;
}

/** Below this many codes a vanishing point is mostly noise. */
const MIN_CODES_FOR_PERSPECTIVE = 6;
/** A vanishing point closer than this (in radii of the codes' spread) is not believed. */
const MIN_VANISHING_DISTANCE = 2.5;
/** Angle (radians) at which a code's weight in the fit halves: cards hang a few degrees off. */
const CROOKED = (6 * Math.PI) / 180;

export function orientation(c: Corners): Oriented {
  const [tl, tr, br, bl] = c;
  return {
    centre: { x: (tl.x + tr.x + br.x + bl.x) / 4, y: (tl.y + tr.y + br.y + bl.y) / 4 },
    up: { x: (tl.x - bl.x + tr.x - br.x) / 2, y: (tl.y - bl.y + tr.y - br.y) / 2 },
    right: { x: (tr.x - tl.x + br.x - bl.x) / 2, y: (tr.y - tl.y + br.y - bl.y) / 2 }
  };
}

/** The wall frame from the corners of codes hung upright (cards and signs, not unknown QR codes). */
export function wallFrame(quads: readonly Corners[]): WallFrame {
  if (quads.length === 0) return { toWall: [1, 0, 0, 0, 1, 0, 0, 0, 1], perspective: false };
  const codes = quads.map(orientation);
  // Work in coordinates centred on the codes and scaled to unit spread, so the fits are
  // well conditioned whatever the photo's size.
  const mean = codes.reduce((m, c) => ({ x: m.x + c.centre.x / codes.length, y: m.y + c.centre.y / codes.length }), { x: 0, y: 0 });
  const spread = Math.sqrt(codes.reduce((s, c) => s + (c.centre.x - mean.x) ** 2 + (c.centre.y - mean.y) ** 2, 0) / codes.length) || 1;
  const normalise: Mat3 = [1 / spread, 0, -mean.x / spread, 0, 1 / spread, -mean.y / spread, 0, 0, 1];
  const local = codes.map((c) => ({ centre: apply(normalise, c.centre), up: unit(c.up), right: unit(c.right) }));

  const upMean = meanAxis(local.map((c) => c.up));
  const rightMean = meanAxis(local.map((c) => c.right));
  let vUp: Vec3 = [upMean.x, upMean.y, 0];
  let vRight: Vec3 = [rightMean.x, rightMean.y, 0];
  let perspective = false;
  if (local.length >= MIN_CODES_FOR_PERSPECTIVE) {
    const fitUp = vanishingPoint(
      local.map((c) => ({ at: c.centre, dir: c.up })),
      vUp
    );
    const fitRight = vanishingPoint(
      local.map((c) => ({ at: c.centre, dir: c.right })),
      vRight
    );
    if (believable(fitUp) && believable(fitRight)) {
      vUp = fitUp;
      vRight = fitRight;
      perspective = true;
    }
  }

  // Send the line through both vanishing points to infinity (affine rectification).
  let rectify: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  if (perspective) {
    const horizon = cross(vUp, vRight);
    rectify = [1, 0, 0, 0, 1, 0, horizon[0] / horizon[2], horizon[1] / horizon[2], 1];
    // Every code must stay on the near side of the horizon, or the map folds the wall.
    if (!local.every((c) => rectify[6] * c.centre.x + rectify[7] * c.centre.y + 1 > 0.2)) {
      rectify = [1, 0, 0, 0, 1, 0, 0, 0, 1];
      vUp = [upMean.x, upMean.y, 0];
      vRight = [rightMean.x, rightMean.y, 0];
      perspective = false;
    }
  }
  // After rectification both vanishing points are at infinity: their directions are the
  // wall's axes. Orient them like the codes (up is up, right is right).
  const down = orient(
    { x: -vUp[0], y: -vUp[1] },
    local.map((c) => ({ x: -c.up.x, y: -c.up.y })),
    rectify,
    local.map((c) => c.centre)
  );
  const across = orient(
    { x: vRight[0], y: vRight[1] },
    local.map((c) => c.right),
    rectify,
    local.map((c) => c.centre)
  );
  // Wall coordinates (a, b) solve q = a·across + b·down.
  const det = across.x * down.y - down.x * across.y;
  const toAxes: Mat3 = [down.y / det, -down.x / det, 0, -across.y / det, across.x / det, 0, 0, 0, 1];
  return { toWall: multiply(toAxes, multiply(rectify, normalise)), perspective };
}

function unit(p: Point): Point {
  const n = Math.hypot(p.x, p.y) || 1;
  return { x: p.x / n, y: p.y / n };
}

/** Mean of directions (unit vectors), robust to a few codes hung upside down or sideways. */
function meanAxis(dirs: Point[]): Point {
  // Average in doubled-angle space, so opposite directions agree on the axis, then pick the
  // sign most of the codes share.
  let c = 0,
    s = 0;
  for (const d of dirs) {
    const a = 2 * Math.atan2(d.y, d.x);
    c += Math.cos(a);
    s += Math.sin(a);
  }
  const axis = { x: Math.cos(Math.atan2(s, c) / 2), y: Math.sin(Math.atan2(s, c) / 2) };
  const votes = dirs.reduce((v, d) => v + Math.sign(d.x * axis.x + d.y * axis.y), 0);
  return votes < 0 ? { x: -axis.x, y: -axis.y } : axis;
}

/**
 * The point the lines (at, dir) meet, in homogeneous coordinates: least squares on each line's
 * distance, reweighted so the residual is the angle between a line and the direction towards
 * the point (a far point is as good as one at infinity), and so crooked cards count less.
 */
function vanishingPoint(lines: { at: Point; dir: Point }[], start: Vec3): Vec3 {
  const hom = lines.map(({ at, dir }) => cross([at.x, at.y, 1], [dir.x, dir.y, 0]));
  let v = start;
  for (let iter = 0; iter < 8; iter++) {
    const s: Mat3 = [0, 0, 0, 0, 0, 0, 0, 0, 0];
    lines.forEach(({ at, dir }, i) => {
      const towards = { x: v[0] - v[2] * at.x, y: v[1] - v[2] * at.y };
      const n = Math.hypot(towards.x, towards.y) || 1e-9;
      const angle = Math.asin(Math.min(1, Math.abs(dir.x * towards.y - dir.y * towards.x) / n));
      const w = 1 / (n * n) / (1 + (angle / CROOKED) ** 2);
      const l = hom[i];
      for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) s[r * 3 + c] += w * l[r] * l[c];
    });
    v = smallestEigenvector(s);
  }
  return v;
}

/** A vanishing point well outside the codes' spread (or at infinity). */
function believable(v: Vec3): boolean {
  const finite = Math.hypot(v[0], v[1]);
  return Math.abs(v[2]) * MIN_VANISHING_DISTANCE < finite;
}

/** The axis direction signed to agree with the codes' own directions, seen after rectification. */
function orient(axis: Point, dirs: Point[], rectify: Mat3, at: Point[]): Point {
  let votes = 0;
  dirs.forEach((d, i) => {
    const a = apply(rectify, at[i]),
      b = apply(rectify, { x: at[i].x + 0.01 * d.x, y: at[i].y + 0.01 * d.y });
    votes += Math.sign((b.x - a.x) * axis.x + (b.y - a.y) * axis.y);
  });
  const n = Math.hypot(axis.x, axis.y) || 1;
  return votes < 0 ? { x: -axis.x / n, y: -axis.y / n } : { x: axis.x / n, y: axis.y / n };
}
