/**
 * An account's users (agents), teams, tags, satisfaction surveys and custom field definitions. Each record
 * keeps its creation sort key and the real time from which lists and lookups show it: the worst case
 * `newObjectListLagMs` lets an event name an object the API does not show yet.
 */
import type {
  GorgiasCustomField,
  GorgiasSatisfactionSurvey,
  GorgiasTagDefinition,
  GorgiasTeam,
  GorgiasUser,
} from '../../src/gorgias/gorgias.types';
import { ApiError } from './api-error';

export interface CoverageRec<T> {
  o: T;
  /** created_datetime in ms (the only list order). */
  c: number;
  /** Real time (Date.now) from which the API shows it. */
  visibleAt: number;
}

export type CoverageKind = 'users' | 'teams' | 'tags' | 'satisfaction-surveys' | 'custom-fields';

const NOUN: Record<CoverageKind, string> = {
  users: 'User',
  teams: 'Team',
  tags: 'Tag',
  'satisfaction-surveys': 'Satisfaction survey',
  'custom-fields': 'Custom field',
};

export class CoverageStore {
  readonly users = new Map<number, CoverageRec<GorgiasUser>>();
  readonly teams = new Map<number, CoverageRec<GorgiasTeam>>();
  readonly tags = new Map<number, CoverageRec<GorgiasTagDefinition>>();
  readonly surveys = new Map<number, CoverageRec<GorgiasSatisfactionSurvey>>();
  readonly fields = new Map<number, CoverageRec<GorgiasCustomField>>();
  /** Ticket id -> its survey id (one per ticket). */
  readonly surveyOfTicket = new Map<number, number>();
  nextUserId = 1001;
  nextTeamId = 3001;
  nextTagId = 7001;
  nextSurveyId = 40_000_001;
  nextFieldId = 601;

  map(kind: CoverageKind): Map<number, CoverageRec<{ id: number }>> {
    switch (kind) {
      case 'users':
        return this.users;
      case 'teams':
        return this.teams;
      case 'tags':
        return this.tags;
      case 'satisfaction-surveys':
        return this.surveys;
      case 'custom-fields':
        return this.fields;
    }
  }

  /** A record the API shows now, else 404 (unknown, deleted, merged away, or not visible yet). */
  visible<T>(kind: CoverageKind, id: number): CoverageRec<T> {
    const rec = this.map(kind).get(Number(id));
    if (!rec || rec.visibleAt > Date.now()) throw new ApiError(404, `${NOUN[kind]} ${id} not found`);
    return rec as unknown as CoverageRec<T>;
  }

  /** A record for a mutation (tests may change what the API does not show yet), else a plain error. */
  get<T>(kind: CoverageKind, id: number): CoverageRec<T> {
    const rec = this.map(kind).get(Number(id));
    if (!rec) throw new ApiError(404, `${NOUN[kind]} ${id} not found`);
    return rec as unknown as CoverageRec<T>;
  }

  /** Records shown now, ascending by (created, id). */
  listed<T extends { id: number }>(kind: CoverageKind, keep: (o: T) => boolean = () => true): CoverageRec<T>[] {
    const now = Date.now();
    const out: CoverageRec<T>[] = [];
    for (const rec of this.map(kind).values() as Iterable<CoverageRec<T>>) if (rec.visibleAt <= now && keep(rec.o)) out.push(rec);
    return out.sort((a, b) => a.c - b.c || a.o.id - b.o.id);
  }
}
