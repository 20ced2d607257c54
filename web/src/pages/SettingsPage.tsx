/** Settings an administrator can change (FHIR source, models, rules, knowledge, users and keys, audit). Placeholder until built. */
export function SettingsPage(_props: { section?: string }) {
  return <p>settings</p>;
}
