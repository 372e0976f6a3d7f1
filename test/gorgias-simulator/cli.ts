/**
 * Run the Gorgias simulator standalone:
 *   npm run gorgias:sim -- --port 4010 --subdomain acme --email admin@acme.test --api-key sim-key-acme \
 *     --tickets 500 [--messages N] [--seed 1] [--clock-scale 1] [--no-rate-limit] [--host 127.0.0.1]
 *     [--behaviour '{"trashMovesUpdatedDatetime":true}']   (undocumented behaviours; default: the worst case)
 *     [--latency-ms 150] [--error-rate 0.05] [--fault-seed 1]   (every answer delayed; a share answered 5xx; seeded)
 * Then point the app at GORGIAS_BASE_URL=http://127.0.0.1:4010/{subdomain}.
 */
import type { SimBehaviour } from './behaviour';
import type { FaultConfig } from './faults';
import { startGorgiasSimulator } from './server';

function parseArgs(argv: string[]): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`Unexpected argument: ${a}`);
    const eq = a.indexOf('=');
    if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out[a.slice(2)] = argv[++i];
    else out[a.slice(2)] = true;
  }
  return out;
}

const KNOWN = [
  'port',
  'host',
  'subdomain',
  'email',
  'api-key',
  'tickets',
  'messages',
  'messages-per-ticket',
  'seed',
  'clock-scale',
  'no-rate-limit',
  'rate-limit',
  'window-seconds',
  'behaviour',
  'latency-ms',
  'error-rate',
  'fault-seed',
  'help',
];

function num(v: string | true | undefined, name: string, dflt?: number): number | undefined {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (v === true || !Number.isFinite(n)) throw new Error(`--${name} needs a number`);
  return n;
}

function parseBehaviour(v: string | true | undefined): Partial<SimBehaviour> | undefined {
  if (v === undefined) return undefined;
  try {
    if (v === true) throw new Error('missing');
    return JSON.parse(v) as Partial<SimBehaviour>;
  } catch {
    throw new Error('--behaviour needs a JSON object, e.g. \'{"trashMovesUpdatedDatetime":true}\'');
  }
}

/**
 * A Gorgias on a bad day: every API answer `--latency-ms` late (the bucket level in its header is read on
 * arrival, so it is that old when the client sees it) and a share `--error-rate` answered 500/502/503.
 * Seeded: the same sequence of calls meets the same faults.
 */
function faultsOf(args: Record<string, string | true>): FaultConfig | undefined {
  const slowMs = num(args['latency-ms'], 'latency-ms');
  const errorRate = num(args['error-rate'], 'error-rate');
  if (slowMs === undefined && errorRate === undefined) return undefined;
  return { slowMs, slowRate: slowMs ? 1 : undefined, errorRate, seed: num(args['fault-seed'], 'fault-seed', 1) };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    console.log('Usage: cli.ts [--port 4010] [--host 127.0.0.1] [--subdomain acme] [--email admin@acme.test] [--api-key sim-key-acme]');
    console.log('              [--tickets 200] [--messages N | --messages-per-ticket 5] [--seed 1] [--clock-scale 1]');
    console.log('              [--no-rate-limit | --rate-limit 40 --window-seconds 20]');
    console.log('              [--behaviour \'{"trashedTicketMessagesListed":true}\'] (see docs/gorgias-api.md, Behaviour options)');
    console.log('              [--latency-ms 0] [--error-rate 0] [--fault-seed 1] (see docs/gorgias-api.md, Faults)');
    return;
  }
  for (const k of Object.keys(args)) if (!KNOWN.includes(k)) throw new Error(`Unknown flag --${k}`);
  const str = (k: string, d: string) => (typeof args[k] === 'string' ? (args[k] as string) : d);
  const port = num(args.port, 'port', 4010)!;
  const host = str('host', '127.0.0.1');
  const subdomain = str('subdomain', 'acme');
  const email = str('email', 'admin@acme.test');
  const apiKey = str('api-key', 'sim-key-acme');
  const clockScale = num(args['clock-scale'], 'clock-scale', 1)!;
  const rateLimit = args['no-rate-limit']
    ? (false as const)
    : { limit: num(args['rate-limit'], 'rate-limit', 40)!, windowSeconds: num(args['window-seconds'], 'window-seconds', 20)! };

  const started = Date.now();
  const sim = await startGorgiasSimulator({ port, host, clockScale, rateLimit });
  const acct = sim.addAccount({
    subdomain,
    email,
    apiKey,
    seed: num(args.seed, 'seed', 1),
    tickets: num(args.tickets, 'tickets', 200),
    messages: num(args.messages, 'messages'),
    messagesPerTicket: num(args['messages-per-ticket'], 'messages-per-ticket'),
    behaviour: parseBehaviour(args.behaviour),
  });
  const faults = faultsOf(args);
  if (faults) acct.setFaults(faults);
  const snap = acct.snapshot();
  console.log(`Gorgias simulator listening on ${sim.baseUrl}`);
  console.log(`  GORGIAS_BASE_URL=${sim.baseUrlTemplate}`);
  console.log(`  subdomain: ${subdomain}`);
  console.log(`  email:     ${email}`);
  console.log(`  API key:   ${apiKey}`);
  console.log(`  data:      ${snap.tickets.length} tickets, ${snap.messages.length} messages (seeded in ${Date.now() - started} ms)`);
  console.log(
    `  rate limit: ${rateLimit ? `${rateLimit.limit} calls / ${rateLimit.windowSeconds} s simulated` : 'disabled'}, clock scale ${clockScale}` +
      ' (Retry-After is in real seconds)',
  );
  console.log(`  behaviour: ${JSON.stringify(acct.behaviour())}`);
  if (faults) console.log(`  faults:    ${JSON.stringify(faults)}`);
  console.log(`  control:   ${sim.baseUrl}/__control/${subdomain}/stats`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`Received ${signal}, shutting down`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e) => {
  console.error(e?.message ?? e);
  process.exit(1);
});
