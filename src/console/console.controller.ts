import { Controller, Get, NotFoundException, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
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
  page(@Req() req: Request, @Res() res: Response): void {
    this.send(req, res, this.assets.get('index.html')!, 'no-cache');
  }

  @Get('console/assets/:name')
  asset(@Param('name') name: string, @Req() req: Request, @Res() res: Response): void {
    const asset = this.assets.get(name);
    if (!asset || name === 'index.html') throw new NotFoundException(`No console asset named ${name}`);
    // Revalidated on each load (cheap 304s), so a new release is picked up without cache-busting names.
    this.send(req, res, asset, 'no-cache');
  }

  private send(req: Request, res: Response, asset: ConsoleAsset, cacheControl: string): void {
    res.setHeader('Cache-Control', cacheControl);
    res.setHeader('ETag', asset.etag);
    if (req.headers['if-none-match'] === asset.etag) {
      res.status(304).end();
      return;
    }
    res.setHeader('Content-Type', asset.contentType);
    res.send(asset.body);
  }
}
