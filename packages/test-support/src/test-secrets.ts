/**
 * Secrets for tests, strong enough for the apps' secret rule (at least 32 characters, no placeholder), so a test
 * starts an app exactly as production would. Fixed, so a failing run can be repeated; never use them outside tests.
 */

/** The webhook secret tests sign with (the receiver's first entry of RIPIO_WEBHOOK_SECRETS). */
export const TEST_WEBHOOK_SECRET = 'whsec_suite_current_4f9a2c7e1b8d3f60a5c9e2b7';

/** A second, older webhook secret still listed during a rotation. */
export const TEST_OLD_WEBHOOK_SECRET = 'whsec_suite_previous_8c1e6a3f9d2b7e40c6a1f5d3';

/** `RIPIO_WEBHOOK_SECRETS` listing the current secret, then the previous one. */

/** The admin app's ADMIN_TOKEN (and the CLI's). */
export const TEST_ADMIN_TOKEN = 'adm_suite_3e7b1d9f5a2c8e6b0d4f7a1c9e3b5d8f';

/** The worker's FORWARD_SECRET: a Standard Webhooks signing secret (`whsec_` and base64 of 32 bytes). */
export const TEST_FORWARD_SECRET = 'whsec_LAgpsWT7ceiONcCf/Jjg42js6l/p0oUPeL2d+cVPIO4=';
