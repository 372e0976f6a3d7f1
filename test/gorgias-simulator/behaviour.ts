/**
 * Behaviours the public sources leave open. Each is an option, and each default is the worst case for a
 * client, so tests run against it (docs/gorgias-api.md lists which facts are confirmed and which assumed).
 */
export interface SimBehaviour {
  /** Trashing or restoring a ticket also moves its `updated_datetime`. Default false. */
  trashMovesUpdatedDatetime: boolean;
  /** Messages of trashed tickets stay in `GET /api/messages` (and the ticket's message lists). Default false. */
  trashedTicketMessagesListed: boolean;
  /** A merged-away ticket also records `ticket-deleted`. Default false: it just disappears. */
  mergeRecordsTicketDeleted: boolean;
  /** A merge moves the target's `updated_datetime`. Default false. */
  mergeMovesTargetUpdatedDatetime: boolean;
  /** Deleting or changing a message moves its ticket's `updated_datetime`. Default false. */
  messageChangeMovesTicketUpdatedDatetime: boolean;
  /**
   * Events carry ids in `data` (`ticket_id` for message events, `merged_ticket_id` on ticket-merged).
   * Default false: `data` is null and a message event names only the message.
   */
  eventDataIds: boolean;
  /** Body of a 429: Gorgias' JSON error, an HTML page, or nothing. Default 'html'. */
  rateLimitBody: 'json' | 'html' | 'empty';
  /** A deactivated user stays in `GET /api/users`. Default false: it leaves the list (`GET /api/users/{id}` still answers). */
  deactivatedUsersListed: boolean;
  /**
   * Real ms during which a user, team, tag or survey created by a mutation is in the events but not yet in
   * its list or `GET …/{id}` (404). Default 1000: an event can name an object the API does not show yet.
   */
  newObjectListLagMs: number;
  /** A tag merge records ticket-tags-added/-removed on each retagged ticket and moves its updated_datetime. Default false. */
  tagMergeRecordsTicketEvents: boolean;
  /** A survey's score moves its ticket's updated_datetime. Default false. */
  surveyScoreMovesTicketUpdatedDatetime: boolean;
  /**
   * Surveys record events: `satisfaction-survey-created` when sent, `satisfaction-survey-updated` when scored
   * (names assumed; the `types` filter accepts them only then). Default false: no event, and a filter
   * naming them answers 400 as an unknown type would.
   */
  surveyEvents: boolean;
}

export const WORST_CASE: SimBehaviour = {
  trashMovesUpdatedDatetime: false,
  trashedTicketMessagesListed: false,
  mergeRecordsTicketDeleted: false,
  mergeMovesTargetUpdatedDatetime: false,
  messageChangeMovesTicketUpdatedDatetime: false,
  eventDataIds: false,
  rateLimitBody: 'html',
  deactivatedUsersListed: false,
  newObjectListLagMs: 1000,
  tagMergeRecordsTicketEvents: false,
  surveyScoreMovesTicketUpdatedDatetime: false,
  surveyEvents: false,
};

/** Checks a partial behaviour (from tests or the control API) and merges it over `base`. */
export function mergeBehaviour(base: SimBehaviour, patch: Partial<SimBehaviour> | undefined): SimBehaviour {
  const out = { ...base };
  for (const [k, v] of Object.entries(patch ?? {})) {
    if (!(k in WORST_CASE)) throw new Error(`Unknown behaviour option ${k}: use one of ${Object.keys(WORST_CASE).join(', ')}`);
    if (k === 'rateLimitBody') {
      if (!['json', 'html', 'empty'].includes(v as string)) throw new Error('rateLimitBody must be json, html or empty');
    } else if (k === 'newObjectListLagMs') {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error('newObjectListLagMs must be a number >= 0');
    } else if (typeof v !== 'boolean') throw new Error(`${k} must be a boolean`);
    (out as Record<string, unknown>)[k] = v;
  }
  return out;
}
