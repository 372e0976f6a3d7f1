import { ObjectType } from '@nestjs/graphql';
import { Paginated } from '../../../common/pagination/paginated';
import { SyncLogEntry, SyncRun } from '../models/sync.models';

@ObjectType()
export class SyncRunConnection extends Paginated(SyncRun) {}

@ObjectType()
export class SyncLogEntryConnection extends Paginated(SyncLogEntry) {}
