import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as any).__CXCONNECT_TEST_DB__;
  if (!state) return;
  await state.db.stop();
  rmSync(state.dir, { recursive: true, force: true });
}
