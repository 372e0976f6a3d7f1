import { AppConfig } from '../../../src/config/app.config';
import { CoverageStage } from '../../../src/sync/engine/stages/coverage.stage';
import { CoverageWriteRepository } from '../../../src/tickets/repositories/coverage-write.repository';

/** The coverage stage over real repositories, with surveys and custom fields due hourly and (by default) no survey re-reads. */
export function coverageStage(surveyRereadsPerRun = 0): CoverageStage {
  const config = {
    sync: { coverage: { surveyCheckSeconds: 3600, surveyRereadsPerRun, surveyScoreWindowDays: 7, customFieldsSeconds: 3600 } },
  } as unknown as AppConfig;
  return new CoverageStage(new CoverageWriteRepository(), config);
}

/** The `i`-th minute of 2025 as Gorgias writes a datetime: records in creation order. */
export const minuteOf2025 = (i: number) => new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();
