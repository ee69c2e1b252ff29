/**
 * Text sized like the PDF sizes it: the largest size from `maxPt` down to `minPt`, in the
 * renderer's half-point steps, at which the element's text fits its box. The size is set as
 * the element's `--fit-pt` custom property (the stylesheet turns points into page-relative
 * lengths), so a fit found at one zoom holds at every other: a resize only re-fits when the
 * box's shape changes.
 */
import type { Attachment } from 'svelte/attachments';

/** `content` is not read: passing it makes the attachment re-run when the text changes. */
export function fitText(minPt: number, maxPt: number, content: string): Attachment<HTMLElement> {
  return (el) => {
    void content;
    const steps = Math.round((maxPt - minPt) / 0.5);
    const sizeAt = (i: number) => maxPt - i * 0.5;
    const fits = (i: number) => {
      el.style.setProperty('--fit-pt', String(sizeAt(i)));
      return el.scrollHeight <= el.clientHeight + 1 && el.scrollWidth <= el.clientWidth + 1;
    };
    let shape = '';
    const fit = () => {
      if (!el.clientWidth || !el.clientHeight) return;
      const now = (el.clientWidth / el.clientHeight).toFixed(2);
      if (now === shape) return;
      shape = now;
      // Smallest step that fits (sizes only get easier to fit going down); the last step
      // when none does, as the PDF then keeps the smallest size and cuts the text.
      let lo = 0;
      let hi = steps;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (fits(mid)) hi = mid;
        else lo = mid + 1;
      }
      el.style.setProperty('--fit-pt', String(sizeAt(lo)));
    };
    const observer = new ResizeObserver(fit);
    observer.observe(el);
    // Web fonts change every measure when they arrive.
    void document.fonts?.ready.then(() => {
      shape = '';
      fit();
    });
    return () => observer.disconnect();
  };
}
