import { ObjectType } from '@nestjs/graphql';
import { Paginated } from '../../common/pagination/paginated';
import { SyncLogEntry, SyncRun } from '../sync.types';

@ObjectType()
export class SyncRunConnection extends Paginated(SyncRun) {}

@ObjectType()
export class SyncLogEntryConnection extends Paginated(SyncLogEntry) {}
