/** Why a command was refused. Codes are part of the HTTP and Socket.IO contracts. */
export type RejectionCode =
  'NOT_FOUND' | 'WIP_LIMIT' | 'WIP_LIMIT_HARD' | 'STALE' | 'INVALID' | 'CONFLICT' | 'COLUMN_NOT_EMPTY' | 'ARCHIVED';

export interface Rejection {
  code: RejectionCode;
  message: string;
  /** Extra facts for the client, e.g. the column and its limit for WIP_LIMIT. */
  details?: Record<string, unknown>;
}

export const reject = (code: RejectionCode, message: string, details?: Record<string, unknown>): Rejection =>
  details ? { code, message, details } : { code, message };
