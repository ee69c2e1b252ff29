import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeDecoder } from '../../src/lib/qr/decoder-node';
import { segmentFrames, writeClip } from '../helpers/y4m';

/** The luma plane of frame `i` as RGBA, as a camera would deliver it. */
function frameRgba(file: Buffer, width: number, height: number, i: number) {
  const header = file.indexOf(0x0a) + 1;
  const frameBytes = 6 + width * height * 1.5;
  const start = header + i * frameBytes + 6;
  expect(file.subarray(start - 6, start).toString()).toBe('FRAME\n');
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    data[p * 4] = data[p * 4 + 1] = data[p * 4 + 2] = file[start + p];
    data[p * 4 + 3] = 255;
  }
  return { data, width, height };
}

describe('y4m clips for the fake camera', () => {
  it('shows each segment’s code for its frames, and the bare wall between', async () => {
    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'y4m-')), 'clip.y4m');
    const segments = [{ seconds: 0.2 }, { seconds: 0.3, qr: 'HTTP://KANBAN.TEST:3000/C/7K3M9Q' }, { seconds: 0.1 }];
    await writeClip(file, segments, { width: 320, height: 240, fps: 10 });
    const bytes = await fs.readFile(file);
    expect(bytes.subarray(0, bytes.indexOf(0x0a)).toString()).toBe('YUV4MPEG2 W320 H240 F10:1 Ip A1:1 C420jpeg');
    expect(segmentFrames(segments, 10)).toEqual([2, 3, 1]);
    expect(bytes.length).toBe(bytes.indexOf(0x0a) + 1 + 6 * (6 + 320 * 240 * 1.5));
    const decode = (i: number) => nodeDecoder().decode(frameRgba(bytes, 320, 240, i), { effort: 'frame' });
    expect((await decode(1)).map((r) => r.text)).toEqual([]);
    expect((await decode(3)).map((r) => r.text)).toEqual(['HTTP://KANBAN.TEST:3000/C/7K3M9Q']);
    expect((await decode(5)).map((r) => r.text)).toEqual([]);
  });
});
