import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVERS, FuzzWorld, REQUESTER } from './fuzz-world.js';
import { needsBearer } from './openapi.js';
import { ODD_PATH_SEGMENTS } from './request-arbitrary.js';
import { Tally } from './tally.js';
import { bodyOperations, expectConforming, requestTo, sampleBody, stringSlots } from './targeted.js';

/**
 * Issue 6 part 3, targeted cases on values: internationalised and broken
 * emails, fields past the document's `maxLength`/`maxItems`/`maximum`, text
 * a database cannot store (NUL, unpaired surrogates), and odd ids in paths.
 * Every answer is checked against the document and the contract's error shape.
 */
let world: FuzzWorld;
let approvalId: string;
const tally = new Tally('targeted: emails, long fields, unstorable text, odd ids');
const json = { 'content-type': 'application/json' };

beforeAll(async () => {
  world = await FuzzWorld.start();
  const create = world.jsonRequest('POST /approvals', { title: 'Odd ids', approvers: [APPROVERS[0]] }, await world.tokenOf(REQUESTER));
  approvalId = (JSON.parse((await world.send(create, tally)).response.body) as { id: string }).id;
}, 240_000);
afterAll(async () => {
  console.log(tally.report());
  await world?.stop();
});

const signIn = (email: unknown) => ({ op: 'POST /auth/sign-in', method: 'POST', url: '/auth/sign-in', headers: json, payload: JSON.stringify({ email }) });

describe('emails', () => {
  const USABLE = ['用户@例子.广告', 'josé@exämple.com', 'jos\u00e9@example.com', 'jose\u0301@example.com', '  MiXeD.Case@Example.COM  ', 'a@b', `${'l'.repeat(64)}@example.com`];
  const UNUSABLE = ['', ' ', '@', 'a@', '@b.c', 'a@@b.c', 'a@b..c', 'a b@c.d', '"a"@b.c', '.a@b.c', 'a.@b.c', 'a..b@c.d', '用户＠例子.广告', 'a\u0007@b.c',
    `${'l'.repeat(65)}@example.com`, `a@${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(63)}.${'g'.repeat(61)}`, 'a@-b.c', 'a@b-.c', 'a@b_c.d'];

  it('takes internationalised, NFC and NFD, padded and mixed-case addresses (202) and refuses unusable ones with 400 invalid_email', async () => {
    for (const email of USABLE) await expectConforming(world, tally, signIn(email), { status: 202 });
    for (const email of UNUSABLE) await expectConforming(world, tally, signIn(email), { status: 400, code: 'invalid_email' });
  });

  it('refuses emails that are not strings or are past the documented maxLength with 400 invalid_request', async () => {
    for (const email of [null, 123, ['a@b.c'], { email: 'a@b.c' }, true, `${'a'.repeat(1015)}@example.com`]) {
      await expectConforming(world, tally, signIn(email), { status: 400, code: 'invalid_request' });
    }
  });

  it('signs in an internationalised address end to end', async () => {
    const email = '用户@例子.广告';
    const token = await world.newSession(email);
    const me = await expectConforming(world, tally, await requestTo(world, world.op('GET /auth/me'), { token }), { status: 200 });
    expect((JSON.parse(me.response.body) as { user: { email: string } }).user.email).toBe(email);
  });

  it('takes internationalised approvers and refuses unusable ones with 400 invalid_email', async () => {
    const create = world.op('POST /approvals');
    for (const approvers of [['用户@例子.广告', 'josé@exämple.com'], ['  MiXeD@Example.COM ']]) {
      const payload = JSON.stringify({ title: 'IDN', approvers });
      await expectConforming(world, tally, await requestTo(world, create, { headers: json, payload }), { status: 201 });
    }
    for (const approvers of [['a@@b.c'], ['用户＠例子.广告'], ['ok@example.com', '']]) {
      const payload = JSON.stringify({ title: 'Broken', approvers });
      await expectConforming(world, tally, await requestTo(world, create, { headers: json, payload }), { status: 400, code: 'invalid_email' });
    }
  });
});

