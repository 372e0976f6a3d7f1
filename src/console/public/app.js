import { createApi, detectFeatures, Q, saveToken, takeToken, tokenFromHash, whenUnauthenticated } from './api.js';
import { connectorDetail } from './connector-detail.js';
import { connectorForm } from './connector-form.js';
import { connectorsList } from './connectors-list.js';
import { liveRuns, withLiveRun } from './live-run.js';
import { $, el, showError } from './dom.js';

/**
 * `view` counts navigations (a connector opened, the form opened, signed out): a connector that
 * finishes loading after the operator went elsewhere is not shown over where they went (a sync
 * ending while the Add connector form was open replaced the form, and what was typed in it).
 */
const state = { api: null, features: null, role: null, connectors: [], selectedId: null, detail: null, view: 0 };
const main = $('#main');
const listRegion = $('#connectors');
const status = $('#status');

const announce = (text) => {
  status.textContent = text;
};

/** Back to the sign-in form with a plain message; what was typed in the token field stays. */
function signOut(message) {
  saveToken(null);
  state.view++;
  state.api?.close();
  state.api = null;
  state.detail?.dispose?.();
  state.detail = null;
  liveRuns.clear();
  document.body.dataset.signedIn = 'false';
  main.replaceChildren();
  listRegion.replaceChildren();
  $('#token-error').replaceChildren(message ? el('p', { class: 'error', role: 'alert' }, message) : '');
  $('#token').focus();
}

whenUnauthenticated((e) => {
  if (!state.api) return;
  signOut(
    /expired/i.test(e.message)
      ? 'Your session expired. Paste a new token to sign in again.'
      : 'This token is no longer valid for this gateway. Paste a new token to sign in again.',
  );
});

async function signIn(token) {
  state.api?.close();
  state.api = createApi(token);
  try {
    const { viewer } = await state.api.gql(Q.viewer);
    state.role = viewer.role;
    $('#who').textContent = `Tenant ${viewer.tenantId} · ${viewer.role}`;
    state.features = await detectFeatures(state.api);
  } catch (e) {
    state.api = null;
    saveToken(null);
    document.body.dataset.signedIn = 'false';
    if (e.code === 'UNAUTHENTICATED') {
      const msg = /expired/i.test(e.message)
        ? 'This token has expired. Create a new one and paste it here.'
        : 'This token is not valid for this gateway. Check that you copied all of it, for this gateway.';
      $('#token-error').replaceChildren(el('p', { class: 'error', role: 'alert' }, msg));
    } else showError($('#token-error'), e);
    $('#token').focus();
    return;
  }
  saveToken(token);
  $('#token').value = '';
  $('#token-error').replaceChildren();
  document.body.dataset.signedIn = 'true';
  document.body.dataset.role = state.role;
  $('#add-connector').hidden = state.role !== 'admin';
  await refreshList();
  if (state.connectors.length) select(state.selectedId ?? state.connectors[0].id);
  else if (state.role === 'admin') openForm();
  else main.replaceChildren(el('p', { class: 'empty' }, 'No connectors yet. An admin can add one.'));
}

async function refreshList() {
  if (!state.api) return;
  try {
    const read = (await state.api.gql(Q.connectors(state.features))).connectors;
    // The list may be a moment behind the live progress (or ahead of it): one merge decides for both.
    state.connectors = read.map((c) => withLiveRun(c, liveRuns.get(c.id)));
    renderList();
  } catch (e) {
    if (state.api) showError(listRegion, e);
  }
}

function renderList() {
  const focused = document.activeElement?.closest?.('.connector-item')?.dataset.id;
  listRegion.replaceChildren(connectorsList(state.connectors, state.selectedId, select));
  if (focused) listRegion.querySelector(`.connector-item[data-id="${CSS.escape(focused)}"]`)?.focus();
}

