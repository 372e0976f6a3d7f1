import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { GorgiasClientFactory } from './gorgias-client.factory';

/** The Gorgias REST API client. Kept-alive connections: a sync makes thousands of calls to one host. */
@Module({
  imports: [
    HttpModule.register({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 16 }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 16 }),
      headers: { 'User-Agent': 'cxconnect-sync-engine' },
    }),
  ],
  providers: [GorgiasClientFactory],
  exports: [GorgiasClientFactory],
})
export class GorgiasModule {}
