import { EventEmitter } from 'node:events';

/** Where the baseline's mail activity "delivers": the load loop waits here as it waits on the SMTP receiver. */
export const baselineMailbox = new EventEmitter();
baselineMailbox.setMaxListeners(0);

/**
 * Builds the baseline's two trivial activities.
 *
 * @returns the activities, keyed by name
 */
export function createBaselineActivities() {
  return {
    /** "Sends" the code: emits it to the mailbox. */
    baselineMailActivity(email: string, challenge: string): Promise<void> {
      baselineMailbox.emit(email, challenge);
      return Promise.resolve();
    },
    /** "Creates" a session. */
    baselineSessionActivity(email: string, code: string): Promise<string> {
      return Promise.resolve(`session-of-${email}-${code}`);
    },
  };
}

/** The baseline activities' types, for the workflow's `proxyActivities`. */
export type BaselineActivities = ReturnType<typeof createBaselineActivities>;
