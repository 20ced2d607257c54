/**
 * HL7 v2 → FHIR R4: ADT^A01/A03/A08, ORU^R01, ORM^O01 and OML^O21 from an MLLP listener or a file,
 * mapped after the HL7 v2-to-FHIR IG, acknowledged (AA/AE/AR with ERR), each message one transaction,
 * duplicates recognised by MSH-10. See docs/hl7v2.md.
 */
export { buildAck } from './ack.js';
export { ERROR_CODES, Hl7Error, type Hl7Location } from './error.js';
export { type Hl7ImportSummary, hl7FilesIn, importHl7File, isHl7File, looksLikeHl7 } from './import-file.js';
export { type Hl7Listener, type Hl7ListenerOptions, startHl7Listener } from './listener.js';
export { SUPPORTED as HL7_SUPPORTED_MESSAGES } from './map-message.js';
export { type Hl7Options, type Hl7Outcome, type Hl7Store, processMessage } from './process.js';
export { splitMessages } from './split.js';
