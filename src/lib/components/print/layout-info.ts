/** How the print page names layouts and their physical sizes (the sizes come from the layouts). */
import { LAYOUTS, type LayoutId } from '$lib/print/layouts';

interface LayoutInfo {
  name: string;
  /** What the paper is and how many go on a page. */
  about: string;
  /** Paper size name, for the preview's caption. */
  paper: string;
  /** Sized in inches (US paper and index cards): show inches beside millimetres. */
  inches: boolean;
}

export const LAYOUT_INFO: Record<LayoutId, LayoutInfo> = {
  'a4-8': { name: 'A4 sheet', about: '8 cards a page, cut along the marks', paper: 'A4', inches: false },
  'letter-6': { name: 'US Letter sheet', about: '6 cards a page, cut along the marks', paper: 'US Letter', inches: true },
  'index-3x5': { name: 'Index card', about: 'One card a page, for a card printer or index stock', paper: 'Index card', inches: true },
  a6: { name: 'A6 card', about: 'One card a page, tall: room for long titles', paper: 'A6', inches: false },
  'sticky-76': { name: 'Sticky note', about: 'One card a page, for 76 mm sticky-note stock', paper: 'Sticky note', inches: false },
  'column-signs': { name: 'Column signs', about: 'A4 landscape, one sign a column', paper: 'A4 landscape', inches: false },
  'board-sign': { name: 'Board sign', about: 'A4 portrait, one sign a board', paper: 'A4', inches: false }
};

const mmText = (v: number) => String(Math.round(v * 10) / 10);
const inText = (v: number) => String(Math.round((v / 25.4) * 100) / 100);

/** "95 × 69.3 mm", or "95.3 × 84.7 mm (3.75 × 3.33 in)" for layouts sized in inches. */
export function sizeText(size: { wMm: number; hMm: number }, inches: boolean): string {
  const metric = `${mmText(size.wMm)} × ${mmText(size.hMm)} mm`;
  return inches ? `${metric} (${inText(size.wMm)} × ${inText(size.hMm)} in)` : metric;
}

/** The size of one card (card layouts) or of the page (signs). */
export function itemSize(id: LayoutId): string {
  const layout = LAYOUTS[id];
  return sizeText(layout.kind === 'cards' ? layout.card : layout.page, LAYOUT_INFO[id].inches);
}
