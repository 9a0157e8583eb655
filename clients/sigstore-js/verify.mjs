// Verifies a Sigstore bundle (a Sealer model.sig) with the Sigstore JavaScript client, keyed, offline:
// only the trust material Sealer's trust bundle gives (`sealer cli sigstore-trust`), nothing of Sigstore's
// public-good instance (no TUF, no Fulcio, no Rekor).
//
//   node verify.mjs BUNDLE TRUSTED_ROOT PUBLIC_KEYS [--timestamps N]
//
// BUNDLE: model.sig; TRUSTED_ROOT: trusted_root.json; PUBLIC_KEYS: public_keys.json (key hint -> PublicKey).
// --timestamps N: how many verified RFC 3161 time-stamps the bundle must carry (default 1); the signing key
// must be valid at each of their times. Transparency-log and CT-log thresholds are 0: a Sealer model.sig
// carries its log entry inside the signed statement (docs/formats.md §2.3).
// Exit codes: 0 verified, 2 the verifier rejected the bundle (code and message printed), 1 usage or I/O error.
import { readFileSync } from 'node:fs';
import { bundleFromJSON } from '@sigstore/bundle';
import { PublicKey, TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, VerificationError, toSignedEntity, toTrustMaterial } from '@sigstore/verify';

const args = process.argv.slice(2);
let timestamps = 1;
const at = args.indexOf('--timestamps');
if (at >= 0) {
  timestamps = Number(args[at + 1]);
  args.splice(at, 2);
}
if (args.length !== 3 || !Number.isInteger(timestamps) || timestamps < 0) {
  console.error('usage: node verify.mjs BUNDLE TRUSTED_ROOT PUBLIC_KEYS [--timestamps N]');
  process.exit(1);
}
let bundle, trustMaterial;
try {
  const read = (p) => JSON.parse(readFileSync(p, 'utf8'));
  const keys = Object.fromEntries(Object.entries(read(args[2])).map(([hint, key]) => [hint, PublicKey.fromJSON(key)]));
  trustMaterial = toTrustMaterial(TrustedRoot.fromJSON(read(args[1])), keys);
  bundle = bundleFromJSON(read(args[0]));
} catch (e) {
  console.log(`REJECTED ${e.code ?? e.name}: ${e.message}`);
  process.exit(e instanceof SyntaxError || e.code === 'ENOENT' ? 1 : 2);
}
try {
  const verifier = new Verifier(trustMaterial, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: timestamps });
  const entity = toSignedEntity(bundle);
  verifier.verify(entity);
  const statement = JSON.parse(Buffer.from(bundle.content.dsseEnvelope.payload).toString('utf8'));
  console.log(`VERIFIED key ${bundle.verificationMaterial.content.publicKey.hint}, ${entity.timestamps.length} time-stamp(s), `
    + `${statement.predicateType}, subject ${statement.subject.map((s) => s.name).join(', ')}`);
} catch (e) {
  if (e instanceof VerificationError) {
    console.log(`REJECTED ${e.code}: ${e.message}`);
    process.exit(2);
  }
  console.log(`REJECTED ${e.name}: ${e.message}`);
  if (process.env.SEALER_DEBUG) {
    console.log(e.stack);
  }
  process.exit(2);
}
