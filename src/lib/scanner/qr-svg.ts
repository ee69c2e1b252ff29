/**
 * A QR code as one SVG path (no canvas, no innerHTML): each row's dark runs become
 * `M x y h w v 1 h -w z`, in module units on a `size`×`size` grid (no quiet zone; the
 * component adds one). Upper-case text lets the code use alphanumeric mode (smaller, so it
 * reads from farther away), which is why payloads are written in upper case.
 */
import QRCode from 'qrcode';

export interface QrPath {
  size: number;
  d: string;
}

export function qrPath(text: string): QrPath {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = modules.size;
  let d = '';
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size;) {
      if (!modules.get(y, x)) {
        x++;
        continue;
      }
      let w = 1;
      while (x + w < size && modules.get(y, x + w)) w++;
      d += `M${x} ${y}h${w}v1h-${w}z`;
      x += w;
    }
  }
  return { size, d };
}
