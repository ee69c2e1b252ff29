/**
 * Chart colours from the app's design tokens (light or dark, as the page is), plus a few extra
 * hues for series, chosen to stay apart from each other and readable on both backgrounds.
 */
import type { Stage } from '$lib/domain';

export interface ChartTheme {
  text: string;
  muted: string;
  grid: string;
  accent: string;
  ok: string;
  warn: string;
  danger: string;
  surface: string;
  dark: boolean;
}

const token = (style: CSSStyleDeclaration, name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;

export function readTheme(): ChartTheme {
  const style = getComputedStyle(document.documentElement);
  return {
    text: token(style, '--text-2', '#4d5669'),
    muted: token(style, '--text-3', '#7a8294'),
    grid: token(style, '--line', '#d9dde5'),
    accent: token(style, '--accent', '#4453d6'),
    ok: token(style, '--ok', '#1d7a46'),
    warn: token(style, '--warn', '#9a5b00'),
    danger: token(style, '--danger', '#c42d37'),
    surface: token(style, '--bg-raised', '#ffffff'),
    dark: matchMedia('(prefers-color-scheme: dark)').matches
  };
}

const DOING_LIGHT = ['#4453d6', '#2b8fd1', '#8a55d4', '#c77d12', '#1f9e8c', '#cc4f86'];
const DOING_DARK = ['#8d9bff', '#5cc0f2', '#b99bff', '#f2b44d', '#5fd3c0', '#ff8fbd'];
const TODO_LIGHT = ['#8d96aa', '#b3bac8', '#6f788c'];
const TODO_DARK = ['#6d7688', '#8c94a5', '#565e6e'];

/** One colour per column: greys for queues, distinct hues for work in progress, green for done. */
export function stageColours(stages: readonly Stage[], t: ChartTheme): string[] {
  let todo = 0;
  let doing = 0;
  return stages.map((s) => {
    if (s === 'done') return t.ok;
    if (s === 'todo') return (t.dark ? TODO_DARK : TODO_LIGHT)[todo++ % 3];
    return (t.dark ? DOING_DARK : DOING_LIGHT)[doing++ % 6];
  });
}

/**
 * A #rrggbb colour with transparency, for fills and crowded points. Canvas and Chart.js's own
 * colour parser both read rgba(), while newer CSS forms such as color-mix() they may not.
 */
export function alpha(hex: string, a: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  return `rgba(${parseInt(m[1], 16)}, ${parseInt(m[2], 16)}, ${parseInt(m[3], 16)}, ${a})`;
}
