import 'reflect-metadata';
import { DataSource, DataSourceOptions } from 'typeorm';
import { prepareRuntime } from '../src/runtime';

/**
 * Runs an operator script against DATABASE_URL, or the embedded development database when it is unset
 * (started for the script and stopped after it). A failure prints its message and exits 1.
 */
export function runWithDatabase(
  options: Partial<Omit<DataSourceOptions, 'type' | 'url'>>,
  work: (dataSource: DataSource) => Promise<void>,
): void {
  const main = async () => {
    const runtime = await prepareRuntime((m) => process.stdout.write(`${m}\n`));
    const dataSource = new DataSource({ ...options, type: 'postgres', url: process.env.DATABASE_URL } as DataSourceOptions);
    await dataSource.initialize();
    try {
      await work(dataSource);
    } finally {
      await dataSource.destroy();
      await runtime.stop();
    }
  };
  main().catch((e) => {
    process.stderr.write(`${e.message ?? e}\n`);
    process.exit(1);
  });
}
