import { describe, expect, it } from 'vitest';
import { draftMedicationRefs } from './draft-orders.js';

describe('draft orders (FHIRPath over context.draftOrders)', () => {
  it('selects the draft MedicationRequests only', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { resource: { resourceType: 'MedicationRequest', id: 'a', status: 'draft', intent: 'order' } },
        { resource: { resourceType: 'MedicationRequest', id: 'b', status: 'active', intent: 'order' } },
        { resource: { resourceType: 'ServiceRequest', id: 'c', status: 'draft', intent: 'order' } },
      ],
    };
    expect(draftMedicationRefs(bundle)).toEqual(['MedicationRequest/a']);
  });
  it('returns nothing for a missing or malformed draftOrders', () => {
    expect(draftMedicationRefs(undefined)).toEqual([]);
    expect(draftMedicationRefs({ resourceType: 'MedicationRequest', id: 'x' })).toEqual([]);
  });
});
