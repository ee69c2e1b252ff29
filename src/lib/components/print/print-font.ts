/**
 * Noto Sans, the PDF's font, for the print page's preview: served by this app from the font
 * files the renderer uses, so the preview's glyphs have the widths its layout was measured
 * with (src/lib/print/metrics.ts).
 */
import regularUrl from '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf?url';
import boldUrl from '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf?url';

/** The family name the preview's text asks for. */
export const PRINT_FONT = 'Kanbridge Print Noto Sans';

let loading: Promise<void> | null = null;

/** Adds both weights to the document (once) and resolves when they are ready. */
export function loadPrintFont(): Promise<void> {
  if (typeof document === 'undefined' || typeof FontFace === 'undefined') return Promise.resolve();
  loading ??= Promise.all(
    (
      [
        ['400', regularUrl],
        ['700', boldUrl]
      ] as const
    ).map(async ([weight, url]) => {
      const face = new FontFace(PRINT_FONT, `url(${url})`, { weight });
      document.fonts.add(face);
      await face.load();
    })
  ).then(() => undefined);
  return loading;
}
