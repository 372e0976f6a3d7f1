import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { PinoLogger } from 'nestjs-pino';
import { storage, Store } from 'nestjs-pino/storage';

/**
 * Runs work that outlives the request which started it (a sync started by Save & Activate) in a
 * context of its own: its log lines carry `bindings` (connector and run ids) instead of the
 * request's `req`, and its spans start new traces instead of joining the request's.
 * AsyncLocalStorage would otherwise carry the request's logger and trace into the background work.
 */
export function runAsBackgroundWork<T>(bindings: Record<string, unknown>, fn: () => T): T {
  const detached = () => context.with(ROOT_CONTEXT, fn);
  const root = PinoLogger.root as PinoLogger['logger'] | undefined;
  return root ? storage.run(new Store(root.child(bindings)), detached) : storage.exit(detached);
}
