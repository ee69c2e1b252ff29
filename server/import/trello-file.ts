/**
 * A Trello board export (Board menu → Print, export and share → Export as JSON). Only the parts
 * the import uses are checked; Trello adds fields over time, so unknown ones pass through.
 */
import { z } from 'zod';

const trelloId = z.string().min(1).max(64);
const pos = z.number().finite();

export const trelloBoardSchema = z.looseObject({
  id: trelloId,
  name: z.string(),
  lists: z.array(
    z.looseObject({
      id: trelloId,
      name: z.string(),
      closed: z.boolean(),
      pos,
      // Trello's list limit, when the board uses one: a number or a numeric string.
      softLimit: z.union([z.number(), z.string(), z.null()]).optional()
    })
  ),
  cards: z.array(
    z.looseObject({
      id: trelloId,
      name: z.string(),
      desc: z.string().default(''),
      closed: z.boolean(),
      idList: trelloId,
      pos,
      due: z.string().nullable().optional(),
      idLabels: z.array(trelloId).default([]),
      idMembers: z.array(trelloId).default([]),
      idChecklists: z.array(trelloId).default([])
    })
  ),
  labels: z
    .array(z.looseObject({ id: trelloId, name: z.string().nullable().default(''), color: z.string().nullable().optional() }))
    .default([]),
  checklists: z
    .array(
      z.looseObject({
        id: trelloId,
        idCard: trelloId,
        name: z.string(),
        pos,
        checkItems: z.array(z.looseObject({ name: z.string(), state: z.enum(['complete', 'incomplete']), pos })).default([])
      })
    )
    .default([]),
  members: z
    .array(z.looseObject({ id: trelloId, fullName: z.string().nullable().optional(), username: z.string().optional() }))
    .default([]),
  actions: z.array(z.looseObject({ id: trelloId, type: z.string(), date: z.string() })).default([])
});

export type TrelloBoard = z.infer<typeof trelloBoardSchema>;
