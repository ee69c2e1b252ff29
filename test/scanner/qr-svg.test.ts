import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';
import { qrPath } from '../../src/lib/scanner/qr-svg';
import { scannerUrl } from '../../src/lib/scanner/secure-origin';
import { rasterPath } from './raster';

describe('the join QR', () => {
  it('draws a code that reads back as the scanner address', () => {
    const url = scannerUrl('https://192.168.1.20:3000/', 'b_k3j9x0q2m1ab');
    expect(url).toBe('https://192.168.1.20:3000/boards/b_k3j9x0q2m1ab/scan');
    const { size, d } = qrPath(url);
    const img = rasterPath(size, d);
    expect(jsQR(img.data, img.width, img.height)?.data).toBe(url);
  });
});
