import { describe, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { ApiKeyStore, checkGrant } from './api-keys.js';

describe('key grants', () => {
  it('needs a patient for a patient key, units or all patients for a clinician, and a known role', () => {
    expect(() => checkGrant({ role: 'patient' })).toThrow(/--patient/);
    expect(() => checkGrant({ role: 'clinician' })).toThrow(/--unit .* or --all-patients/);
    expect(() => checkGrant({ role: 'root' as never })).toThrow(/role must be one of admin, clinician, patient/);
    expect(() => checkGrant({ role: 'patient', patientId: 'p1', allPatients: true })).toThrow(/own patient only/);
    expect(checkGrant({ role: 'clinician', units: [' ward-1 ', ''] })).toEqual({
      role: 'clinician',
      units: ['ward-1'],
    });
  });
});

forEachBackend('API keys with roles', (db) => {
  it('stores the grant and returns it from verify and list; configured keys are admin', async () => {
    const store = new ApiKeyStore(db(), ['configured-key-123']);
    const p = await store.create('bed 3', { role: 'patient', patientId: 'p3' });
    const c = await store.create('ward 7', { role: 'clinician', units: ['ward-7', 'icu'] });
    expect(await store.verify(p.key)).toEqual({ id: p.info.id, name: 'bed 3', role: 'patient', patientId: 'p3' });
    expect(await store.verify(c.key)).toEqual({
      id: c.info.id,
      name: 'ward 7',
      role: 'clinician',
      units: ['ward-7', 'icu'],
    });
    expect(await store.verify('configured-key-123')).toMatchObject({ role: 'admin' });
    expect((await store.list()).find((k) => k.id === c.info.id)).toMatchObject({
      role: 'clinician',
      units: ['ward-7', 'icu'],
    });
  });

  it('refuses a patient key without its patient in the database too', async () => {
    await expect(
      db().query(
        `insert into medseek_api_keys (id, name, key_hash, prefix, role) values ('x', 'x', 'h', 'p', 'patient')`,
      ),
    ).rejects.toThrow();
  });
});
