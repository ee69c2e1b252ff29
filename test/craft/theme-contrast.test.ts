/**
 * The theme's colours, read from src/app.css: every text colour meets WCAG AA (4.5:1) on every
 * surface it is drawn on, in the light and the dark theme.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const css = readFileSync(new URL('../../src/app.css', import.meta.url), 'utf8');

function tokens(block: string): Record<string, string> {
  return Object.fromEntries([...block.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})\s*;/gi)].map((m) => [m[1], m[2].toLowerCase()]));
}

const rootBlock = css.slice(css.indexOf(':root {'), css.indexOf('}', css.indexOf(':root {')));
const darkStart = css.indexOf('@media (prefers-color-scheme: dark)');
const darkBlock = css.slice(darkStart, css.indexOf('}', css.indexOf(':root {', darkStart)));
const THEMES = { light: tokens(rootBlock), dark: { ...tokens(rootBlock), ...tokens(darkBlock) } };

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5]
    .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const TEXT = ['text', 'text-2', 'text-3', 'accent', 'accent-hover', 'danger', 'warn', 'ok'];
const SURFACES = ['bg', 'bg-raised', 'column', 'column-over', 'card', 'card-hover'];
/** Pairs drawn on top of each other besides text on a surface: tinted chips, filled buttons and badges. */
const PAIRS: [string, string][] = [
  ['accent', 'accent-soft'],
  ['danger', 'danger-soft'],
  ['warn', 'warn-soft'],
  ['ok', 'ok-soft'],
  ['text', 'accent-soft'],
  ['text-2', 'accent-soft'],
  ['text-3', 'accent-soft'],
  ['on-accent', 'accent'],
  ['on-accent', 'accent-hover'],
  ['bg-raised', 'danger']
];

describe('theme colours meet WCAG AA', () => {
  it('reads both themes from app.css', () => {
    for (const theme of Object.values(THEMES))
      for (const name of [...TEXT, ...SURFACES, ...PAIRS.flat()]) expect(theme[name], name).toMatch(/^#[0-9a-f]{6}$/);
    expect(THEMES.dark.bg).not.toBe(THEMES.light.bg);
  });

  for (const [name, theme] of Object.entries(THEMES)) {
    it(`${name}: every text colour on every surface, and the tinted and filled pairs`, () => {
      const pairs: [string, string][] = [...TEXT.flatMap((t) => SURFACES.map((s): [string, string] => [t, s])), ...PAIRS];
      const low = pairs
        .map(([fg, bg]) => ({ fg, bg, ratio: contrast(theme[fg], theme[bg]) }))
        .filter((p) => p.ratio < 4.5)
        .map((p) => `--${p.fg} on --${p.bg}: ${p.ratio.toFixed(2)}`);
      expect(low).toEqual([]);
    });
  }
});
