import FHIR from 'fhirclient';
import { say as sayIn } from '../../../src/core/bilingual.js';
import { ApiError, post } from '../api.js';
import './launch.css';

/**
 * The workspace as a SMART app (https://hl7.org/fhir/smart-app-launch/): an EHR (or MedSeek itself)
 * opens `smart-launch.html?iss=…&launch=…`; fhirclient asks the issuer's authorization server for a
 * token (PKCE), comes back here with a code, and `ready()` exchanges it. The launch patient is read
 * from the issuer's FHIR server with that token; when the issuer is not MedSeek, MedSeek pulls the
 * patient (`POST /api/smart/pull`) before the workspace opens it.
 */
const CLIENT_ID = 'medseek-workspace';
const SCOPE = 'launch launch/patient openid fhirUser patient/*.rs';

const t = sayIn((navigator.language || '').toLowerCase().startsWith('zh') ? 'zh' : 'en');
const status = document.getElementById('status')!;

function say(text: string, error = false): void {
  status.textContent = text;
  status.className = error ? 'error' : '';
}

/** True when the FHIR base is MedSeek's own `/fhir` on this origin. */
function isMedSeek(iss: string): boolean {
  const u = new URL(iss, location.href);
  return u.origin === location.origin && u.pathname.replace(/\/+$/, '') === '/fhir';
}

interface PatientResource {
  id?: string;
  name?: { text?: string; family?: string; given?: string[] }[];
  gender?: string;
  birthDate?: string;
}

function nameOf(p: PatientResource): string {
  const n = p.name?.[0];
  return n?.text ?? ([n?.family, ...(n?.given ?? [])].filter(Boolean).join(' ') || (p.id ?? ''));
}

async function ready(): Promise<void> {
  say(t('Completing the authorization…', '正在完成授权…'));
  const client = await FHIR.oauth2.ready();
  const patientId = client.patient.id;
  if (!patientId) throw new Error(t('The launch gave no patient.', '启动上下文中没有患者。'));
  const patient = (await client.patient.read()) as PatientResource;
  const iss = client.state.serverUrl;
  document.getElementById('patient-name')!.textContent = nameOf(patient);
  document.getElementById('patient-details')!.textContent = [patient.gender, patient.birthDate, `Patient/${patientId}`]
    .filter(Boolean)
    .join(' · ');
  const open = document.getElementById('open') as HTMLAnchorElement;
  open.textContent = t('Open in the workspace', '在工作台中打开');
  open.href = `/#/patients/${encodeURIComponent(patientId)}`;
  document.getElementById('patient')!.hidden = false;
  if (!isMedSeek(iss)) {
    say(t('Copying the patient from the EHR…', '正在从 EHR 复制患者记录…'));
    try {
      await post('/api/smart/pull', { iss, patient: patientId, accessToken: client.state.tokenResponse?.access_token });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        // Log in to MedSeek, then come back: fhirclient keeps the token for this tab, so ready() resumes.
        location.assign(`/#/login?return=${encodeURIComponent(location.pathname)}`);
        return;
      }
      throw e;
    }
  }
  say(t('Opening the patient…', '正在打开患者…'));
  location.assign(open.href);
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  if (params.has('iss') || params.has('fhirServiceUrl')) {
    say(t('Asking the EHR for access…', '正在向 EHR 请求授权…'));
    await FHIR.oauth2.authorize({ clientId: CLIENT_ID, scope: SCOPE, redirectUri: 'smart-launch.html' });
    return;
  }
  if (params.has('code') || params.has('error') || sessionStorage.getItem('SMART_KEY')) return ready();
  say(
    t(
      'Open this page from an EHR (SMART launch), or add ?iss=<FHIR base URL> for a standalone launch.',
      '请从 EHR 以 SMART 方式打开本页，或加上 ?iss=<FHIR 地址> 独立启动。',
    ),
  );
}

main().catch((e: unknown) =>
  say(`${t('The SMART launch failed', 'SMART 启动失败')}: ${e instanceof Error ? e.message : String(e)}`, true),
);
