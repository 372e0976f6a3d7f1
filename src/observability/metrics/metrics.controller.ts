import { Controller, Get, Header, HttpException, HttpStatus, Inject, NotFoundException, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../../auth/public.decorator';
import { appConfig, AppConfig } from '../../config/app.config';
import { bearerMatches, METRICS_CHALLENGE } from './metrics-access';
import { MetricsRegistry } from './metrics.registry';

/**
 * `GET /metrics` on the API port, when METRICS_TOKEN is set and METRICS_PORT is not. Public to the
 * API's AuthGuard (JWTs are for tenants): it checks the metrics token itself.
 */
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsRegistry,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  @Public()
  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const { token, port } = this.config.metrics;
    if (port !== null || !token) {
      throw new NotFoundException(
        port !== null ? `Metrics are served on port ${port}.` : 'Metrics are off: set METRICS_TOKEN or METRICS_PORT.',
      );
    }
    if (!bearerMatches(req.headers.authorization, token)) {
      res.header('WWW-Authenticate', METRICS_CHALLENGE);
      throw new HttpException('A valid metrics token is required (Authorization: Bearer $METRICS_TOKEN).', HttpStatus.UNAUTHORIZED);
    }
    const { contentType, body } = await this.metrics.render();
    void res.type(contentType).send(body);
  }
}
