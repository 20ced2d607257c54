import type { Authenticator } from '../env.js';

/** A patient's pre-consultation link (QR code) bound to one appointment (issue 14). Placeholder until built. */
export const patientLinkAuthenticator: Authenticator = async () => undefined;
