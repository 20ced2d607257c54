// Diagnosis (causal network, counterfactual ranking, next question) and pre-consultation.
export * from './diagnosis/index.js';
export * from './consultation/index.js';
// Safety (drug safety, critical values, CDS rules) and record quality control (病历质控).
export * from './safety/index.js';
export * from './quality/index.js';
