import { Body, Controller, Headers, HttpCode, HttpException, HttpStatus, Ip, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../../auth/public.decorator';
import { WebhookIntakeService } from './webhook-intake.service';

/**
 * Gorgias HTTP integrations post here (see WebhookIntakeService). Public: the bearer is the
 * connector's webhook secret, not a user token. The body was read with the webhook routes' limit (useWebhookBodyParser: 4 KiB).
 */
@Controller('webhooks')
export class WebhookController {
  constructor(private readonly intake: WebhookIntakeService) {}

  @Public()
  @Post('gorgias/:connectorId')
  @HttpCode(202)
  async gorgias(
    @Param('connectorId') connectorId: string,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
    @Ip() address: string,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<void> {
    // The same empty 202 whether recorded, folded, ignored (inactive) or not recorded: the sender learns nothing more.
    const result = await this.intake.accept(connectorId, authorization, body, address);
    if (result.status === 429) {
      res.header('Retry-After', String(result.retryAfterSeconds));
      throw new HttpException(
        { statusCode: 429, message: `Too many webhook deliveries; retry in ${result.retryAfterSeconds} s.` },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }
}
