import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';

let installed = false;

/**
 * Adapts a pino logger to the Temporal SDK's logger interface.
 *
 * @param logger - the process logger
 * @returns a logger the SDK writes its worker, workflow and activity lines to
 */
export function toTemporalLogger(logger: Logger): TemporalLogger {
  const write = (level: LogLevel, message: string, meta?: LogMetadata): void => {
    const method = level === 'TRACE' ? 'trace' : level === 'DEBUG' ? 'debug' : level === 'WARN' ? 'warn' : level === 'ERROR' ? 'error' : 'info';
    logger[method](meta ?? {}, message);
  };
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}

/**
 * Installs the Temporal runtime once per process: our logger, and no signal
 * handlers of its own, because the process entry points stop the API, the
 * worker and the dev server in a fixed order.
 *
 * @param logger - the process logger
 * @param metricsPort - where to serve the SDK's Prometheus metrics (`WORKER_METRICS_PORT`); none when undefined
 */
export function installTemporalRuntime(logger: Logger, metricsPort?: number): void {
  if (installed) return;
  Runtime.install({
    logger: toTemporalLogger(logger.child({ component: 'temporal' })),
    shutdownSignals: [],
    // The SDK's own metrics (task latencies, slots, polls, cache) for Prometheus, on their own port.
    ...(metricsPort === undefined ? {} : { telemetryOptions: { metrics: { prometheus: { bindAddress: `0.0.0.0:${metricsPort}` } } } }),
  });
  installed = true;
}
