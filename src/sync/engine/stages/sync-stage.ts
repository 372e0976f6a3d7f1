import { SyncStage, SyncStream } from '../../sync-run.types';
import { RunSession } from '../session/run-session';

/** The streams' watermarks when the run started this attempt. */
export type Watermarks = Partial<Record<SyncStream, Date | null>>;

/**
 * One step of a run. It resumes from `session.checkpoint`, writes through `session.page(...)`, and
 * ends by committing `session.advance(next)` with its last page.
 */
export interface SyncStageRunner {
  run(session: RunSession, next: SyncStage, watermarks: Watermarks): Promise<void>;
}
