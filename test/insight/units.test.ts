import { describe, expect, it } from 'vitest';
import { parsePeriod, periodOrDefault } from '../../src/lib/insight/period';
import { percentile, percentiles } from '../../src/lib/insight/percentile';
import { addDays, daysFrom, weekStart } from '../../src/lib/insight/time';
import { histogram } from '../../src/lib/insight/times';

describe('percentiles by nearest rank', () => {
  it('returns an observed value with at least p % at or below it', () => {
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(ten, 50)).toBe(5);
    expect(percentile(ten, 85)).toBe(9);
    expect(percentile(ten, 95)).toBe(10);
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([], 50)).toBeNull();
    expect(percentiles([3, 1, 2])).toEqual({ count: 3, p50: 2, p70: 3, p85: 3, p95: 3 });
  });
});

describe('days and weeks', () => {
  it('starts weeks on Monday, also for a Sunday', () => {
    expect(weekStart('2026-03-08')).toBe('2026-03-02'); // Sunday
    expect(weekStart('2026-03-09')).toBe('2026-03-09'); // Monday
    expect(weekStart('2026-01-01')).toBe('2025-12-29'); // across a year
  });

  it('lists days with both ends, across month ends', () => {
    expect(daysFrom('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(daysFrom('2026-03-02', '2026-03-01')).toEqual([]);
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});

describe('periods', () => {
  const now = Date.parse('2026-03-15T12:00:00Z');
  it('defaults to the twelve weeks up to today', () => {
    expect(parsePeriod(null, null, now)).toEqual({ ok: true, period: { from: '2025-12-22', to: '2026-03-15' } });
    expect(parsePeriod(null, '2026-01-31', now)).toEqual({ ok: true, period: { from: '2025-11-09', to: '2026-01-31' } });
  });

  it("starts a young board's default period on its first day, but never more than twelve weeks back", () => {
    expect(parsePeriod(null, null, now, '2026-03-14')).toEqual({ ok: true, period: { from: '2026-03-14', to: '2026-03-15' } });
    expect(parsePeriod(null, null, now, '2026-03-15')).toEqual({ ok: true, period: { from: '2026-03-15', to: '2026-03-15' } });
    expect(parsePeriod(null, null, now, '2025-01-01')).toEqual({ ok: true, period: { from: '2025-12-22', to: '2026-03-15' } });
    // An explicit from wins, and a board made after the asked end keeps twelve weeks.
    expect(parsePeriod('2026-03-01', null, now, '2026-03-14')).toEqual({ ok: true, period: { from: '2026-03-01', to: '2026-03-15' } });
    expect(parsePeriod(null, '2026-01-31', now, '2026-03-14')).toEqual({ ok: true, period: { from: '2025-11-09', to: '2026-01-31' } });
    expect(periodOrDefault('x', null, now, '2026-03-14')).toEqual({
      period: { from: '2026-03-14', to: '2026-03-15' },
      error: 'from must be a date (YYYY-MM-DD)'
    });
  });

  it('refuses bad dates, reversed and overlong periods with a reason', () => {
    expect(parsePeriod('2026-02-30', null, now)).toEqual({ ok: false, message: 'from must be a date (YYYY-MM-DD)' });
    expect(parsePeriod('2026-03-10', '2026-03-01', now)).toEqual({ ok: false, message: 'from must not be after to' });
    expect(parsePeriod('2020-01-01', '2026-01-01', now)).toMatchObject({ ok: false });
  });
});

describe('histogram', () => {
  it('bins by whole days from 0, each bin including its lower edge', () => {
    expect(histogram([0, 0.25, 2, 3.13, 4.5, 6.08])).toEqual([
      { from: 0, to: 1, count: 2 },
      { from: 1, to: 2, count: 0 },
      { from: 2, to: 3, count: 1 },
      { from: 3, to: 4, count: 1 },
      { from: 4, to: 5, count: 1 },
      { from: 5, to: 6, count: 0 },
      { from: 6, to: 7, count: 1 }
    ]);
    expect(histogram([])).toEqual([]);
  });

  it('widens the bins rather than draw more than the maximum', () => {
    // Up to 61 days in at most 30 bins: 3-day bins, 0–3 … 60–63.
    const bins = histogram([0, 59, 61], 30);
    expect(bins).toHaveLength(21);
    expect(bins[20]).toEqual({ from: 60, to: 63, count: 1 });
    expect(bins.filter((b) => b.count).map((b) => b.from)).toEqual([0, 57, 60]);
  });
});

describe('a page period', () => {
  it('falls back to the default period, keeping the reason', () => {
    const now = Date.parse('2026-03-15T12:00:00Z');
    expect(periodOrDefault('2026-03-10', '2026-03-01', now)).toEqual({
      period: { from: '2025-12-22', to: '2026-03-15' },
      error: 'from must not be after to'
    });
    expect(periodOrDefault('2026-03-01', '2026-03-10', now)).toEqual({ period: { from: '2026-03-01', to: '2026-03-10' }, error: null });
  });
});
