import { Client } from 'pg';

/**
 * The nodes of the Citus cluster the test tier runs on (set by test/citus/support/global-setup.ts), or
 * undefined on plain PostgreSQL. URLs point at each node's `postgres` database.
 */
export interface CitusNodes {
  coordinator: string;
  workers: string[];
}

export function citusNodesFromEnv(): CitusNodes | undefined {
  const coordinator = process.env.CITUS_COORDINATOR_URL;
  if (!coordinator) return undefined;
  const workers = (process.env.CITUS_WORKER_URLS ?? '').split(',').filter(Boolean);
  if (workers.length === 0) throw new Error('CITUS_COORDINATOR_URL is set but CITUS_WORKER_URLS is empty');
  return { coordinator, workers };
}

export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withClient<T>(url: string, work: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Citus does not propagate CREATE DATABASE to the workers, and each database has its own Citus metadata:
 * the database and the extension are made on every node, then the coordinator of that database learns where
 * it and its workers are. Node addresses are the ones in the URLs (the nodes reach each other the same way).
 */
export async function createCitusDatabase(nodes: CitusNodes, name: string): Promise<void> {
  for (const server of [nodes.coordinator, ...nodes.workers]) {
    await withClient(server, (c) => c.query(`CREATE DATABASE ${name}`));
    await withClient(databaseUrl(server, name), (c) => c.query('CREATE EXTENSION IF NOT EXISTS citus'));
  }
  await withClient(databaseUrl(nodes.coordinator, name), async (c) => {
    const coordinator = new URL(nodes.coordinator);
    await c.query('SELECT citus_set_coordinator_host($1, $2)', [coordinator.hostname, Number(coordinator.port)]);
    for (const worker of nodes.workers.map((w) => new URL(w))) {
      await c.query('SELECT citus_add_node($1, $2)', [worker.hostname, Number(worker.port)]);
    }
  });
}

/** Coordinator first: its backends hold the connections to the workers' copies of the database. */
export async function dropCitusDatabase(nodes: CitusNodes, name: string): Promise<void> {
  for (const server of [nodes.coordinator, ...nodes.workers]) {
    await withClient(server, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
}
