import { Type, type FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { NO_RATE_LIMIT } from '../../plugins/rate-limit.js';
import { AppError } from '../../utils/app-error.js';
import { withTimeout } from '../../utils/timeout.js';
import { errorSchema } from '../schemas.js';

/** A readiness check: resolves when the dependency answers, rejects otherwise. */
export type Probe = () => Promise<void>;

/** The dependencies `/readyz` checks. */
export interface ReadinessProbes {
  readonly temporal: Probe;
  readonly database: Probe;
}

/** Options of {@link readyzRoute}. */
export interface ReadyzOptions {
  readonly probes: ReadinessProbes;
  /** Budget of each probe (they run in parallel); default {@link PROBE_TIMEOUT_MS}. */
  readonly probeTimeoutMs?: number;
}

/** Default budget of one readiness probe, well inside the 5 s the contract allows. */
export const PROBE_TIMEOUT_MS = 2_000;

const CheckResult = Type.Unsafe<'ok' | 'fail'>({ type: 'string', enum: ['ok', 'fail'] });
const Checks = Type.Object({ temporal: CheckResult, database: CheckResult });
const Ready = Type.Object({ status: Type.Literal('ready'), checks: Checks }, { description: 'Every dependency answered' });
const NotReady = errorSchema(['unavailable'], { checks: Checks });

type CheckName = keyof ReadinessProbes;

/**
 * `GET /readyz`: readiness; runs every probe in parallel, each bounded by a
 * timeout, so it answers within that budget whatever the dependencies do.
 * 200 with `checks` when all answer, else 503 `unavailable` with `checks` in `error`.
 */
export const readyzRoute: FastifyPluginCallbackTypebox<ReadyzOptions> = (app, options, done) => {
  const budget = options.probeTimeoutMs ?? PROBE_TIMEOUT_MS;
  const names = Object.keys(options.probes) as CheckName[];

  app.get(
    '/readyz',
    {
      config: NO_RATE_LIMIT,
      schema: { summary: 'Readiness probe', tags: ['operations'], response: { 200: Ready, 503: NotReady } },
    },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      const results = await Promise.allSettled(
        names.map((name) => withTimeout(Promise.resolve().then(options.probes[name]), budget, name)),
      );
      const checks = { temporal: 'ok', database: 'ok' } as Record<CheckName, 'ok' | 'fail'>;
      const failed: string[] = [];
      results.forEach((result, index) => {
        const name = names[index] as CheckName;
        if (result.status === 'fulfilled') return;
        checks[name] = 'fail';
        failed.push(name);
        request.log.warn({ check: name, err: result.reason as unknown }, `readiness check ${name} failed`);
      });
      if (failed.length > 0) {
        throw new AppError('unavailable', `Not ready: ${failed.join(', ')} did not answer`, { checks });
      }
      return { status: 'ready' as const, checks };
    },
  );
  done();
};
