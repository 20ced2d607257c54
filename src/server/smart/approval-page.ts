import { describeScope } from './scopes.js';

/**
 * The pages of the authorization endpoint: approval (the app, what it asks for in plain words, a
 * patient picker for a standalone `launch/patient`, approve/deny) and errors. Plain HTML forms: no
 * scripts at all and no inline styles elements (the stylesheet is /oauth2/style.css), so a strict
 * Content-Security-Policy holds.
 */
export interface PatientChoice {
  readonly id: string;
  readonly label: string;
}

export interface ApprovalView {
  readonly appName: string;
  readonly clientId: string;
  readonly userName: string;
  readonly scopes: readonly string[];
  readonly requestId: string;
  readonly csrf: string;
  /** The EHR launch's patient (shown, not changeable). */
  readonly launchPatient?: PatientChoice;
  /** Standalone `launch/patient`: the patients the user may choose from. */
  readonly patientChoices?: readonly PatientChoice[];
  readonly zh: boolean;
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

function layout(title: string, body: string, zh: boolean): string {
  return `<!doctype html>
<html lang="${zh ? 'zh' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><link rel="stylesheet" href="/oauth2/style.css"></head>
<body><main>${body}</main></body></html>`;
}

export function approvalPage(v: ApprovalView): string {
  const zh = v.zh;
  const scopes = v.scopes
    .map(
      (s) =>
        `<li><label><input type="checkbox" name="scope" value="${esc(s)}" checked> ${esc(describeScope(s, zh))} <code>${esc(s)}</code></label></li>`,
    )
    .join('\n');
  const patient = v.launchPatient
    ? `<p class="patient">${zh ? '患者' : 'Patient'}: <strong data-patient-id="${esc(v.launchPatient.id)}">${esc(v.launchPatient.label)}</strong></p>`
    : v.patientChoices
      ? `<p><label for="patient">${zh ? '选择患者' : 'Choose the patient'}</label>
<select id="patient" name="patient" required>${v.patientChoices.map((p) => `<option value="${esc(p.id)}">${esc(p.label)}</option>`).join('')}</select></p>`
      : '';
  const body = `<h1>${zh ? '授权应用' : 'Authorize an app'}</h1>
<p><strong class="app">${esc(v.appName)}</strong> <span class="muted">(${esc(v.clientId)})</span> ${zh ? '请求以您的身份' : 'asks to act as'} <strong>${esc(v.userName)}</strong>${zh ? '：' : ' and:'}</p>
<form method="post" action="/oauth2/authorize">
<input type="hidden" name="request" value="${esc(v.requestId)}">
<input type="hidden" name="csrf" value="${esc(v.csrf)}">
<ul class="scopes">${scopes}</ul>
${patient}
<p class="actions"><button type="submit" name="decision" value="approve">${zh ? '批准' : 'Approve'}</button>
<button type="submit" name="decision" value="deny" class="secondary">${zh ? '拒绝' : 'Deny'}</button></p>
</form>`;
  return layout(zh ? '授权应用 · MedSeek' : 'Authorize an app · MedSeek', body, zh);
}

export function errorPage(message: string, zh: boolean): string {
  return layout('MedSeek', `<h1>${zh ? '无法授权' : 'Cannot authorize'}</h1><p class="error">${esc(message)}</p>`, zh);
}

/** After approval, for an app on another origin: a navigation, not a redirect of the form post (CSP form-action 'self'). */
export function continuePage(url: string, zh: boolean): string {
  return `<!doctype html>
<html lang="${zh ? 'zh' : 'en'}"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${esc(url)}">
<title>MedSeek</title><link rel="stylesheet" href="/oauth2/style.css"></head>
<body><main><p><a href="${esc(url)}">${zh ? '返回应用' : 'Continue to the app'}</a></p></main></body></html>`;
}

export const STYLE_CSS = `body{font:16px/1.5 system-ui,sans-serif;background:#f5f7fa;color:#1d2733;margin:0}
main{max-width:36rem;margin:3rem auto;background:#fff;padding:1.5rem 2rem;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.1)}
h1{font-size:1.4rem;margin-top:0}.muted{color:#667}.scopes{list-style:none;padding:0}.scopes li{margin:.4rem 0}
code{background:#eef1f5;padding:0 .25rem;border-radius:3px;font-size:.85em}.error{color:#a40000}
button{font:inherit;padding:.45rem 1.2rem;border-radius:4px;border:1px solid #1f5fbf;background:#1f5fbf;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#1f5fbf}select{font:inherit;padding:.3rem;max-width:100%}`;
