/**
 * Writes src/lib/print/metrics.ts: the advance width of every character in Noto Sans regular
 * and bold, read from the font files the PDF renderer uses. The print page's preview measures
 * text with this table, so it wraps titles exactly where the PDF does.
 * Run: node scripts/print-metrics.mjs
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';

const require = createRequire(import.meta.url);
const FILES = {
  regular: '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf'
};

/** Runs of consecutive code points: "start:w,w,w;start:w,…" (start in hex, widths in font units). */
function table(file) {
  const font = fontkit.create(readFileSync(require.resolve(file)));
  if (font.unitsPerEm !== 1000) throw new Error(`${file}: expected 1000 units per em, got ${font.unitsPerEm}`);
  const cps = [...new Set(font.characterSet)].sort((a, b) => a - b);
  const runs = [];
  for (const cp of cps) {
    const w = font.glyphForCodePoint(cp).advanceWidth;
    const last = runs[runs.length - 1];
    if (last && last.start + last.widths.length === cp) last.widths.push(w);
    else runs.push({ start: cp, widths: [w] });
  }
  return runs.map((r) => `${r.start.toString(16)}:${r.widths.join(',')}`).join(';');
}

const out = `/**
 * Advance widths of Noto Sans (regular and bold), in thousandths of an em, generated from the
 * font files the PDF renderer uses by scripts/print-metrics.mjs. Do not edit by hand.
 * Format: runs of consecutive code points, "start:w,w,…;start:…" (start in hexadecimal).
 */
export const NOTO_SANS_ADVANCES = {
  regular: '${table(FILES.regular)}',
  bold: '${table(FILES.bold)}'
} as const;
`;
writeFileSync(new URL('../src/lib/print/metrics.ts', import.meta.url), out);
