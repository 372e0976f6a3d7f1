// The console's only door to the gateway: GraphQL over HTTP with the pasted token, and the
// syncProgress subscription over graphql-ws (window.graphqlWs, served from node_modules).

const TOKEN_KEY = 'cxconnect.console.token';

export class ApiError extends Error {
  constructor(message, code, extensions = {}) {
    super(message);
    this.code = code;
    this.extensions = extensions;
  }
}

/** Called when the gateway no longer accepts the token (expired, revoked, another gateway's). */
let onUnauthenticated = () => undefined;
export const whenUnauthenticated = (fn) => {
  onUnauthenticated = fn;
};

/** The token in the URL fragment (`/console#token=...`, printed by `npm start`), dropped from the address bar. */
export function tokenFromHash() {
  const fromUrl = new URLSearchParams(location.hash.slice(1)).get('token');
  if (!fromUrl) return null;
  sessionStorage.setItem(TOKEN_KEY, fromUrl);
  history.replaceState(null, '', location.pathname + location.search); // keep it out of the address bar
  return fromUrl;
}

/** A token in the URL fragment wins, then the tab's stored one. */
export function takeToken() {
  return tokenFromHash() ?? sessionStorage.getItem(TOKEN_KEY);
}

export function saveToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export function createApi(token) {
  /** `signal` (an AbortController's) stops waiting: the promise rejects with code ABORTED. */
  async function gql(query, variables, { signal } = {}) {
    let res;
    const aborted = () => new ApiError('Cancelled before the gateway answered.', 'ABORTED');
    try {
      res = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
        signal,
      });
    } catch (e) {
      if (signal?.aborted) throw aborted();
      throw new ApiError(`The gateway did not answer (${e.message}). Is it running?`, 'NETWORK');
    }
    let body;
    try {
      body = await res.json();
    } catch {
      if (signal?.aborted) throw aborted();
      throw new ApiError(`The gateway answered ${res.status} ${res.statusText} without a GraphQL body.`, 'HTTP');
    }
    if (body.errors?.length) {
      // The API's own words: they name the field and the fix.
      const first = body.errors[0];
      const error = new ApiError(body.errors.map((e) => e.message).join(' '), first.extensions?.code, first.extensions ?? {});
      if (error.code === 'UNAUTHENTICATED') onUnauthenticated(error);
      throw error;
    }
    return body.data;
  }

  let ws;
  function subscribe(query, variables, onData, onError) {
    ws ??= window.graphqlWs.createClient({
      url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
      connectionParams: () => ({ authorization: `Bearer ${token}` }),
      retryAttempts: 10,
      lazy: true,
    });
    return ws.subscribe(
      { query, variables },
      {
        next: (msg) => (msg.errors ? onError(new ApiError(msg.errors.map((e) => e.message).join(' '))) : onData(msg.data)),
        error: (e) => onError(new ApiError(e?.message ?? (e?.reason || `subscription closed (${e?.code ?? 'unknown'})`))),
        complete: () => undefined,
      },
    );
  }

  return { gql, subscribe, close: () => ws?.dispose() };
}

/**
 * Which of the newer Connector fields this gateway has (health, realtime, freshness): asked once
 * at load, so the console works before and after they exist.
 */
export async function detectFeatures(api) {
  // One query: Connector's fields and, for object-typed ones, their own fields (through NON_NULL).
  const data = await api.gql(`{
    __type(name: "Connector") { fields { name type { kind fields { name } ofType { kind fields { name } } } } }
  }`);
  const fields = new Map((data.__type?.fields ?? []).map((f) => [f.name, f.type.fields ?? f.type.ofType?.fields ?? null]));
  const pick = (field, wanted) => {
    if (!fields.has(field)) return null;
    const have = new Set((fields.get(field) ?? []).map((f) => f.name));
    const chosen = wanted.filter((w) => have.has(w));
    return chosen.length ? chosen : null;
  };
  return {
    health: pick('health', ['state', 'reason', 'consecutiveFailures', 'lastSuccessAt']),
    realtime: pick('realtime', ['mode', 'webhookUrl', 'lastWebhookAt', 'manualSetup', 'error']),
    dataFreshAsOf: fields.has('dataFreshAsOf'),
    freshnessLagSeconds: fields.has('freshnessLagSeconds'),
    lastCheck: fields.has('lastCheck'),
  };
}

const RUN_FIELDS =
  'id status mode phase percent ticketsSynced messagesSynced ticketsDeleted ticketsTotal apiRequests error startedAt finishedAt createdAt retry { attempt nextTryAt }';

