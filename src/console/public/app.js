import { createApi, detectFeatures, Q, saveToken, takeToken } from './api.js';
import { connectorDetail } from './connector-detail.js';
import { connectorForm } from './connector-form.js';
import { connectorsList } from './connectors-list.js';
import { $, showError } from './dom.js';

const state = { api: null, features: null, connectors: [], selectedId: null, detail: null };
const main = $('#main');
const listRegion = $('#connectors');
const status = $('#status');

const announce = (text) => {
  status.textContent = text;
};

async function signIn(token) {
  state.api?.close();
  state.api = createApi(token);
  try {
    const { viewer } = await state.api.gql(Q.viewer);
    $('#who').textContent = `Tenant ${viewer.tenantId} · ${viewer.role}`;
    state.features = await detectFeatures(state.api);
  } catch (e) {
    state.api = null;
    saveToken(null);
    document.body.dataset.signedIn = 'false';
    showError($('#token-error'), e);
    $('#token').focus();
    return;
  }
  saveToken(token);
  $('#token-error').replaceChildren();
  document.body.dataset.signedIn = 'true';
  await refreshList();
  if (state.connectors.length) select(state.selectedId ?? state.connectors[0].id);
  else openForm();
}

async function refreshList() {
  try {
    state.connectors = (await state.api.gql(Q.connectors(state.features))).connectors;
    listRegion.replaceChildren(connectorsList(state.connectors, state.selectedId, select));
  } catch (e) {
    showError(listRegion, e);
  }
}

async function select(id, { focus = true, tab } = {}) {
  state.selectedId = id;
  await refreshList();
  const c = state.connectors.find((x) => x.id === id);
  if (!c) return;
  tab ??= state.detail?.currentTab?.();
  state.detail?.dispose?.();
  state.detail = connectorDetail(state.api, c, { onChanged: () => select(id, { focus: false }), onEdit: openForm, announce, tab });
  main.replaceChildren(state.detail.root);
  if (focus) state.detail.focus();
}

function openForm(existing) {
  state.detail?.dispose?.();
  state.detail = null;
  const form = connectorForm(state.api, {
    existing,
    onSaved: (id, opts) => (opts?.keepForm ? refreshList() : select(id)),
    onCancel: () => (state.selectedId ? select(state.selectedId) : main.replaceChildren()),
  });
  main.replaceChildren(form.root);
  form.focus();
}

$('#token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const token = $('#token')
    .value.trim()
    .replace(/^Bearer\s+/i, '');
  $('#token').value = '';
  if (token) signIn(token);
});
$('#sign-out').addEventListener('click', () => {
  saveToken(null);
  state.api?.close();
  state.api = null;
  document.body.dataset.signedIn = 'false';
  main.replaceChildren();
  listRegion.replaceChildren();
  $('#token').focus();
});
$('#add-connector').addEventListener('click', () => openForm());

// Badges (last sync, freshness, status) stay current without touching the open panel, unless the
// open connector's run ended unseen (e.g. it finished before the progress subscription started).
const runKey = (c) => `${c?.latestRun?.id}:${c?.latestRun?.status}`;
setInterval(async () => {
  if (!state.api || document.visibilityState !== 'visible') return;
  const before = runKey(state.connectors.find((c) => c.id === state.selectedId));
  await refreshList();
  const now = state.connectors.find((c) => c.id === state.selectedId);
  if (state.detail && now && runKey(now) !== before) select(now.id, { focus: false });
}, 10_000);

const token = takeToken();
if (token) signIn(token);
else $('#token').focus();
