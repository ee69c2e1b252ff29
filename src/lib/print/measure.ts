/**
 * Text measured from the table of Noto Sans advances (metrics.ts), for the print page's
 * preview: the same widths the PDF renderer reads from the font files, without loading 1 MB
 * of fonts before the first card can be laid out. Characters Noto Sans lacks (Chinese, kana)
 * are taken as one em wide, as Noto Sans SC draws them in the PDF; invisible format
 * characters the fonts lack take no room, as in the PDF.
 */
import type { Measure, Weight } from './describe';
import { NOTO_SANS_ADVANCES } from './metrics';

const IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;

function decode(runs: string): Map<number, number> {
  const widths = new Map<number, number>();
  for (const run of runs.split(';')) {
    const [start, list] = run.split(':');
    let cp = parseInt(start, 16);
    for (const w of list.split(',')) widths.set(cp++, Number(w) / 1000);
  }
  return widths;
}

let tables: Record<Weight, Map<number, number>> | null = null;

function em(cp: number, weight: Weight): number {
  tables ??= { regular: decode(NOTO_SANS_ADVANCES.regular), bold: decode(NOTO_SANS_ADVANCES.bold) };
  const w = tables[weight].get(cp);
  if (w !== undefined) return w;
  return IGNORABLE.test(String.fromCodePoint(cp)) ? 0 : 1;
}

export const tableMeasure: Measure = {
  widthEm(text: string, weight: Weight): number {
    let sum = 0;
    for (const ch of text) sum += em(ch.codePointAt(0)!, weight);
    return sum;
  }
};
