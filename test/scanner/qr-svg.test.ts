import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';
import { qrPath } from '../../src/lib/scanner/qr-svg';
import { scannerUrl } from '../../src/lib/scanner/secure-origin';

/** Draws the path's runs (M x y h w v1 h-w z) at 4 px per module with a quiet zone. */
function raster(size: number, d: string): { data: Uint8ClampedArray; width: number; height: number } {
  const px = 4, quiet = 4, side = (size + 2 * quiet) * px;
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

describe('the join QR', () => {
  it('draws a code that reads back as the scanner address', () => {
    const url = scannerUrl('https://192.168.1.20:3000/', 'b_k3j9x0q2m1ab');
    expect(url).toBe('https://192.168.1.20:3000/boards/b_k3j9x0q2m1ab/scan');
    const { size, d } = qrPath(url);
    const img = raster(size, d);
    expect(jsQR(img.data, img.width, img.height)?.data).toBe(url);
  });
});
