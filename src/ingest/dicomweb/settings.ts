import { MedSeekError } from '../../core/index.js';
import { checkBaseUrl, DicomWebClient } from './client.js';

/** The PACS MedSeek pulls from, read from the environment (docs/imaging.md). */
export interface PacsSettings {
  /** `MEDSEEK_PACS_URL`: the DICOMweb root. */
  readonly url: string;
  /** `MEDSEEK_PACS_VIEWER_URL`: a viewer link template with `{StudyInstanceUID}` (and `{AccessionNumber}`). */
  readonly viewerUrl?: string;
  /** `MEDSEEK_PACS_USER` / `MEDSEEK_PACS_PASSWORD`: HTTP basic auth; never logged, never sent to the browser. */
  readonly user?: string;
  readonly password?: string;
}

/**
 * The PACS settings, or undefined when `MEDSEEK_PACS_URL` is unset. `--pacs` (a URL given by the
 * caller) wins over the environment's URL; the credentials always come from the environment.
 */
export function pacsSettings(env: NodeJS.ProcessEnv = process.env, url?: string): PacsSettings | undefined {
  const raw = url ?? env.MEDSEEK_PACS_URL;
  if (!raw?.trim()) return undefined;
  const viewer = env.MEDSEEK_PACS_VIEWER_URL?.trim();
  if (viewer) {
    checkBaseUrl(
      viewer.replaceAll('{StudyInstanceUID}', '1').replaceAll('{AccessionNumber}', 'A').split('?')[0]!,
      'MEDSEEK_PACS_VIEWER_URL',
    );
    if (!viewer.includes('{StudyInstanceUID}') && !viewer.includes('{AccessionNumber}'))
      throw new MedSeekError(
        'invalid',
        'MEDSEEK_PACS_VIEWER_URL must contain {StudyInstanceUID} or {AccessionNumber}',
        {
          field: 'MEDSEEK_PACS_VIEWER_URL',
        },
      );
  }
  const user = env.MEDSEEK_PACS_USER?.trim();
  return {
    url: checkBaseUrl(raw.trim(), url ? 'pacs' : 'MEDSEEK_PACS_URL'),
    ...(viewer ? { viewerUrl: viewer } : {}),
    ...(user ? { user, password: env.MEDSEEK_PACS_PASSWORD ?? '' } : {}),
  };
}

export function dicomWebClient(settings: PacsSettings, options: { fetch?: typeof fetch } = {}): DicomWebClient {
  return new DicomWebClient({
    baseUrl: settings.url,
    ...(settings.user ? { user: settings.user, password: settings.password ?? '' } : {}),
    ...options,
  });
}
