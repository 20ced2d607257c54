import type { Authenticator } from '../env.js';

/** Session cookie of a logged-in workspace user (issue 14, identity). Placeholder until built. */
export const sessionAuthenticator: Authenticator = async () => undefined;
