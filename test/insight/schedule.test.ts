/** The portfolio's schedule status: the 85 % forecast finish of the remaining work against the planned end. */
import { describe, expect, it } from 'vitest';
import { scheduleForecast } from '../../src/lib/insight/schedule';
import { addDays, dayOf, dayStart } from '../../src/lib/insight/time';
import { History } from './history';

const NOW = Date.parse('2026-03-29T18:00:00Z');
const TODAY = dayOf(NOW);

/** 28 days of exactly 3 cards finished a day, then `open` cards waiting in To do. */
function board(open: number): History {
  const first = addDays(TODAY, -27);
  const h = new History(['To do', 'Doing', 'Done'], new Date(dayStart(first)).toISOString());
  let n = 0;
  for (let d = 0; d < 28; d++) {
    const base = dayStart(addDays(first, d));
    for (let i = 0; i < 3; i++) {
      const title = `Done ${++n}`;
      h.at(new Date(base + 3_600_000).toISOString()).create(title, 'Doing');
      h.at(new Date(base + 7_200_000).toISOString()).move(title, 'Done');
    }
  }
  h.at(new Date(NOW - 60_000).toISOString());
  for (let i = 0; i < open; i++) h.create(`Open ${i}`, 'To do');
  return h;
}

describe('schedule status from the forecast', () => {
  it('is green when the 85% date of the remaining work is on or before the planned end', () => {
    // 30 cards at exactly 3 a day: 10 days from today in every run.
    const s = scheduleForecast(board(30).events, { plannedEnd: addDays(TODAY, 10) }, NOW);
    expect(s).toEqual({
      remaining: 30,
      plannedEnd: addDays(TODAY, 10),
      p50: addDays(TODAY, 10),
      p85: addDays(TODAY, 10),
      status: 'green',
      reason: null
    });
  });

  it('is red when even the 50% date is after the planned end', () => {
    expect(scheduleForecast(board(30).events, { plannedEnd: addDays(TODAY, 9) }, NOW)).toMatchObject({
      p85: addDays(TODAY, 10),
      status: 'red'
    });
  });

  it('is green with nothing left to do, and says when there is too little history instead of a status', () => {
    const done = new History(['To do', 'Doing', 'Done'], '2026-03-20T09:00:00Z');
    done.create('Only', 'Doing').at('2026-03-21T09:00:00Z').move('Only', 'Done');
    expect(scheduleForecast(done.events, { plannedEnd: TODAY }, NOW)).toMatchObject({ remaining: 0, status: 'green' });
    done.create('Next', 'To do');
    expect(scheduleForecast(done.events, { plannedEnd: TODAY }, NOW)).toEqual({
      remaining: 1,
      plannedEnd: TODAY,
      p50: null,
      p85: null,
      status: null,
      reason: 'not enough history (1 of 5 finished cards in the last 84 days)'
    });
  });
});