describe('field bounds from the document', () => {
  it('refuses every string one past its maxLength (ASCII or multi-byte) with 400 invalid_request naming the field', async () => {
    let checked = 0;
    for (const [index, { op, schema }] of bodyOperations(world).entries()) {
      for (const slot of stringSlots(schema).filter((s) => s.schema.maxLength !== undefined)) {
        const max = slot.schema.maxLength ?? 0;
        for (const value of ['x'.repeat(max + 1), '\u00e9'.repeat(max + 1), '💩'.repeat(max + 1)]) {
          const payload = JSON.stringify({ ...sampleBody(world, schema, 700 + index), [slot.name]: slot.wrap(value) });
          const exchange = await expectConforming(world, tally, await requestTo(world, op, { headers: json, payload }), { status: 400, code: 'invalid_request' });
          expect.soft(exchange.response.body, `${op.key} ${slot.name}`).toContain(slot.name);
          checked += 1;
        }
        // Exactly maxLength code points (here 2 bytes each) is not a length error.
        const payload = JSON.stringify({ ...sampleBody(world, schema, 700 + index), [slot.name]: slot.wrap('\u00e9'.repeat(max)) });
        const exchange = await expectConforming(world, tally, await requestTo(world, op, { headers: json, payload }));
        expect.soft(exchange.response.body, `${op.key} ${slot.name} at maxLength`).not.toMatch(/must NOT have more than/);
      }
    }
    expect(checked).toBeGreaterThanOrEqual(3 * 6);
  });

  it('refuses arrays past maxItems and numbers past maximum with 400 invalid_request', async () => {
    let checked = 0;
    for (const [index, { op, schema }] of bodyOperations(world).entries()) {
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        const values: unknown[] = [];
        if (property.maxItems !== undefined) values.push(Array.from({ length: property.maxItems + 1 }, (_, i) => `p${i}@example.com`));
        if (property.maximum !== undefined) values.push(property.maximum + 1, Number.MAX_SAFE_INTEGER * 4);
        for (const value of values) {
          const payload = JSON.stringify({ ...sampleBody(world, schema, 800 + index), [name]: value });
          await expectConforming(world, tally, await requestTo(world, op, { headers: json, payload }), { status: 400, code: 'invalid_request' });
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });

  it('refuses query parameters past their bounds with 400 invalid_request', async () => {
    for (const op of world.operations) {
      for (const param of (op.operation.parameters ?? []).filter((p) => p.in === 'query' && p.schema !== undefined)) {
        const { maxLength, maximum } = param.schema ?? {};
        const values = [...(maxLength === undefined ? [] : ['q'.repeat(maxLength + 1)]), ...(maximum === undefined ? [] : [String(maximum + 1), '1e999'])];
        for (const value of values) {
          const request = await requestTo(world, op);
          const url = `${request.url}?${new URLSearchParams({ [param.name]: value }).toString()}`;
          await expectConforming(world, tally, { ...request, url }, { status: 400, code: 'invalid_request' });
        }
      }
    }
  });
});

describe('text a database cannot store', () => {
  it('refuses NUL characters and unpaired surrogates in any string field with 400 invalid_request', async () => {
    let checked = 0;
    for (const [index, { op, schema }] of bodyOperations(world).entries()) {
      for (const slot of stringSlots(schema)) {
        for (const value of ['nul\u0000inside', '\u0000', 'lone \ud800 high', 'lone \udfff low', 'swapped \udc00\ud800']) {
          const payload = JSON.stringify({ ...sampleBody(world, schema, 900 + index), [slot.name]: slot.wrap(value) });
          await expectConforming(world, tally, await requestTo(world, op, { headers: json, payload }), { status: 400, code: 'invalid_request' });
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(5 * 6);
  }, 120_000);

  it('refuses them where they would be stored, in requests that succeed without them', async () => {
    const create = async (body: object, expected: number, code?: string) => {
      const request = await requestTo(world, world.op('POST /approvals'), { headers: json, payload: JSON.stringify(body) });
      return expectConforming(world, tally, request, { status: expected, ...(code === undefined ? {} : { code }) });
    };
    const base = { title: 'Stored text', description: 'Plain', approvers: [APPROVERS[0]] };
    const created = await create(base, 201);
    for (const bad of ['a\u0000b', 'a\ud800b', 'a\udbff']) {
      await create({ ...base, title: bad }, 400, 'invalid_request');
      await create({ ...base, description: bad }, 400, 'invalid_request');
      await create({ ...base, approvers: [`x${bad}@example.com`] }, 400, 'invalid_request');
    }
    const id = (JSON.parse(created.response.body) as { id: string }).id;
    const decide = async (comment: string, expected: number) => {
      const payload = JSON.stringify({ decision: 'reject', comment });
      const request = await requestTo(world, world.op('POST /approvals/{id}/decision'), { id, token: await world.tokenOf(APPROVERS[0]), headers: json, payload });
      await expectConforming(world, tally, request, { status: expected });
    };
    await decide('bad \u0000 comment', 400);
    await decide('bad \ud800 comment', 400);
    await decide('A fine comment', 200);
    await expectConforming(world, tally, signIn('a\ud800@example.com'), { status: 400, code: 'invalid_request' });
    await expectConforming(world, tally, signIn('nul\u0000@example.com'), { status: 400, code: 'invalid_request' });
  });

  it('still takes paired surrogates (emoji) and combining marks', async () => {
    const payload = JSON.stringify({ title: 'Ship 🚀 e\u0301', description: '👩‍👩‍👧‍👦', approvers: [APPROVERS[1]] });
    await expectConforming(world, tally, await requestTo(world, world.op('POST /approvals'), { headers: json, payload }), { status: 201 });
  });
});

describe('odd ids in paths', () => {
  const withId = () => world.operations.filter((op) => op.path.includes('{'));

  it('answers odd ids with 404 (or 400 for what is not a valid URL component), never 5xx, on every path with an id', async () => {
    const odd = [...ODD_PATH_SEGMENTS, `${approvalId}%20`, `%20${approvalId}`, `${approvalId}%00`, encodeURIComponent(`${approvalId}' OR '1'='1`)];
    for (const op of withId()) {
      for (const id of odd) {
        const payload = op.operation.requestBody === undefined ? undefined : JSON.stringify({ decision: 'approve' });
        const init = { id, headers: payload === undefined ? {} : json, ...(payload === undefined ? {} : { payload }) };
        await expectConforming(world, tally, await requestTo(world, op, init), { status: [400, 404] });
        const anonymous = await requestTo(world, op, { ...init, token: null });
        await expectConforming(world, tally, anonymous, { status: needsBearer(op.operation) ? [400, 401, 404] : [400, 404] });
      }
    }
  }, 120_000);

  it('takes an upper-case id as the same approval, on reads and on decisions', async () => {
    const upper = approvalId.toUpperCase();
    const get = await expectConforming(world, tally, await requestTo(world, world.op('GET /approvals/{id}'), { id: upper }), { status: 200 });
    expect((JSON.parse(get.response.body) as { id: string }).id).toBe(approvalId);
    const token = await world.tokenOf(APPROVERS[0]);
    const request = await requestTo(world, world.op('POST /approvals/{id}/decision'), { id: upper, token, headers: json, payload: JSON.stringify({ decision: 'approve' }) });
    const decided = await expectConforming(world, tally, request, { status: 200 });
    expect(JSON.parse(decided.response.body)).toMatchObject({ id: approvalId, status: 'approved' });
  });
});
