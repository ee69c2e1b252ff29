/**
 * Earned value from the PMO's project figures and the board's progress.
 *
 * - PV (planned value): the budget times the share of the planned schedule elapsed at `asOf`
 *   (a straight line from the start of the planned first day to the end of the planned last).
 * - EV (earned value): the budget times the share of the scope that is done at `asOf`. Scope is
 *   every card on the board except work archived unfinished; a card counts as done while it
 *   stands in a done column (or was archived from one). Shares are weighted by estimate when
 *   every card in scope has one, and by card count otherwise (a half-estimated board must
 *   not silently ignore its unestimated cards).
 * - AC (actual cost): as entered by the PMO.
 * - SPI = EV / PV, CPI = EV / AC (null while PV or AC is 0).
 * - Status: the worse of SPI and CPI against the board's thresholds: green at or above
 *   `green`, amber at or above `amber`, red below.
 */
import type { ProjectFigures } from '../domain';
import type { CardFlow } from './flow';
import { dayEnd, dayStart } from './time';
import type { FlowColumn } from './workflow';

export type Rag = 'green' | 'amber' | 'red';

export interface EarnedValue {
  currency: string;
  budget: number;
  plannedStart: string;
  plannedEnd: string;
  /** Done share of the scope, 0 to 1. */
  complete: number;
  weightedBy: 'estimate' | 'count';
  pv: number;
  ev: number;
  ac: number;
  spi: number | null;
  cpi: number | null;
  status: Rag | null;
  thresholds: { green: number; amber: number };
}

export function plannedShare(p: Pick<ProjectFigures, 'plannedStart' | 'plannedEnd'>, asOf: number): number {
  const start = dayStart(p.plannedStart);
  const end = dayEnd(p.plannedEnd) + 1;
  return Math.min(1, Math.max(0, (asOf - start) / (end - start)));
}

export function ragStatus(values: readonly (number | null)[], t: { green: number; amber: number }): Rag | null {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return null;
  const worst = Math.min(...known);
  return worst >= t.green ? 'green' : worst >= t.amber ? 'amber' : 'red';
}

export function earnedValue(
  project: ProjectFigures,
  cards: readonly CardFlow[],
  columns: readonly FlowColumn[],
  asOf: number
): EarnedValue {
  const stage = new Map(columns.map((c) => [c.id as string, c.stage]));
  const scope = cards.filter((c) => !c.archived || c.archivedDone);
  const byEstimate = scope.length > 0 && scope.every((c) => c.estimate !== null) && scope.some((c) => c.estimate! > 0);
  const weight = (c: CardFlow) => (byEstimate ? c.estimate! : 1);
  const isDone = (c: CardFlow) => c.archivedDone || (!c.archived && stage.get(c.columnId) === 'done');
  const total = scope.reduce((s, c) => s + weight(c), 0);
  const done = scope.filter(isDone).reduce((s, c) => s + weight(c), 0);
  const complete = total === 0 ? 0 : done / total;
  const pv = project.budget * plannedShare(project, asOf);
  const ev = project.budget * complete;
  const ac = project.actualCost;
  const spi = pv > 0 ? ev / pv : null;
  const cpi = ac > 0 ? ev / ac : null;
  return {
    currency: project.currency,
    budget: project.budget,
    plannedStart: project.plannedStart,
    plannedEnd: project.plannedEnd,
    complete,
    weightedBy: byEstimate ? 'estimate' : 'count',
    pv,
    ev,
    ac,
    spi,
    cpi,
    status: ragStatus([spi, cpi], project.thresholds),
    thresholds: { ...project.thresholds }
  };
}
