import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVERS, FuzzWorld, REQUESTER } from './fuzz-world.js';
import { requestArbitrary } from './request-arbitrary.js';
import { Tally } from './tally.js';

/**
 * Issue 6 ("Bad input"), part 3: requests generated from the running
 * service's own `/openapi.json`, for every operation it documents, against a
 * real stack. Every answer must be a documented status whose body matches the
 * documented schema, errors must have the contract's shape, and nothing may be
 * a 5xx. Pinned seed; `FUZZ_SEED=<n>` replays or explores another sequence.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 6_003);
const ROUNDS = 8;
const PER_ROUND = 150;
const SESSIONS_PER_USER = 5;

let world: FuzzWorld | undefined;
const fuzz = new Tally(`fuzz requests (seed ${SEED}, ${ROUNDS} rounds of ${PER_ROUND})`);

beforeAll(async () => {
  world = await FuzzWorld.start();
  await world.replenish(SESSIONS_PER_USER);
  // Pending approvals to act on: the requester asks all three approvers, needing 1..3 of them; one the other way round.
  const requester = await world.tokenOf(REQUESTER);
  for (const requiredApprovals of [1, 2, 3, 1, 2, 3]) {
    const body = { title: `Seeded ${requiredApprovals}`, approvers: [...APPROVERS], requiredApprovals };
    const { response } = await world.send(world.jsonRequest('POST /approvals', body, requester), world.setupTally);
    expect(response.status).toBe(201);
  }
  const abe = await world.tokenOf(APPROVERS[0]);
  await world.send(world.jsonRequest('POST /approvals', { title: 'Other way', approvers: [REQUESTER, APPROVERS[1]] }, abe), world.setupTally);
}, 240_000);

afterAll(async () => {
  await world?.stop();
});

/** What the API, worker or activities logged at pino level error (50) or fatal (60): failures the HTTP answers would not show. */
const errorLogs = (w: FuzzWorld): string[] => w.stack.logs.filter((line) => /"level":[56]0[,}]/.test(line));

describe('fuzzing every operation of /openapi.json', () => {
  it('answers every generated request with a documented status and body, never a 5xx', async () => {
    if (world === undefined) throw new Error('the stack did not start');
    const started = Date.now();
    let report = '';
    try {
      for (let round = 0; round < ROUNDS; round += 1) {
        await world.replenish(SESSIONS_PER_USER);
        const context = world.context();
        const anyOperation = fc.oneof(...world.operations.map((op) => requestArbitrary(op, context)));
        for (const request of fc.sample(anyOperation, { seed: SEED + round, numRuns: PER_ROUND })) await world.send(request, fuzz);
      }
    } finally {
      // Printed even when a request throws, so the seed and the counts so far are never lost.
      report = fuzz.report([
        `duration: ${((Date.now() - started) / 1000).toFixed(1)} s`,
        `operations in the document: ${world.operations.length}`,
        `error-level log lines: ${errorLogs(world).length}`,
      ]);
      console.log(`${report}\n${world.setupTally.report()}`);
    }

    expect(fuzz.requests).toBeGreaterThanOrEqual(1000);
    // A new route in the document is fuzzed without touching this file; all of them got traffic.
    const starved = world.operations.filter((op) => (fuzz.perOperation.get(op.key) ?? 0) < 30).map((op) => op.key);
    expect(starved, 'operations with fewer than 30 requests').toEqual([]);
    // The generators reach the handlers, not only the guards: every operation answered 2xx at least once.
    const succeeded = (tally: Tally, key: string) => [...(tally.perOperationStatus.get(key)?.keys() ?? [])].some((status) => status < 300);
    const setup = world.setupTally;
    const neverSucceeded = world.operations.filter((op) => !succeeded(fuzz, op.key) && !succeeded(setup, op.key)).map((op) => op.key);
    expect(neverSucceeded, 'operations that never answered 2xx').toEqual([]);
    expect(fuzz.serverErrors.length + world.setupTally.serverErrors.length, report).toBe(0);
    expect(fuzz.mismatches.length + world.setupTally.mismatches.length, report).toBe(0);
    expect(errorLogs(world).slice(0, 5), 'error-level log lines').toEqual([]);
    expect(world.stack.logs.some((line) => /"level":30[,}]/.test(line)), 'log lines carry numeric levels').toBe(true);
    // Still serving after the barrage: ready, and a new user can sign in.
    expect((await world.stack.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    await world.newSession('fuzz-after@example.test');
  }, 600_000);
});
