import { MedSeekError } from '../../core/index.js';
import type { DicomJson } from './json.js';

/** Where the PACS is and how to sign in. The password is never logged nor put in an error. */
export interface DicomWebOptions {
  /** The DICOMweb root, e.g. `http://orthanc:8042/dicom-web` or `https://pacs/dcm4chee-arc/aets/DCM4CHEE/rs`. */
  readonly baseUrl: string;
  readonly user?: string;
  readonly password?: string;
  /** Per request, ms (default 30 s). */
  readonly timeoutMs?: number;
  /** A fetch of the caller's (tests); default the global one. */
  readonly fetch?: typeof fetch;
}

/** QIDO-RS matching keys MedSeek sends (PS3.18 §10.6.1.2). */
export interface StudyQuery {
  readonly patientId?: string;
  /** `YYYYMMDD` or a range `YYYYMMDD-YYYYMMDD` (either end may be left open). */
  readonly studyDate?: string;
  readonly modality?: string;
  readonly studyUid?: string;
  readonly limit?: number;
}

export interface RenderedImage {
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

const DICOM_JSON = 'application/dicom+json';
const UID = /^[0-9]+(\.[0-9]+)*$/;

/** Throws `invalid` unless the text is a DICOM UID (digits and dots, PS3.5 §9.1), naming the field. */
export function checkUid(uid: string, field: string): string {
  if (!UID.test(uid) || uid.length > 64) throw new MedSeekError('invalid', `'${uid}' is not a DICOM UID`, { field });
  return uid;
}

/** The base URL checked: http(s), no credentials in it (they go in the settings), no query. */
export function checkBaseUrl(raw: string, field = 'pacs'): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new MedSeekError('invalid', `'${raw}' is not a URL`, { field });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new MedSeekError('invalid', `the DICOMweb URL must be http or https, not ${url.protocol}`, { field });
  if (url.username || url.password)
    throw new MedSeekError('invalid', 'put the PACS user and password in the settings, not in the URL', { field });
  if (url.search || url.hash)
    throw new MedSeekError('invalid', 'the DICOMweb URL takes no query or fragment', { field });
  return url.toString().replace(/\/+$/, '');
}

/**
 * A DICOMweb client over plain fetch: QIDO-RS searches (studies, series, instances), WADO-RS
 * metadata (the DICOM JSON model) and rendered frames (PS3.18 §10.4.1.1.3). STOW-RS is not needed.
 * Errors say which request failed and why, without the credentials.
 */
