export { type Card, cardOf, indicatorOf, OVERRIDE_REASONS, summaryOf } from './cards.js';
export { feedbackByRule, recordCards, storeFeedback } from './feedback.js';
export { ALGORITHMS, type CdsAuthSettings, loadCdsAuthSettings, type TrustedIssuer, verifyCdsJwt } from './jwt.js';
export { completePrefetch, fillTemplate } from './prefetch.js';
export { type CdsHooksOptions, cdsHooksRoutes } from './routes.js';
export { CDS_SERVICES, type CdsServiceDefinition, discovery } from './services.js';
