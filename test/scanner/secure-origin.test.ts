import { describe, expect, it } from 'vitest';
import { httpsVariant, isLocalOnly } from '../../src/lib/scanner/secure-origin';

describe('scanner addresses', () => {
  it('names the https address of the page the phone opened over http', () => {
    expect(httpsVariant('http://kanban.test:3000/boards/b_1/scan?mode=walk')).toBe('https://kanban.test:3000/boards/b_1/scan?mode=walk');
    expect(httpsVariant('http://192.168.1.20:3000/boards/b_1/scan')).toBe('https://192.168.1.20:3000/boards/b_1/scan');
  });

  it('knows which origins a phone cannot reach', () => {
    for (const o of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000', 'http://app.localhost'])
      expect(isLocalOnly(o), o).toBe(true);
    for (const o of ['http://192.168.1.20:3000', 'https://kanban.example.com']) expect(isLocalOnly(o), o).toBe(false);
  });
});
