/**
 * Counts every statement the pg clients of this process send, and the time each takes from send to
 * answer (PostgreSQL plus the wire), by wrapping pg's Client.prototype.query.
 */
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';

export const sqlStats = { count: 0, ms: 0 };

export function countSql(): void {
  const originalQuery = Client.prototype.query;
  (Client.prototype as any).query = function (this: Client, ...args: any[]) {
    sqlStats.count++;
    const t0 = performance.now();
    const done = () => (sqlStats.ms += performance.now() - t0);
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const cb = args[last];
      args[last] = (...r: unknown[]) => {
        done();
        return cb(...r);
      };
      return (originalQuery as any).apply(this, args);
    }
    const result = (originalQuery as any).apply(this, args);
    if (result && typeof result.then === 'function') result.then(done, done);
    return result;
  };
}
