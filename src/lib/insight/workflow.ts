/**
 * The board's workflow as the metrics see it: every column the log ever had, with the stage
 * it counts as.
 *
 * Today's stages apply to the whole history: when a team decides that "Review" is in progress,
 * it wants past cards measured the same way, or cycle times from before and after the change
 * could not be compared. Removed columns keep the stage they had when removed, because cards
 * passed through them before.
 */
import { assertNever, columnStage, type BoardEvent, type ColumnId, type Stage } from '../domain';

export interface FlowColumn {
  id: ColumnId;
  name: string;
  stage: Stage;
  wipLimit: number | null;
  removed: boolean;
}

interface Live {
  id: ColumnId;
  name: string;
  stage?: Stage;
  wipLimit: number | null;
}

/** Live columns in board order, then removed ones in the order they were removed. */
export function workflow(events: Iterable<BoardEvent>): FlowColumn[] {
  let live: Live[] = [];
  const removed = new Map<ColumnId, FlowColumn>();
  const find = (id: ColumnId) => live.find((c) => c.id === id);
  for (const e of events) {
    switch (e.type) {
      case 'boardCreated':
        live = e.columns.map((c) => ({ id: c.id, name: c.name, stage: c.stage, wipLimit: c.wipLimit }));
        break;
      case 'columnAdded':
        removed.delete(e.column.id);
        live.splice(e.index, 0, { id: e.column.id, name: e.column.name, stage: e.column.stage, wipLimit: e.column.wipLimit });
        break;
      case 'columnRenamed': {
        const col = find(e.columnId);
        if (col) col.name = e.name;
        break;
      }
      case 'columnMoved': {
        const from = live.findIndex((c) => c.id === e.columnId);
        if (from < 0) break;
        const [col] = live.splice(from, 1);
        live.splice(e.toIndex, 0, col);
        break;
      }
      case 'columnRemoved': {
        const i = live.findIndex((c) => c.id === e.columnId);
        if (i < 0) break;
        const col = live[i];
        removed.set(col.id, { id: col.id, name: col.name, stage: columnStage(live, i), wipLimit: col.wipLimit, removed: true });
        live.splice(i, 1);
        break;
      }
      case 'wipLimitSet': {
        const col = find(e.columnId);
        if (col) col.wipLimit = e.wipLimit;
        break;
      }
      case 'columnStageSet': {
        const col = find(e.columnId);
        if (col) col.stage = e.stage;
        break;
      }
      case 'boardRenamed':
      case 'cardCreated':
      case 'cardUpdated':
      case 'cardArchived':
      case 'cardRestored':
      case 'cardMoved':
      case 'cardsPrinted':
      case 'projectSet':
        break;
      default:
        assertNever(e);
    }
  }
  const current = live.map((c, i): FlowColumn => ({
    id: c.id,
    name: c.name,
    stage: columnStage(live, i),
    wipLimit: c.wipLimit,
    removed: false
  }));
  return [...current, ...removed.values()];
}
