/**
 * How every figure is defined, in the words the insight page shows beside it (the ⓘ) and the
 * README repeats. The code in this folder implements exactly these.
 */
export const DEFINITIONS = {
  started: 'Started: when a card first enters an in-progress column. Moving back to a queue does not restart it.',
  finished:
    'Finished: when a card enters a done column and stays there. A move out of done (an undo, a reopen) un-finishes it, and only its last finish counts.',
  throughput: 'Throughput: cards finished in the period, by the day of their last finish.',
  cycleTime:
    'Cycle time: finish − start, in days with fractions (shown in hours under 2 days), weekends included. A card that never stood in an in-progress column (created straight into done, say) has no cycle time.',
  leadTime: 'Lead time: finish − creation, for finished cards not created straight into done.',
  age: 'Work item age: now − start, for started cards that are not finished.',
  wip: 'WIP: cards in each column, against that column’s own limit. The board is over its limits only when one of its columns is over its own.',
  aging:
    'Aging: a card in progress whose age exceeds the 85th percentile of the period’s cycle times. Shown once the board has at least 5 finished cards with a cycle time; before that there is not enough history.',
  sle: 'Service level expectation: 85% of cards finish within this many days, from the 85th percentile of the period’s cycle times (shown once 5 cards have finished).',
  completion:
    'Completion: of the cards started (or finished) by the end of the period and not finished or dropped before it began, the share finished in it.',
  dueDates: 'Due dates: of the cards finished in the period that had a due date then, the share finished on or before it.',
  cfd: 'Cumulative flow: the cards in each column at the end of every day (UTC). Cards archived from done stay in done.',
  percentiles: 'Percentiles by nearest rank: p% of the values are at or below the line, and the line is a real card’s value.',
  forecastWhen:
    'Monte Carlo: 10,000 runs each draw, for every day from tomorrow, one day of the history window’s daily throughput at random. The date for p% is the one by which at least p% of the runs had finished the cards.',
  forecastHowMany:
    'Monte Carlo: 10,000 runs each draw, for every day from tomorrow to the date, one day of the history window’s daily throughput at random. The count for p% is reached by at least p% of the runs.'
} as const;

export type Term = keyof typeof DEFINITIONS;
