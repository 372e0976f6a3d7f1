import { Global, Module } from '@nestjs/common';
import { appConfig, AppConfig } from '../config/app.config';
import { SecretCipher } from './secret-cipher';

@Global()
@Module({
  providers: [{ provide: SecretCipher, inject: [appConfig.KEY], useFactory: (c: AppConfig) => new SecretCipher(c.encryptionKeys) }],
  exports: [SecretCipher],
})
export class SecretsModule {}
