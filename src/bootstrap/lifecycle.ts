import type { Logger } from 'pino';

interface Step {
  readonly name: string;
  readonly stop: () => Promise<void>;
}

/**
 * Stops what a process started, in reverse order of start, each step bounded
 * in time, and only once however many signals arrive.
 */
export class Lifecycle {
  private readonly steps: Step[] = [];
  private stopping: Promise<void> | undefined;

  /**
   * @param logger - where each step's outcome is logged
   * @param stepTimeoutMs - the longest one step may take before it is abandoned
   */
  constructor(
    private readonly logger: Logger,
    private readonly stepTimeoutMs = 15_000,
  ) {}

  /** Registers a stop step; steps run last-registered first. */
  add(name: string, stop: () => Promise<void>): void {
    this.steps.push({ name, stop });
  }

  /** Runs every stop step once; later calls return the same promise. */
  stopAll(): Promise<void> {
    this.stopping ??= this.runSteps();
    return this.stopping;
  }

  /**
   * Stops everything on SIGINT or SIGTERM, then exits; a second signal exits at once.
   *
   * @param exit - called with the exit code once stopped (defaults to `process.exit`)
   */
  stopOnSignals(exit: (code: number) => void = (code) => process.exit(code)): void {
    let received = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      received += 1;
      if (received > 1) {
        this.logger.warn({ signal }, 'second signal: exiting now');
        exit(130);
        return;
      }
      this.logger.info({ signal }, 'stopping');
      void this.stopAll().then(() => exit(0));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }

  private async runSteps(): Promise<void> {
    for (const step of [...this.steps].reverse()) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), this.stepTimeoutMs);
      });
      try {
        const outcome = await Promise.race([step.stop().then(() => 'done' as const), timeout]);
        if (outcome === 'timeout') this.logger.warn({ step: step.name }, 'stop step timed out');
        else this.logger.debug({ step: step.name }, 'stopped');
      } catch (error) {
        this.logger.error({ step: step.name, err: error }, 'stop step failed');
      } finally {
        clearTimeout(timer);
      }
    }
  }
}
