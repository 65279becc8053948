import { ConfigError, loadConfig } from '../config.js';
import { resolveAuthSecret } from '../utils/auth-secret.js';
import { webhookSigningSecret } from '../utils/webhook-signature.js';

/**
 * `npm run webhook-secret`: prints the Standard Webhooks signing secret
 * (`whsec_…`) that receivers of approval callbacks verify signatures with.
 * It is derived from `AUTH_SECRET` (in development the secret kept in
 * `DATA_DIR`), so run it with the same environment as the service.
 */
export async function printWebhookSecret(): Promise<void> {
  try {
    const config = loadConfig();
    process.stdout.write(`${webhookSigningSecret(await resolveAuthSecret(config))}\n`);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  }
}

await printWebhookSecret();
