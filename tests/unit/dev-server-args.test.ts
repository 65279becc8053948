import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { devServerArgs } from '../../src/temporal/dev-server.js';

const options = { cliPath: 'temporal', dataDir: '/data', port: 7233, uiPort: 8233, namespace: 'default', logger: pino({ level: 'silent' }) };

/** The value that follows `flag` each time it occurs. */
const valuesOf = (args: string[], flag: string): string[] => args.flatMap((arg, i) => (arg === flag ? [args[i + 1] ?? ''] : []));

describe('devServerArgs', () => {
  it('persists to DATA_DIR/temporal.db on the given address and ports', () => {
    const args = devServerArgs(options);
    expect(args.slice(0, 2)).toEqual(['server', 'start-dev']);
    expect(valuesOf(args, '--db-filename')).toEqual(['/data/temporal.db']);
    expect(valuesOf(args, '--ip')).toEqual(['127.0.0.1']);
    expect(valuesOf(args, '--port')).toEqual(['7233']);
    expect(valuesOf(args, '--ui-port')).toEqual(['8233']);
    expect(valuesOf(args, '--namespace')).toEqual([]);
  });

  it('creates a non-default namespace and registers search attributes', () => {
    const args = devServerArgs({ ...options, ip: '0.0.0.0', namespace: 'auth', searchAttributes: { ApprovalStatus: 'Keyword', ApprovalDeadline: 'Datetime' } });
    expect(valuesOf(args, '--ip')).toEqual(['0.0.0.0']);
    expect(valuesOf(args, '--namespace')).toEqual(['auth']);
    expect(valuesOf(args, '--search-attribute')).toEqual(['ApprovalStatus=Keyword', 'ApprovalDeadline=Datetime']);
  });
});
