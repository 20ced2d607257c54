/** Defaults for jobs (SubmitOptions): attempts in all, retry delay and an attempt's lease. */
export const DEFAULT_ATTEMPTS = 3;
export const DEFAULT_RETRY_DELAY_S = 10;
export const DEFAULT_LEASE_S = 120;
