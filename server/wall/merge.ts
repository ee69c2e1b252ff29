/**
 * Results of several decoding passes merged into one list with one entry per printed code.
 *
 * Every pass reads the same codes again; a text found again within half a code of where it was
 * already found is the same print and is dropped (the first find's corners are kept: passes run
 * from the plainest image to the most processed one). The same text found far away is a second
 * print of the same code and is kept, so that the wall analysis can tell a card hung twice.
 * Corners are always in the photo's own pixel coordinates; passes on cut-outs map theirs back
 * before they get here.
 */
import type { Corners, Point } from '../../src/lib/wall/types';

export interface Found {
  text: string;
  corners: Corners;
  /** The pass that found it first (for tuning and the benchmark). */
  pass: string;
}

export class Findings {
  readonly list: Found[] = [];

  /** Adds a find; returns false when it is one already known. */
  add(f: Found): boolean {
    const c = centre(f.corners);
    if (this.list.some((o) => o.text === f.text && distance(centre(o.corners), c) < diagonal(o.corners) / 2)) return false;
    this.list.push(f);
    return true;
  }

  /** Whether a known code covers this point (a symbol that failed here is one already read). */
  covers(p: Point): boolean {
    return this.list.some((o) => distance(centre(o.corners), p) < diagonal(o.corners) / 2);
  }
}

export function centre(c: Corners): Point {
  return { x: (c[0].x + c[1].x + c[2].x + c[3].x) / 4, y: (c[0].y + c[1].y + c[2].y + c[3].y) / 4 };
}

export function diagonal(c: Corners): number {
  return Math.max(distance(c[0], c[2]), distance(c[1], c[3]));
}

function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}
