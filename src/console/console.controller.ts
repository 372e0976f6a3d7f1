import { Controller, Get, NotFoundException, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/public.decorator';
import { ConsoleAsset, loadConsoleAssets } from './console-assets';

/**
 * The operator console: static files only, public like any web page. Everything it shows comes from
 * the GraphQL API with the token the operator pastes, so the API stays behind tokens.
 */
@Public()
@Controller()
export class ConsoleController {
  private readonly assets = loadConsoleAssets();

  @Get(['/', 'console'])
  page(@Req() req: FastifyRequest, @Res() res: FastifyReply): void {
    this.send(req, res, this.assets.get('index.html')!, 'no-cache');
  }

  @Get('console/assets/:name')
  asset(@Param('name') name: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): void {
    const asset = this.assets.get(name);
    if (!asset || name === 'index.html') throw new NotFoundException(`No console asset named ${name}`);
    // Revalidated on each load (cheap 304s), so a new release is picked up without cache-busting names.
    this.send(req, res, asset, 'no-cache');
  }

  private send(req: FastifyRequest, res: FastifyReply, asset: ConsoleAsset, cacheControl: string): void {
    res.header('Cache-Control', cacheControl);
    res.header('ETag', asset.etag);
    if (req.headers['if-none-match'] === asset.etag) {
      void res.code(304).send();
      return;
    }
    void res.type(asset.contentType).send(asset.body);
  }
}
