import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { appConfig, AppConfig } from '../../../config/app.config';
import { CoverageWriteRepository } from '../../../tickets/repositories/coverage-write.repository';
import { QuarantinedObjectType } from '../../repositories/sync-quarantine.repository';
import { PAGE_SIZE, WATERMARK_OVERLAP_MS } from '../../sync.constants';
import { SyncMode, SyncStage, SyncStream } from '../../sync-run.types';
import { PageChangeSet } from '../session/page-changes';
import { RunSession } from '../session/run-session';
import {
  HelpdeskApiError,
  SourcePage,
  SourceSatisfactionSurvey,
  sourceTimeMs,
  toAgentRows,
  toCustomFieldDefinitionRows,
  toSatisfactionSurveyRows,
  toTagRows,
  toTeamRows,
} from '../source/helpdesk-source';
import { SyncStageRunner, Watermarks } from './sync-stage';

const DAY_MS = 86_400_000;
/** The checkpoint's name for the lookup of agents the tickets name and the users list leaves out. */
const HIDDEN_AGENTS = 'agents named by tickets';

/** The key's role cannot see this list (403): the sync goes on without it, and says so. */
const isDenied = (e: unknown) => e instanceof HelpdeskApiError && e.code === 'PERMISSION_DENIED';
const isNotFound = (e: unknown) => e instanceof HelpdeskApiError && e.code === 'NOT_FOUND';

/** One small list: how to read a page of it, store a page of it, and name a record it refuses. */
interface SmallList<T> {
  name: string;
  type: QuarantinedObjectType;
  fetch: (cursor?: string) => Promise<SourcePage<T>>;
  store: (tx: EntityManager, items: T[], changes: PageChangeSet) => Promise<number>;
}

/**
 * Issue 24's lists: users (agents), teams, tags, custom field definitions and satisfaction surveys.
 *
 * - The first run of a connector (no `coverage` watermark) and every FULL run read each list whole, 100
 *   per page: the initial sync's call count grows by these pages only. An agent a ticket names that the
 *   users list leaves out (a deactivated user, in the worst case) is read by id.
 * - Later runs take users, teams and tags from the events (events stage, CoverageEvents). Surveys and
 *   custom field definitions have no events (worst case): every `SYNC_SURVEY_CHECK_SECONDS` a run walks
 *   the surveys newest first down to the last one seen and re-reads up to `SYNC_SURVEY_REREADS_PER_RUN`
 *   unscored surveys sent within `SYNC_SURVEY_SCORE_WINDOW_DAYS`; every `SYNC_CUSTOM_FIELDS_SECONDS` it
 *   reads the definitions again. A run in between makes no call here: a quiet poll costs what it did.
 * - Each page is one transaction; a record the database refuses is quarantined and the rest stored.
 */
