import { Inject, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { appConfig, AppConfig } from '../config/app.config';
import { corsMiddleware } from './cors.middleware';
import { OriginPolicy } from './origin-policy';
import { securityHeadersMiddleware } from './security-headers.middleware';

/** CORS (CORS_ORIGINS) and security headers for every HTTP route, GraphQL included. */
@Module({})
export class HttpSecurityModule implements NestModule {
  constructor(@Inject(appConfig.KEY) private readonly config: AppConfig) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer
      // Headers first: an answered preflight ends the chain inside the CORS middleware.
      .apply(securityHeadersMiddleware(), corsMiddleware(new OriginPolicy(this.config.originPolicy)))
      .forRoutes('{*path}');
  }
}
