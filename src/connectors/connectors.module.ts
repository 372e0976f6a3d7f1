import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GorgiasModule } from '../gorgias/gorgias.module';
import { ConnectionCheckService } from './connection-check.service';
import { ConnectorLifecycle } from './connector-lifecycle';
import { CredentialRotationService } from './credential-rotation';
import { ConnectorsResolver } from './connectors.resolver';
import { ConnectorsRepository } from './connectors.repository';
import { ConnectorsService } from './connectors.service';
import { ConnectorEntity } from './entities/connector.entity';

@Module({
  imports: [TypeOrmModule.forFeature([ConnectorEntity]), GorgiasModule],
  providers: [ConnectorsService, ConnectorsRepository, ConnectionCheckService, ConnectorLifecycle, ConnectorsResolver, CredentialRotationService],
  exports: [ConnectorsService, ConnectorLifecycle],
})
export class ConnectorsModule {}