@Injectable()
export class CoverageStage implements SyncStageRunner {
  constructor(
    private readonly coverage: CoverageWriteRepository,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  async run(session: RunSession, next: SyncStage, watermarks: Watermarks): Promise<void> {
    session.phase = 'reading agents, teams, tags, surveys and custom fields';
    const settings = this.config.sync.coverage;
    const whole = session.run.mode === SyncMode.FULL || !watermarks.coverage;
    const now = new Date();
    const due = (stream: SyncStream, seconds: number) =>
      whole || !watermarks[stream] || watermarks[stream]!.getTime() + seconds * 1000 <= now.getTime();
    const moved: SyncStream[] = [];
    if (whole) {
      await this.readLists(session);
      moved.push('coverage');
    }
    if (due('custom_fields', settings.customFieldsSeconds)) {
      await this.readDefinitions(session);
      moved.push('custom_fields');
    }
    let newestSurvey: string | null = null;
    if (due('survey_check', settings.surveyCheckSeconds)) {
      newestSurvey = await this.readSurveys(session, whole ? null : (watermarks.surveys ?? null));
      if (!whole)
        await this.rereadUnscored(session, settings.surveyRereadsPerRun, new Date(now.getTime() - settings.surveyScoreWindowDays * DAY_MS));
      moved.push('survey_check');
    }
    await session.page(async (tx) => {
      const { cursors } = session.services;
      for (const stream of moved) await cursors.setWatermark(tx, session.scope, stream, now, session.watermarkCap);
      if (newestSurvey) await cursors.setWatermark(tx, session.scope, 'surveys', newestSurvey, session.watermarkCap);
      session.advance(next);
    });
  }

  /** Users, teams and tags, whole; then agents the stored tickets name that the users list did not show. */
  private async readLists(session: RunSession): Promise<void> {
    const src = session.source;
    const order = 'created_datetime:desc';
    const scope = session.scope;
    await this.walk(session, {
      name: 'users',
      type: 'agent',
      fetch: (cursor) => src.listUsers({ limit: PAGE_SIZE, cursor, order_by: order }),
      store: (tx, items) => this.coverage.upsertAgents(tx, scope, toAgentRows(items)),
    });
    await this.walk(session, {
      name: 'teams',
      type: 'team',
      fetch: (cursor) => src.listTeams({ limit: PAGE_SIZE, cursor, order_by: order }),
      store: (tx, items) => this.coverage.upsertTeams(tx, scope, toTeamRows(items)),
    });
    await this.walk(session, {
      name: 'tags',
      type: 'tag',
      fetch: (cursor) => src.listTags({ limit: PAGE_SIZE, cursor, order_by: order }),
      store: (tx, items) => this.coverage.upsertTags(tx, scope, toTagRows(items)),
    });
    if (session.checkpoint.listsDone?.includes(HIDDEN_AGENTS)) return;
    const missing = await this.coverage.agentsNamedButMissing(session.services.dataSource.manager, scope, PAGE_SIZE);
    const found = [];
    for (const id of missing) {
      try {
        found.push(await src.getUser(Number(id)));
      } catch (e) {
        if (isDenied(e)) break;
        if (!isNotFound(e)) throw e;
      }
    }
    if (found.length) {
      await session.itemPage({
        items: found,
        identify: (u) => ({ type: 'agent', id: u.id }),
        store: async (tx, items) => void (await this.coverage.upsertAgents(tx, scope, toAgentRows(items))),
        then: () => Promise.resolve(this.markDone(session, HIDDEN_AGENTS)),
      });
    }
  }

  /** Ticket field definitions, active and archived (tickets keep values of archived ones). */
  private async readDefinitions(session: RunSession): Promise<void> {
    const src = session.source;
    for (const archived of [false, true]) {
      await this.walk(session, {
        name: archived ? 'archived custom fields' : 'custom fields',
        type: 'custom_field',
        fetch: (cursor) => src.listCustomFields({ limit: PAGE_SIZE, cursor, objectType: 'Ticket', archived }),
        store: (tx, items) => this.coverage.upsertCustomFieldDefinitions(tx, session.scope, toCustomFieldDefinitionRows(items)),
      });
    }
  }

  /**
   * Surveys newest first (by creation = sending), down to `after` minus the overlap, or whole when null.
   * Returns the newest creation time seen (the next look's lower bound).
   */
  private async readSurveys(session: RunSession, after: Date | null): Promise<string | null> {
    const src = session.source;
    const stopMs = after ? after.getTime() - WATERMARK_OVERLAP_MS : -Infinity;
    // The newest of the pages an earlier attempt of this run stored (kept with them in the checkpoint).
    let newest: string | null = session.checkpoint.pendingWatermark ?? null;
    await this.walk<SourceSatisfactionSurvey>(session, {
      name: 'satisfaction surveys',
      type: 'satisfaction_survey',
      fetch: (cursor) => src.listSatisfactionSurveys({ limit: PAGE_SIZE, cursor, order_by: 'created_datetime:desc' }),
      store: async (tx, items, changes) => {
        for (const s of items) if (!newest || sourceTimeMs(s.created_datetime) > sourceTimeMs(newest)) newest = s.created_datetime;
        return changes.addOther(await this.coverage.upsertSurveys(tx, session.scope, toSatisfactionSurveyRows(items)));
      },
      stopAt: (page) => {
        const oldest = page.data[page.data.length - 1];
        return !oldest || sourceTimeMs(oldest.created_datetime) < stopMs;
      },
      onPageStored: () => void (session.checkpoint.pendingWatermark = newest),
    });
    return newest;
  }

  /** Unscored surveys sent since `sentAfter`, the longest unread first, at most `limit` calls. */
  private async rereadUnscored(session: RunSession, limit: number, sentAfter: Date): Promise<void> {
    if (limit <= 0) return;
    const ids = await this.coverage.unscoredSurveys(session.services.dataSource.manager, session.scope, sentAfter, limit);
    const found: SourceSatisfactionSurvey[] = [];
    for (const id of ids) {
      try {
        found.push(await session.source.getSatisfactionSurvey(Number(id)));
      } catch (e) {
        if (isDenied(e)) return;
        if (!isNotFound(e)) throw e;
      }
    }
    if (!found.length) return;
    let scored = 0;
    await session.itemPage({
      items: found,
      identify: (s) => ({ type: 'satisfaction_survey', id: s.id }),
      begin: () => (scored = 0),
      store: async (tx, items, changes) => {
        scored += changes.addOther(await this.coverage.upsertSurveys(tx, session.scope, toSatisfactionSurveyRows(items)));
      },
    });
    await session.logs.info(session.scope, `Re-read ${found.length} unscored satisfaction surveys: ${scored} changed (scored).`);
  }

  /** Saved with the page that calls it: `name` is read to the end in this run. */
  private markDone(session: RunSession, name: string): void {
    const cp = session.checkpoint;
    Object.assign(cp, { listsDone: [...(cp.listsDone ?? []), name], list: undefined, cursor: undefined });
  }

  /**
   * Every page of one list (or down to `stopAt`), each page stored in its own transaction, with the
   * checkpoint: a run retried after a failure in this stage goes on from the page it had reached, and
   * skips the lists it had read (each list's name is its key in the checkpoint). The next page
   * is asked for while this one is written (as the list walks read ahead), never past the list's end or
   * the page `stopAt` ends on, so the calls are the ones reading page after page made.
   */
  private async walk<T extends { id: number }>(
    session: RunSession,
    list: SmallList<T> & { stopAt?: (page: SourcePage<T>) => boolean; onPageStored?: () => void },
  ): Promise<void> {
    if (session.checkpoint.listsDone?.includes(list.name)) return; // read by an earlier attempt of this run
    const resumeAt = session.checkpoint.list === list.name ? (session.checkpoint.cursor ?? undefined) : undefined;
    let stored = 0;
    let read = 0;
    let quarantined = 0;
    try {
      for (let call: Promise<SourcePage<T>> | undefined = list.fetch(resumeAt); call;) {
        const page: SourcePage<T> = await call;
        const next: string | null | undefined = page.meta?.next_cursor;
        call = next && page.data.length && !list.stopAt?.(page) ? list.fetch(next) : undefined;
        call?.catch(() => undefined); // awaited on the next turn; a write failing first leaves it unread
        const last = !call;
        const items = page.data.filter((x) => !!x && typeof x === 'object');
        read += items.length;
        let pageStored = 0;
        const r = await session.itemPage({
          items,
          identify: (x) => ({ type: list.type, id: typeof x.id === 'number' ? x.id : String(x.id) }),
          begin: () => (pageStored = 0),
          store: async (tx, batch, changes) => void (pageStored += await list.store(tx, batch, changes)),
          // With the page: where this list goes on (or that it is done), so that a retried run reads no page twice.
          then: () => {
            list.onPageStored?.();
            if (last) this.markDone(session, list.name);
            else Object.assign(session.checkpoint, { list: list.name, cursor: next });
            return Promise.resolve();
          },
        });
        stored += pageStored;
        quarantined += r.quarantined;
      }
    } catch (e) {
      if (!isDenied(e)) throw e;
      await session.logs.warn(session.scope, `The API key cannot read ${list.name} (403): they are not synced.`);
      return;
    }
    // Said only when something changed: a survey look that finds nothing new stays silent.
    if (stored || quarantined) {
      await session.logs.info(
        session.scope,
        `Read ${read} ${list.name} from Gorgias: ${stored} new or changed` + (quarantined ? `, ${quarantined} quarantined.` : '.'),
      );
    }
  }
}
