import { describe, expect, it } from 'vitest';
import { parsePeriod } from '../../src/lib/insight/period';
import { percentile, percentiles } from '../../src/lib/insight/percentile';
import { addDays, daysFrom, weekStart } from '../../src/lib/insight/time';

describe('percentiles by nearest rank', () => {
  it('returns an observed value with at least p % at or below it', () => {
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(ten, 50)).toBe(5);
    expect(percentile(ten, 85)).toBe(9);
    expect(percentile(ten, 95)).toBe(10);
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([], 50)).toBeNull();
    expect(percentiles([3, 1, 2])).toEqual({ count: 3, p50: 2, p85: 3, p95: 3 });
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

  it('refuses bad dates, reversed and overlong periods with a reason', () => {
    expect(parsePeriod('2026-02-30', null, now)).toEqual({ ok: false, message: 'from must be a date (YYYY-MM-DD)' });
    expect(parsePeriod('2026-03-10', '2026-03-01', now)).toEqual({ ok: false, message: 'from must not be after to' });
    expect(parsePeriod('2020-01-01', '2026-01-01', now)).toMatchObject({ ok: false });
  });
});
