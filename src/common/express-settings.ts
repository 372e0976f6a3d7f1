import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

/**
 * Express settings for an API server. No ETag: Express would hash (SHA-1) every response body to make
 * one, and GraphQL answers are POSTs no cache revalidates (for a page of 50 tickets that is ~100 KB
 * hashed per request). No X-Powered-By header.
 */
@Injectable()
export class ExpressSettings implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const app = this.adapterHost.httpAdapter?.getInstance?.();
    if (typeof app?.set !== 'function') return;
    app.set('etag', false);
    app.disable('x-powered-by');
  }
}
