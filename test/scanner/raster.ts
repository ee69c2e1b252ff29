/** Draws a QR path (runs of `M x y h w v1 h-w z`) at 4 px per module with a 4-module quiet zone, for jsQR. */
export function rasterPath(size: number, d: string): { data: Uint8ClampedArray; width: number; height: number } {
  const px = 4,
    quiet = 4,
    side = (size + 2 * quiet) * px;
  const data = new Uint8ClampedArray(side * side * 4).fill(255);
  for (const m of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    const [x, y, w] = [Number(m[1]), Number(m[2]), Number(m[3])];
    for (let r = 0; r < px; r++) {
      for (let c = 0; c < w * px; c++) {
        const k = (((y + quiet) * px + r) * side + (x + quiet) * px + c) * 4;
        data[k] = data[k + 1] = data[k + 2] = 0;
      }
    }
  }
  return { data, width: side, height: side };
}
