/**
 * Where the preview draws things, in millimetres, following the PDF renderer
 * (server/print/render.ts: drawCard, drawColumnSign, drawBoardSign) measure for measure, so a
 * card's QR code, code, title box and rows sit where the printer puts them. The preview
 * scales a page with one CSS length, `--mm`, so these numbers are all it needs.
 *
 * Text is placed by its baseline, as the PDF does; a line box of `line-height: 1` puts the
 * baseline about 0.87 em below its top in Noto Sans and the usual system fonts.
 */
import { PT_PER_MM, type CardSheetLayout } from '$lib/print/layouts';

/** Points (type sizes in the renderer) to millimetres. */
export const ptMm = (pt: number): number => pt / PT_PER_MM;

const BASELINE = 0.87;

/** Top of a one-line box whose baseline sits at `baselineMm`, for text of `sizePt`. */
export const lineTop = (baselineMm: number, sizePt: number): number => baselineMm - BASELINE * ptMm(sizePt);

/** A QR symbol of `side` mm with `modules` modules a side and the quiet zone it needs. */
export const quiet = (side: number, modules: number): number => (4 * side) / modules;

export interface CardGeometry {
  pad: number;
  qr: { x: number; y: number; side: number };
  code: { top: number; sizePt: number };
  /** The box from the title's top to the card's bottom padding (title, then the rows). */
  body: { top: number; bottom: number };
  /** The part of the title box beside the QR code's quiet zone: text flows round it. */
  qrFloat: { w: number; h: number };
  meta: number;
  stampPt: number;
  tagPt: number;
}

/** A card of `layout` whose QR symbol has `modules` modules a side. */
export function cardGeometry(layout: CardSheetLayout, modules: number): CardGeometry {
  const st = layout.style;
  const w = layout.card.wMm;
  const pad = st.padMm;
  const side = st.qrMm;
  const q = quiet(side, modules);
  const edge = Math.max(pad, q);
  const qr = { x: w - edge - side, y: edge, side };
  const codeBaseline = pad + ptMm(st.codePt * 0.74);
  const titleTop = codeBaseline + ptMm(st.codePt * 0.55);
  return {
    pad,
    qr,
    code: { top: lineTop(codeBaseline, st.codePt), sizePt: st.codePt },
    body: { top: titleTop, bottom: pad },
    qrFloat: { w: w - pad - (qr.x - q), h: Math.max(0, qr.y + side + q - titleTop) },
    meta: st.metaPt,
    stampPt: Math.max(5.5, st.metaPt * 0.68),
    tagPt: st.metaPt * 0.86
  };
}
