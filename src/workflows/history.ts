import { workflowInfo } from '@temporalio/workflow';

/** History length after which a workflow continues as new even if the server does not suggest it yet. */
export const MAX_HISTORY_EVENTS = 2_000;

/**
 * Tells a long-lived workflow to continue as new: when the server suggests it
 * (history size or length) or past {@link MAX_HISTORY_EVENTS} events.
 *
 * @returns true when the workflow should continue as new at its next quiet moment
 */
export function shouldContinueAsNew(): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > MAX_HISTORY_EVENTS;
}