/** A progress event of the open connector: its list entry follows at once, as the badges above do. */
function onLive(p) {
  liveRuns.set(p.connectorId, p);
  const i = state.connectors.findIndex((c) => c.id === p.connectorId);
  if (i < 0) return;
  const merged = withLiveRun(state.connectors[i], p);
  if (merged === state.connectors[i]) return;
  state.connectors[i] = merged;
  renderList();
}

async function select(id, { focus = true, tab } = {}) {
  const view = ++state.view;
  const switching = id !== state.selectedId;
  state.selectedId = id;
  if (switching) {
    // Another connector: switch at once (the old one's figures must not linger while the list loads).
    tab ??= state.detail?.currentTab?.();
    state.detail?.dispose?.();
    state.detail = null;
    const name = state.connectors.find((x) => x.id === id)?.name ?? 'the connector';
    main.replaceChildren(el('p', { class: 'muted', 'aria-busy': 'true' }, `Loading ${name}…`));
  } else if (state.detail) state.detail.root.setAttribute('aria-busy', 'true');
  await refreshList();
  if (view !== state.view) return; // the operator went elsewhere meanwhile
  const c = state.connectors.find((x) => x.id === id);
  if (!c) return;
  tab ??= state.detail?.currentTab?.();
  state.detail?.dispose?.();
  state.detail = connectorDetail(state.api, c, {
    role: state.role,
    onChanged: () => select(id, { focus: false }),
    onEdit: openForm,
    onDeleted: async () => {
      state.selectedId = null;
      state.detail?.dispose?.();
      state.detail = null;
      await refreshList();
      if (state.connectors.length) select(state.connectors[0].id);
      else openForm();
    },
    announce,
    onLive,
    tab,
  });
  main.replaceChildren(state.detail.root);
  if (focus) state.detail.focus();
}

function openForm(existing, { focusField } = {}) {
  state.view++;
  state.detail?.dispose?.();
  state.detail = null;
  const form = connectorForm(state.api, {
    existing,
    focusField,
    onSaved: (id, opts) => (opts?.keepForm ? ((state.selectedId = id), refreshList()) : select(id)),
    onCancel: () => (state.selectedId ? select(state.selectedId) : (state.view++, main.replaceChildren())),
  });
  main.replaceChildren(form.root);
  form.focus();
}

$('#token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const token = $('#token')
    .value.trim()
    .replace(/^Bearer\s+/i, '');
  if (token) signIn(token);
});
$('#sign-out').addEventListener('click', () => signOut());
$('#add-connector').addEventListener('click', () => openForm());
// The printed sign-in link opened in a tab already on the console changes only the fragment.
window.addEventListener('hashchange', () => {
  const token = tokenFromHash();
  if (token) signIn(token);
});

// Badges, counts and facts stay current (every 3 s while a sync runs, else 10 s) without
// rebuilding the open panel, unless the open connector's run changed unseen.
// A run that starts (QUEUED to RUNNING) goes on live in the open panel; one that ends or a new one rebuilds it.
// A run that starts waiting to retry rebuilds it too: its actions gain Retry now.
const runKey = (c) => {
  const r = c?.latestRun;
  const active = r && ['RUNNING', 'QUEUED'].includes(r.status);
  return `${r?.id}:${active ? (r.error ? 'retrying' : 'active') : r?.status}`;
};
const syncing = () => state.connectors.some((c) => ['RUNNING', 'QUEUED'].includes(c.latestRun?.status));
let ticks = 0;
setInterval(async () => {
  if (!state.api || document.visibilityState !== 'visible') return;
  if (++ticks % 10 !== 0 && !(syncing() && ticks % 3 === 0)) return;
  const before = runKey(state.connectors.find((c) => c.id === state.selectedId));
  await refreshList();
  const now = state.connectors.find((c) => c.id === state.selectedId);
  if (!state.detail || !now) return;
  if (runKey(now) !== before) select(now.id, { focus: false });
  else state.detail.update(now);
}, 1_000);

const token = takeToken();
if (token) signIn(token);
else $('#token').focus();
