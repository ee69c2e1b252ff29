import jsQR from 'jsqr';
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import ScannerJoinQr from '../../src/lib/components/scanner/ScannerJoinQr.svelte';
import { rasterPath } from './raster';

describe('ScannerJoinQr', () => {
  it('shows the scanner address as a QR code and typed out', () => {
    const { body } = render(ScannerJoinQr, { props: { boardId: 'b_k3j9x0q2m1ab', origin: 'https://192.168.1.20:3000' } });
    const url = 'https://192.168.1.20:3000/boards/b_k3j9x0q2m1ab/scan';
    expect(body).toContain(`data-scanner-url="${url}"`);
    expect(body).toContain(`<code class="url svelte-`);
    expect(body).toContain(`>${url}</code>`);
    const d = /<path d="([^"]+)"/.exec(body)?.[1] ?? '';
    const size = Number(/viewBox="-3 -3 (\d+)/.exec(body)?.[1]) - 6;
    const img = rasterPath(size, d);
    expect(jsQR(img.data, img.width, img.height)?.data).toBe(url);
  });

  it('warns when phones cannot reach the address, or will keep the camera off', () => {
    expect(render(ScannerJoinQr, { props: { boardId: 'b_1', origin: 'http://localhost:3000' } }).body).toContain('Phones cannot open');
    expect(render(ScannerJoinQr, { props: { boardId: 'b_1', origin: 'http://192.168.1.20:3000' } }).body).toContain('HTTPS=1');
    const secure = render(ScannerJoinQr, { props: { boardId: 'b_1', origin: 'https://192.168.1.20:3000' } }).body;
    expect(secure).not.toContain('Phones cannot open');
    expect(secure).not.toContain('HTTPS=1');
  });
});
