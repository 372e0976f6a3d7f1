import { Logger } from '@nestjs/common';

// The sync log mirrors every line to the app log; the integration tier checks the table instead.
Logger.overrideLogger(false);
