import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Lifecycle } from '../../src/bootstrap/lifecycle.js';

const logger = pino({ level: 'silent' });

describe('Lifecycle', () => {
  it('stops steps in reverse order, once', async () => {
    const order: string[] = [];
    const lifecycle = new Lifecycle(logger);
    lifecycle.add('first', () => Promise.resolve(void order.push('first')));
    lifecycle.add('second', () => Promise.resolve(void order.push('second')));
    await Promise.all([lifecycle.stopAll(), lifecycle.stopAll()]);
    expect(order).toEqual(['second', 'first']);
  });

  it('goes on past a failing or hanging step', async () => {
    const order: string[] = [];
    const lifecycle = new Lifecycle(logger, 50);
    lifecycle.add('last', () => Promise.resolve(void order.push('last')));
    lifecycle.add('hangs', () => new Promise<void>(() => undefined));
    lifecycle.add('fails', () => Promise.reject(new Error('boom')));
    await lifecycle.stopAll();
    expect(order).toEqual(['last']);
  });

  it('stops on a signal and exits 0', async () => {
    const lifecycle = new Lifecycle(logger);
    let stopped = false;
    lifecycle.add('step', () => Promise.resolve(void (stopped = true)));
    const exited = new Promise<number>((resolve) => lifecycle.stopOnSignals(resolve));
    process.emit('SIGTERM', 'SIGTERM');
    expect(await exited).toBe(0);
    expect(stopped).toBe(true);
    process.removeAllListeners('SIGTERM');
    process.removeAllListeners('SIGINT');
  });
});