export class DicomWebClient {
  readonly baseUrl: string;
  readonly #auth: string | undefined;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: DicomWebOptions) {
    this.baseUrl = checkBaseUrl(options.baseUrl);
    this.#auth =
      options.user !== undefined && options.user !== ''
        ? `Basic ${Buffer.from(`${options.user}:${options.password ?? ''}`).toString('base64')}`
        : undefined;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#fetch = options.fetch ?? fetch;
  }

  /** QIDO-RS `GET /studies?PatientID=…&StudyDate=…&ModalitiesInStudy=…`. */
  async searchStudies(query: StudyQuery): Promise<DicomJson[]> {
    const params = new URLSearchParams();
    if (query.patientId !== undefined) params.set('PatientID', query.patientId);
    if (query.studyDate !== undefined) {
      if (!/^(\d{8})?(-(\d{8})?)?$/.test(query.studyDate) || query.studyDate === '' || query.studyDate === '-')
        throw new MedSeekError('invalid', `'${query.studyDate}' is not a DICOM date or range (YYYYMMDD-YYYYMMDD)`, {
          field: 'studyDate',
        });
      params.set('StudyDate', query.studyDate);
    }
    if (query.modality !== undefined) params.set('ModalitiesInStudy', query.modality);
    if (query.studyUid !== undefined) params.set('StudyInstanceUID', checkUid(query.studyUid, 'studyUid'));
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    // Ask for the attributes the mapping reads beyond QIDO's required return keys.
    for (const f of ['StudyDescription', 'ModalitiesInStudy', 'NumberOfStudyRelatedSeries', 'TimezoneOffsetFromUTC'])
      params.append('includefield', f);
    return this.#json(`/studies?${params}`);
  }

  /** QIDO-RS `GET /studies/{study}/series`. */
  async searchSeries(studyUid: string, modality?: string): Promise<DicomJson[]> {
    const params = new URLSearchParams();
    if (modality) params.set('Modality', modality);
    for (const f of ['SeriesDescription', 'BodyPartExamined', 'Laterality', 'SeriesDate', 'SeriesTime'])
      params.append('includefield', f);
    return this.#json(`/studies/${checkUid(studyUid, 'studyUid')}/series?${params}`);
  }

  /** QIDO-RS `GET /studies/{study}/series/{series}/instances`. */
  async searchInstances(studyUid: string, seriesUid: string): Promise<DicomJson[]> {
    return this.#json(
      `/studies/${checkUid(studyUid, 'studyUid')}/series/${checkUid(seriesUid, 'seriesUid')}/instances` +
        '?includefield=NumberOfFrames',
    );
  }

  /** WADO-RS `GET /studies/{study}/series/{series}/metadata`: every instance's attributes (bulk data by URI). */
  async seriesMetadata(studyUid: string, seriesUid: string): Promise<DicomJson[]> {
    return this.#json(`/studies/${checkUid(studyUid, 'studyUid')}/series/${checkUid(seriesUid, 'seriesUid')}/metadata`);
  }

  /**
   * WADO-RS rendered: `…/instances/{sop}/frames/{n}/rendered` as JPEG or PNG, for display only (PS3.18
   * §10.4.1.1.3: a consumer-ready image, windowed by the server). `viewport` asks the server to scale.
   */
  async rendered(
    studyUid: string,
    seriesUid: string,
    instanceUid: string,
    options: { frame?: number; accept?: 'image/jpeg' | 'image/png'; viewport?: number } = {},
  ): Promise<RenderedImage> {
    const frame = options.frame ?? 1;
    if (!Number.isInteger(frame) || frame < 1)
      throw new MedSeekError('invalid', `frame must be a whole number from 1, not ${frame}`, { field: 'frame' });
    const path =
      `/studies/${checkUid(studyUid, 'studyUid')}/series/${checkUid(seriesUid, 'seriesUid')}` +
      `/instances/${checkUid(instanceUid, 'instanceUid')}/frames/${frame}/rendered` +
      (options.viewport ? `?viewport=${options.viewport},${options.viewport}` : '');
    const accept = options.accept ?? 'image/jpeg';
    const res = await this.#get(path, accept);
    const contentType = res.headers.get('content-type')?.split(';')[0]?.trim() ?? accept;
    if (!contentType.startsWith('image/'))
      throw new MedSeekError('unsupported', `the PACS answered ${path} with ${contentType}, not an image`, {
        field: 'rendered',
      });
    return { contentType, bytes: new Uint8Array(await res.arrayBuffer()) };
  }

  async #json(path: string): Promise<DicomJson[]> {
    const res = await this.#get(path, DICOM_JSON);
    // QIDO-RS answers 204 No Content when nothing matches.
    if (res.status === 204) return [];
    const text = await res.text();
    if (text.trim() === '') return [];
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new MedSeekError('invalid', `the PACS answered ${path} with something that is not JSON`, {
        field: 'response',
      });
    }
    if (!Array.isArray(body))
      throw new MedSeekError('invalid', `the PACS answered ${path} with JSON that is not a DICOM JSON array`, {
        field: 'response',
      });
    return body as DicomJson[];
  }

  async #get(path: string, accept: string): Promise<Response> {
    const headers: Record<string, string> = { Accept: accept };
    if (this.#auth) headers.Authorization = this.#auth;
    let res: Response;
    try {
      res = await this.#fetch(`${this.baseUrl}${path}`, { headers, signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch (e) {
      const why =
        e instanceof Error && e.name === 'TimeoutError' ? `no answer in ${this.#timeoutMs} ms` : 'unreachable';
      throw new MedSeekError('unavailable', `the PACS at ${this.baseUrl} is ${why} (GET ${path.split('?')[0]})`, {
        field: 'pacs',
      });
    }
    if (res.ok) return res;
    await res.body?.cancel();
    const where = `GET ${path.split('?')[0]}`;
    // 'unavailable', not 'unauthorized': the caller is signed in to MedSeek; MedSeek's own key to the PACS failed.
    if (res.status === 401 || res.status === 403)
      throw new MedSeekError(
        'unavailable',
        `the PACS refused ${where} (${res.status}): check the PACS user and password`,
        {
          field: 'pacs',
        },
      );
    if (res.status === 404) throw new MedSeekError('not-found', `the PACS has nothing at ${where}`, { field: 'pacs' });
    throw new MedSeekError('unavailable', `the PACS answered ${where} with HTTP ${res.status}`, { field: 'pacs' });
  }
}