export function connectorFields(features) {
  const extra = [];
  if (features.health?.length) extra.push(`health { ${features.health.join(' ')} }`);
  if (features.realtime?.length) extra.push(`realtime { ${features.realtime.join(' ')} }`);
  if (features.dataFreshAsOf) extra.push('dataFreshAsOf');
  if (features.freshnessLagSeconds) extra.push('freshnessLagSeconds');
  if (features.lastCheck) extra.push('lastCheck { ok code message checkedAt }');
  return `id name status email subdomain apiKeyLast4 syncIntervalMinutes lastSyncedAt nextSyncAt lastError
    ticketCount messageCount latestRun { ${RUN_FIELDS} } ${extra.join(' ')}`;
}

const TICKET_ROW = 'id externalId subject description status priority channel messagesCount updatedAt deletedAt customer { email name }';
const MESSAGES = `totalCount pageInfo { hasPreviousPage startCursor }
  nodes { id fromAgent public channel subject bodyText createdAt sender { email name } attachments { url name contentType } }`;

export const Q = {
  viewer: `{ viewer { tenantId role } }`,
  connectors: (f) => `{ connectors { ${connectorFields(f)} } }`,
  connector: (f) => `query($id: ID!) { connector(id: $id) { ${connectorFields(f)} } }`,
  check: `mutation($input: GorgiasCredentialsInput!) { checkGorgiasCredentials(input: $input) { ok code message accountDomain canReadTickets canReadMessages } }`,
  testSaved: `mutation($id: ID!) { testConnectorConnection(id: $id) { ok code message accountDomain canReadTickets canReadMessages } }`,
  create: `mutation($input: CreateGorgiasConnectorInput!) { createGorgiasConnector(input: $input) { id } }`,
  update: `mutation($id: ID!, $input: UpdateGorgiasConnectorInput!) { updateGorgiasConnector(id: $id, input: $input) { id status } }`,
  activate: `mutation($id: ID!) { activateConnector(id: $id) { id status } }`,
  cancel: `mutation($id: ID!) { cancelSync(connectorId: $id) { id status } }`,
  retry: `mutation($id: ID!) { retrySyncNow(connectorId: $id) { id status } }`,
  remove: `mutation($id: ID!) { deleteConnector(id: $id) }`,
  rotate: `mutation($id: ID!) { rotateWebhookSecret(connectorId: $id) }`,
  quarantine: `query($id: ID!) { syncQuarantine(connectorId: $id, first: 100) { objectType externalId reason attempts lastSeenAt } }`,
  pause: `mutation($id: ID!) { pauseConnector(id: $id) { id status } }`,
  trigger: `mutation($id: ID!, $mode: SyncMode!) { triggerSync(connectorId: $id, mode: $mode) { id status } }`,
  runs: `query($id: ID!, $after: String, $includeQuiet: Boolean) { syncRuns(connectorId: $id, first: 20, after: $after, includeQuiet: $includeQuiet) { totalCount pageInfo { hasNextPage endCursor } nodes { ${RUN_FIELDS} } } }`,
  logs: `query($id: ID!, $level: SyncLogLevel, $runId: ID, $after: String) {
    syncLogs(connectorId: $id, level: $level, runId: $runId, first: 50, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id level message at runId } } }`,
  tickets: `query($filter: TicketFilter, $after: String) {
    tickets(filter: $filter, first: 25, after: $after) { totalCount pageInfo { hasNextPage endCursor }
      nodes { ${TICKET_ROW} } } }`,
  byExternalId: `query($id: ID!, $ext: ID!) { ticketByExternalId(connectorId: $id, externalId: $ext) { ${TICKET_ROW} } }`,
  ticket: `query($id: ID!) { ticket(id: $id) { id externalId subject status priority channel tags createdAt updatedAt deletedAt
    customer { email name } messages(last: 50) { ${MESSAGES} } } }`,
  resyncTicket: `mutation($id: ID!, $ext: ID!) { resyncTicket(connectorId: $id, externalId: $ext) { id externalId deletedAt } }`,
  olderMessages: `query($id: ID!, $before: String) { ticket(id: $id) { id messages(last: 50, before: $before) { ${MESSAGES} } } }`,
  progress: `subscription($id: ID!) { syncProgress(connectorId: $id) { connectorId runId status phase ticketsSynced messagesSynced ticketsTotal percent at } }`,
};
