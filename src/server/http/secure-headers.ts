import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { invalid } from '../../core/index.js';

/**
 * Who may frame the workspace (CSP `frame-ancestors`): nobody by default; a SMART EHR launch that
 * embeds MedSeek names the EHR's origins in MEDSEEK_FRAME_ANCESTORS (space or comma separated).
 */
export function frameAncestorsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = (env.MEDSEEK_FRAME_ANCESTORS ?? '').split(/[\s,]+/).filter(Boolean);
  if (raw.length === 0) return ["'none'"];
  for (const origin of raw) {
    if (origin === "'self'") continue;
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== origin.replace(/\/$/, '')) {
      throw invalid(`'${origin}' is not an origin (https://ehr.example.org)`, { field: 'MEDSEEK_FRAME_ANCESTORS' });
    }
  }
  return raw.map((o) => o.replace(/\/$/, ''));
}

/**
 * The workspace's Content-Security-Policy and the other browser defences, on every response.
 * Scripts, styles, fonts, images and fetches come from this origin only; no plugins, no <base>.
 * Inline style *attributes* are allowed (`style-src-attr`): ECharts writes its tooltip as HTML with
 * `style="…"` (React's `style` prop goes through the CSSOM and needs nothing). Inline <style> and
 * <script> elements stay forbidden, which is what stops injected markup from running or restyling.
 */
export function secureHeadersMiddleware(options: { frameAncestors?: readonly string[] } = {}): MiddlewareHandler {
  const frameAncestors = [...(options.frameAncestors ?? ["'none'"])];
  const framable = !(frameAncestors.length === 1 && frameAncestors[0] === "'none'");
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      styleSrcAttr: ["'unsafe-inline'"],
      // Vite inlines small images and fonts as data: URLs.
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors,
    },
    xContentTypeOptions: true,
    referrerPolicy: 'no-referrer',
    // X-Frame-Options cannot name an origin: DENY unless embedding is configured (then the CSP decides).
    xFrameOptions: framable ? false : 'DENY',
    // A window an EHR opened for a SMART launch may need its opener.
    crossOriginOpenerPolicy: framable ? false : 'same-origin',
  });
}
