import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { Public } from '../../auth/public.decorator';
import { WebhookIntakeService } from './webhook-intake.service';

/**
 * Gorgias HTTP integrations post here (see WebhookIntakeService). Public: the bearer is the
 * connector's webhook secret, not a user token. The body was read by useWebhookBodyParser (4 KiB).
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
  ): Promise<void> {
    // The same empty 202 whether recorded, ignored (paused) or not recorded: the sender learns nothing more.
    await this.intake.accept(connectorId, authorization, body);
  }
}
