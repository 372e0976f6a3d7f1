import { Module } from '@nestjs/common';
import { ConsoleController } from './console.controller';

/** The operator console served at / and /console (see docs/console/). */
@Module({ controllers: [ConsoleController] })
export class ConsoleModule {}
