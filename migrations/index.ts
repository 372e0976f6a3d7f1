import { InitialSchema1764000000000 } from './1764000000000-InitialSchema';
import { ConnectorSubdomainUnique1764000000001 } from './1764000000001-ConnectorSubdomainUnique';
import { SyncRunPercent1764000000002 } from './1764000000002-SyncRunPercent';
import { WebhookIntake1764000000030 } from './1764000000030-WebhookIntake';
import { TicketChanges1764000000040 } from './1764000000040-TicketChanges';
import { SearchVectorCaps1764000000070 } from './1764000000070-SearchVectorCaps';
import { SyncQuarantine1764000000071 } from './1764000000071-SyncQuarantine';
import { SourceVersions1764000000072 } from './1764000000072-SourceVersions';
import { RunClaimToken1764000000073 } from './1764000000073-RunClaimToken';
import { GorgiasFidelity1764000000080 } from './1764000000080-GorgiasFidelity';
import { SyncRunChanges1764000000090 } from './1764000000090-SyncRunChanges';
import { WebhookBudget1764000000091 } from './1764000000091-WebhookBudget';
import { ConnectorLastCheck1764000000095 } from './1764000000095-ConnectorLastCheck';
import { TenantKeyedSchema1764000000100 } from './1764000000100-TenantKeyedSchema';
import { CoverageObjects1764000000110 } from './1764000000110-CoverageObjects';
import { SyncVerifications1764000000120 } from './1764000000120-SyncVerifications';
import { CitusFanOut1764000000140 } from './1764000000140-CitusFanOut';
import { MessagesTenantTicketIndex1764000000150 } from './1764000000150-MessagesTenantTicketIndex';

/** Every migration, in order. Listed explicitly so that ts-node, jest and the built app load the same set. */
export const migrations = [
  InitialSchema1764000000000,
  ConnectorSubdomainUnique1764000000001,
  SyncRunPercent1764000000002,
  WebhookIntake1764000000030,
  TicketChanges1764000000040,
  SearchVectorCaps1764000000070,
  SyncQuarantine1764000000071,
  SourceVersions1764000000072,
  RunClaimToken1764000000073,
  GorgiasFidelity1764000000080,
  SyncRunChanges1764000000090,
  WebhookBudget1764000000091,
  ConnectorLastCheck1764000000095,
  TenantKeyedSchema1764000000100,
  CoverageObjects1764000000110,
  SyncVerifications1764000000120,
  CitusFanOut1764000000140,
  MessagesTenantTicketIndex1764000000150,
];
