/**
 * The hand-computed scenario the metric tests check (2026-03-02 is a Monday). Columns:
 * Backlog (todo) · Doing (in progress, limit 2, raised to 3 on 03-09) · Review (in progress) ·
 * Done. The period is 03-02 … 03-15 (two whole weeks) and the report is taken at 03-15 21:00.
 *
 * | card | story                                                        | cycle | lead  |
 * |------|--------------------------------------------------------------|-------|-------|
 * | A    | Backlog 03-02 09h → Doing 03-03 09h → Review 03-05 09h → Done 03-06 21h | 3.5 | 4.5 |
 * | B    | over a weekend: created Fri 03-06 09h, Doing 12h, Done Mon 03-09 12h   | 3   | 3.125 |
 * | C    | goes backwards: Doing 03-02 12h → Backlog 03-03 → Doing 03-04 → Done Sun 03-08 12h | 6 | 6.083 |
 * | D    | created in Doing 03-02 11h, Done 03-04 11h, reopened 03-05, Done again 03-10 11h | 8 | 8 |
 * | E    | never started (created 03-03 08h in Backlog)                | –     | –     |
 * | F    | Backlog 03-09 09h → Doing 03-10 09h, still open (age 5.5)   | –     | –     |
 * | G    | skips Doing: Backlog 03-11 09h → Done 15h (never started)   | –     | 0.25  |
 * | H    | Backlog 03-02 08h → Doing 03-03 10h → archived 03-05 10h    | –     | –     |
 * | I    | done before the period (02-26), archived from Done 03-04    | –     | –     |
 * | J    | started 02-25 09h, Review 03-12 09h, still open (age 18.5)  | –     | –     |
 */
import { History } from './history';

export const NOW = '2026-03-15T21:00:00.000Z';
export const PERIOD = { from: '2026-03-02', to: '2026-03-15' };

export function scenario(): History {
  const h = new History(['Backlog', { name: 'Doing', wipLimit: 2 }, 'Review', 'Done'], '2026-02-23T08:00:00Z');
  h.at('2026-02-23T09:00:00Z').create('I', 'Backlog');
  h.at('2026-02-24T09:00:00Z').move('I', 'Doing');
  h.at('2026-02-25T09:00:00Z').create('J', 'Doing');
  h.at('2026-02-26T09:00:00Z').move('I', 'Done');
  h.at('2026-03-02T08:00:00Z').create('H', 'Backlog');
  h.at('2026-03-02T09:00:00Z').create('A', 'Backlog', { due: '2026-03-06' });
  h.at('2026-03-02T10:00:00Z').create('C', 'Backlog', { due: '2026-03-05' });
  h.at('2026-03-02T11:00:00Z').create('D', 'Doing');
  h.at('2026-03-02T12:00:00Z').move('C', 'Doing');
  h.at('2026-03-03T08:00:00Z').create('E', 'Backlog');
  h.at('2026-03-03T09:00:00Z').move('A', 'Doing');
  h.at('2026-03-03T10:00:00Z').move('H', 'Doing');
  h.at('2026-03-03T12:00:00Z').move('C', 'Backlog');
  h.at('2026-03-04T09:00:00Z').update('C', { due: '2026-03-10' });
  h.at('2026-03-04T10:00:00Z').archive('I');
  h.at('2026-03-04T11:00:00Z').move('D', 'Done');
  h.at('2026-03-04T12:00:00Z').move('C', 'Doing');
  h.at('2026-03-05T09:00:00Z').move('A', 'Review');
  h.at('2026-03-05T10:00:00Z').archive('H');
  h.at('2026-03-05T11:00:00Z').move('D', 'Doing');
  h.at('2026-03-06T09:00:00Z').create('B', 'Backlog', { due: '2026-03-06' });
  h.at('2026-03-06T12:00:00Z').move('B', 'Doing');
  h.at('2026-03-06T21:00:00Z').move('A', 'Done');
  h.at('2026-03-07T10:00:00Z').update('A', { due: '2026-03-01' });
  h.at('2026-03-08T12:00:00Z').move('C', 'Done');
  h.at('2026-03-09T08:00:00Z').limit('Doing', 3);
  h.at('2026-03-09T09:00:00Z').create('F', 'Backlog');
  h.at('2026-03-09T12:00:00Z').move('B', 'Done');
  h.at('2026-03-10T09:00:00Z').move('F', 'Doing');
  h.at('2026-03-10T11:00:00Z').move('D', 'Done');
  h.at('2026-03-11T09:00:00Z').create('G', 'Backlog', { due: '2026-03-11' });
  h.at('2026-03-11T15:00:00Z').move('G', 'Done');
  h.at('2026-03-12T09:00:00Z').move('J', 'Review');
  return h;
}
