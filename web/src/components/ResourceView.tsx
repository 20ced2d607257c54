import { get } from '../api.js';
import { Show, useLoad } from './Async.js';

/** The FHIR resource a fact came from, as stored (read through the audited FHIR API). */
export function ResourceView({ reference }: { reference: string }) {
  const state = useLoad(() => get<unknown>(`/fhir/${reference}`), reference);
  return (
    <div className="resource-view">
      <h2>{reference}</h2>
      <Show state={state}>{(r) => <pre>{JSON.stringify(r, null, 2)}</pre>}</Show>
    </div>
  );
}
