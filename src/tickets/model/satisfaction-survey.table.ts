import { ColumnSpec, ReadColumnsOf, readColumns, SameKeys, WrittenColumnsOf } from './columns';

/**
 * The `satisfaction_surveys` table (issue 24; Gorgias `GET /api/satisfaction-surveys`): one per ticket,
 * created when sent and scored later. The sync re-reads a survey with no `scored_at` until it is scored
 * or 30 days old (the index `satisfaction_surveys_unscored_idx` serves that). `score` is smallint (1..5),
 * declared `int` for the write's record.
 */
export const SATISFACTION_SURVEY_COLUMNS = [
  { column: 'connector_id', type: 'uuid', always: true },
  { column: 'external_id', type: 'bigint', field: 'externalId', write: true, upsertKey: true },
  { column: 'ticket_external_id', type: 'bigint', field: 'ticketExternalId', write: true },
  { column: 'score', type: 'int', field: 'score', write: true },
  { column: 'body_text', type: 'text', field: 'bodyText', write: true },
  { column: 'sent_at', type: 'timestamptz', field: 'sentAt', write: true },
  { column: 'scored_at', type: 'timestamptz', field: 'scoredAt', write: true },
  { column: 'source_created_at', type: 'timestamptz', field: 'createdAt', write: true },
] as const satisfies readonly ColumnSpec[];

/** A survey as reads return it (bigint ids as decimal text). */
export interface SatisfactionSurveyRow {
  connector_id: string;
  external_id: string;
  ticket_external_id: string | null;
  score: number | null;
  body_text: string | null;
  sent_at: Date | null;
  scored_at: Date | null;
  source_created_at: Date | null;
}

/** A survey as the sync writes it (timestamps as ISO strings). */
export interface SatisfactionSurveyWriteRow {
  external_id: number;
  ticket_external_id: number | null;
  score: number | null;
  body_text: string | null;
  sent_at: string | null;
  scored_at: string | null;
  source_created_at: string | null;
}

const _readRow: SameKeys<keyof SatisfactionSurveyRow, ReadColumnsOf<typeof SATISFACTION_SURVEY_COLUMNS>> = true;
const _writeRow: SameKeys<keyof SatisfactionSurveyWriteRow, WrittenColumnsOf<typeof SATISFACTION_SURVEY_COLUMNS>> = true;

/** Survey columns read (in SatisfactionSurveyRow), in SELECT order. */
export const SATISFACTION_SURVEY_READ_COLUMNS = readColumns(SATISFACTION_SURVEY_COLUMNS);
