import type { Authenticator } from '../env.js';

/** Access tokens MedSeek's own SMART authorization server issued (issue 14, SMART). Placeholder until built. */
export const smartTokenAuthenticator: Authenticator = async () => undefined;
