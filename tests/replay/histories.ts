import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HistoryAndWorkflowId } from '@temporalio/client';
import { historyFromJSON } from './history-json.js';

/**
 * The recorded histories of every workflow path: `tests/fixtures/histories/<name>.json`,
 * written by `npm run record-histories` and replayed by `replay.test.ts`. The
 * workflow id of a recorded execution is its fixture's name (the sign-in
 * workflow reads its id, so replay must use the same one).
 */

/** Where the history files live. */
export const HISTORY_DIR = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));

/** The sign-in paths, by fixture name. */
export const SIGN_IN_PATHS = ['sign-in-success', 'sign-in-wrong-codes', 'sign-in-lockout', 'sign-in-expiry', 'sign-in-resend'] as const;

/** The approval paths, by fixture name. */
export const APPROVAL_PATHS = [
  'approval-approved',
  'approval-rejected',
  'approval-expired',
  'approval-cancelled',
  'approval-reminders',
] as const;

/** Every path that must have a recorded history. */
export const ALL_PATHS: readonly string[] = [...SIGN_IN_PATHS, ...APPROVAL_PATHS];

/** A history file, read and parsed. */
export interface RecordedHistory extends HistoryAndWorkflowId {
  /** The file's name, e.g. `sign-in-success.json`. */
  readonly file: string;
}

/**
 * Reads history files (all of them, or those named).
 *
 * @param names - fixture names without `.json`; all files when omitted
 * @returns the histories, in file-name order, each with its workflow id (the name)
 */
export async function loadHistories(names?: readonly string[]): Promise<RecordedHistory[]> {
  const files = names?.map((name) => `${name}.json`) ?? (await readdir(HISTORY_DIR)).filter((file) => file.endsWith('.json'));
  const histories: RecordedHistory[] = [];
  for (const file of [...files].sort()) {
    try {
      const json: unknown = JSON.parse(await readFile(path.join(HISTORY_DIR, file), 'utf8'));
      histories.push({ file, workflowId: path.basename(file, '.json'), history: historyFromJSON(json) });
    } catch (error) {
      throw new Error(`cannot read history ${file}: ${String(error)}`, { cause: error });
    }
  }
  return histories;
}
