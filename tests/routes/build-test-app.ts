import type { Logger } from 'pino';
import { buildApp, type App, type AppDeps } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { AuthServices } from '../../src/routes/auth/index.js';
import type { ApprovalService } from '../../src/services/approval-service.js';
import type { ReadinessProbes } from '../../src/routes/ops/readyz.js';
import { createLogger } from '../../src/utils/logger.js';

/** Probes that answer at once. */
export const healthyProbes: ReadinessProbes = {
  temporal: () => Promise.resolve(),
  database: () => Promise.resolve(),
};

/** Auth services for tests that never reach `/auth` routes: any call is a test bug. */
export const unusedAuth: AuthServices = {
  signIn: {
    requestCode: () => Promise.reject(new Error('unusedAuth: this test did not expect a sign-in')),
    verifyCode: () => Promise.reject(new Error('unusedAuth: this test did not expect a verify')),
  },
  sessions: {
    authenticate: () => Promise.reject(new Error('unusedAuth: this test did not expect a session lookup')),
    revoke: () => Promise.reject(new Error('unusedAuth: this test did not expect a sign-out')),
  },
};

const refuse = (what: string) => () => Promise.reject(new Error(`unusedApprovals: this test did not expect ${what}`));

/** Approval service for tests that never reach `/approvals` routes. */
export const unusedApprovals: ApprovalService = {
  create: refuse('a create'),
  get: refuse('a get'),
  decide: refuse('a decision'),
  cancel: refuse('a cancel'),
  list: refuse('a listing'),
};

/** Options of {@link buildTestApp}. */
export interface TestAppOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly probes?: Partial<ReadinessProbes>;
  /** The app's logger (default: silent). */
  readonly logger?: Logger;
  /** Adds routes before the app is ready (e.g. routes that throw on purpose). */
  readonly routes?: (app: App) => void;
  /** Sign-in and session services (default: {@link unusedAuth}). */
  readonly auth?: AuthServices;
  /** Approval service (default: {@link unusedApprovals}). */
  readonly approvals?: ApprovalService;
}

/**
 * Builds the real app with a silent (or the given) logger, the given environment and probes, then readies it.
 *
 * @param options - environment, probe overrides and extra routes
 * @returns the ready app; close it after the test
 */
export async function buildTestApp(options: TestAppOptions = {}): Promise<App> {
  const deps: AppDeps = {
    config: loadConfig({ RATE_LIMIT_PER_MINUTE: '0', ...options.env }),
    logger: options.logger ?? createLogger('silent', 'api-test'),
    probes: { ...healthyProbes, ...options.probes },
    auth: options.auth ?? unusedAuth,
    approvals: options.approvals ?? unusedApprovals,
  };
  const app = await buildApp(deps);
  options.routes?.(app);
  await app.ready();
  return app;
}
