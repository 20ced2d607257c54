import { Field } from './Field.js';

/** Which patients a clinician's user or key sees: the units (comma-separated ids), or all patients. */
export function UnitsFields<F extends { units: string; allPatients: boolean }>({
  form,
  setForm,
  errors,
  zh,
}: {
  form: F;
  setForm: (f: F) => void;
  errors: Record<string, string>;
  zh: boolean;
}) {
  return (
    <>
      <Field label={zh ? '科室/病区（逗号分隔）' : 'Units (comma-separated)'} error={errors.units}>
        <input value={form.units} onChange={(e) => setForm({ ...form, units: e.target.value })} />
      </Field>
      <Field label={zh ? '可见全部患者' : 'Sees all patients'} error={errors.allPatients}>
        <input
          type="checkbox"
          checked={form.allPatients}
          onChange={(e) => setForm({ ...form, allPatients: e.target.checked })}
        />
      </Field>
    </>
  );
}
