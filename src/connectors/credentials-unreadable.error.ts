/**
 * The connector's stored API key cannot be decrypted (its encryption key was removed from
 * SECRETS_ENCRYPTION_KEYS, or the stored value is damaged). Only the user can fix it, by entering the key again.
 */
export class CredentialsUnreadableError extends Error {
  constructor(readonly connectorId: string) {
    super(`the stored API key of connector ${connectorId} cannot be decrypted`);
  }
}
