import { AeadId, CipherSuite, KdfId, KemId } from 'hpke-js';
import { invalid } from '../core/index.js';
import type { HpkeCiphertext } from './dap-codec.js';
import { Writer } from './dap-codec.js';

/**
 * HPKE (RFC 9180) as DAP-09 uses it (§4.4.1, §4.6.4), with hpke-js (the library @divviup/dap's client seals with):
 * DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM. An aggregator publishes its HpkeConfigList at /hpke_config;
 * the client seals each input share to its aggregator, and each aggregator seals its aggregate share to the collector.
 */
const SUITE = new CipherSuite({ kem: KemId.DhkemX25519HkdfSha256, kdf: KdfId.HkdfSha256, aead: AeadId.Aes128Gcm });

/** DAP roles (DAP-09 §4.1). */
export const Role = { collector: 0, client: 1, leader: 2, helper: 3 } as const;
export type ServerRole = typeof Role.leader | typeof Role.helper;

/** A key pair with its config id, as base64 strings (kept in a secrets file). */
export interface HpkeKeys {
  readonly id: number;
  readonly publicKey: string;
  readonly privateKey: string;
}

export async function generateHpkeKeys(id: number): Promise<HpkeKeys> {
  const kp = await SUITE.kem.generateKeyPair();
  const b64 = (b: ArrayBuffer) => Buffer.from(b).toString('base64');
  return {
    id,
    publicKey: b64(await SUITE.kem.serializePublicKey(kp.publicKey)),
    privateKey: b64(await SUITE.kem.serializePrivateKey(kp.privateKey)),
  };
}

/** HpkeConfig: id, KEM, KDF and AEAD ids, public key. */
export const hpkeConfig = (k: Pick<HpkeKeys, 'id' | 'publicKey'>): Buffer =>
  new Writer()
    .u8(k.id)
    .u16(KemId.DhkemX25519HkdfSha256)
    .u16(KdfId.HkdfSha256)
    .u16(AeadId.Aes128Gcm)
    .opaque16(Buffer.from(k.publicKey, 'base64'))
    .done();

/** HpkeConfigList with one config (the body of GET /hpke_config). */
export const hpkeConfigList = (k: HpkeKeys): Buffer => new Writer().opaque16(hpkeConfig(k)).done();

const INPUT_SHARE = Buffer.from('dap-09 input share', 'ascii');
const AGGREGATE_SHARE = Buffer.from('dap-09 aggregate share', 'ascii');

/** The info string of an input share sealed by the client to `role` (DAP-09 §4.4.2). */
export const inputShareInfo = (role: ServerRole) => Buffer.concat([INPUT_SHARE, Buffer.of(Role.client, role)]);
/** The info string of an aggregate share sealed by `role` to the collector (DAP-09 §4.6.4). */
export const aggregateShareInfo = (role: ServerRole) =>
  Buffer.concat([AGGREGATE_SHARE, Buffer.of(role, Role.collector)]);

export async function hpkeOpen(keys: HpkeKeys, c: HpkeCiphertext, info: Buffer, aad: Buffer): Promise<Buffer> {
  if (c.configId !== keys.id) throw invalid(`unknown HPKE config id ${c.configId}`, { field: 'configId' });
  const recipientKey = await SUITE.kem.deserializePrivateKey(Buffer.from(keys.privateKey, 'base64'));
  return Buffer.from(await SUITE.open({ recipientKey, enc: c.enc, info }, c.payload, aad));
}

export async function hpkeSeal(
  to: Pick<HpkeKeys, 'id' | 'publicKey'>,
  plaintext: Buffer,
  info: Buffer,
  aad: Buffer,
): Promise<HpkeCiphertext> {
  const recipientPublicKey = await SUITE.kem.deserializePublicKey(Buffer.from(to.publicKey, 'base64'));
  const { ct, enc } = await SUITE.seal({ recipientPublicKey, info }, plaintext, aad);
  return { configId: to.id, enc: Buffer.from(enc), payload: Buffer.from(ct) };
}
