import { createDecipheriv, createHash, createPublicKey, hkdfSync, verify as nodeVerify } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { deriveEpochDataKey } from '../src/keyring.js'
import { writerPublicKey } from '../src/keys.js'
import { openSnapshot } from '../src/snapshot.js'
import { providers, withProvider } from './providers.js'

describe.each(providers)('$name provider', (provider) => {
  const {
    KeyRing,
    Sealer,
    Opener,
    BatchSealer,
    BatchOpener,
    BatchVerifier,
    ControlSigner,
    ControlVerifier,
    sealSnapshot,
    verifySnapshotManifest,
  } = withProvider(provider)

  // Known answers: fixed keys, secrets and nonces in, fixed bytes out. If any of these changes, the
  // wire format changed: bump FORMAT_VERSION instead of editing the literals.

  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
  const fromHex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'))
  const utf8 = (text: string) => new TextEncoder().encode(text)

  const clusterId = utf8('cluster-A')
  const streamId = utf8('orders')
  const signingKey = Uint8Array.from({ length: 32 }, (_, i) => i + 1)
  const clusterSecret = Uint8Array.from({ length: 32 }, (_, i) => 0x40 + i)
  /** Nonces 0xa0, 0xa1, ... so that every nonce in the literals below is visible. */
  function counterSource() {
    let next = 0xa0
    return (length: number) => Uint8Array.from({ length }, () => next++ & 0xff)
  }
  function ring() {
    const keyRing = new KeyRing({ clusterId })
    keyRing.addWriter(writerPublicKey(signingKey))
    keyRing.addEpoch(1, clusterSecret)
    return keyRing
  }

  const PUBLIC_KEY = '79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664'
  const DATA_KEY_EPOCH_1 = '83338b0c2716ba4eb90bdb861f88e0d395d8f7b194ba4b4e17fb7ed6d1490c85'
  const SINGLE =
    '010101000000000179b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad04966400000000000000010000000000000001' +
    'a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b700000015df4a455eeb1d5968f13cbcafb40be523c6e7fde8e5' +
    '8648093bd1cc0253121fd7c13f00e45305a49f1c5032631f87388648ed540dbc18f9f2bf95f760060acdc69eece9243f963e21f828110b854ab12ea1df07190c'
  const BATCH = [
    '010101020000000179b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad04966400000000000000020000000000000003' +
      'b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf000000118ab35859a767d82a508ca59b111480043c' +
      'ad349cb115b9360be004302bd6a0726f6d70f04e366ec5312422403d673b2e042478bdb52a50b9dd22fb7fd43e81f94f7dc5935d049e07e49eb8c9fd99af8b0d' +
      'f14489401379798928c4941550c14d60ac5e9b77097a63278577e8765edb75fe6fce95231397fb2fa233a1d6aaab1d475df09c6fa1e10a4864b2dc17618c4db3',
    '010101020000000179b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad04966400000000000000030000000100000003' +
      'd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e700000012a1b7d509c3817979ca874ecb7f4823e96bd2' +
      'ad349cb115b9360be004302bd6a0726f6d70f04e366ec5312422403d673b2e042478bdb52a50b9dd22fb7fd43e81f94f7dc5935d049e07e49eb8c9fd99af8b0d' +
      '9d055b1f4dec780c82eedfd75a2b166c867061a93551cf7c35357c6a0e869c906fce95231397fb2fa233a1d6aaab1d475df09c6fa1e10a4864b2dc17618c4db3',
    '010101010000000179b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad04966400000000000000040000000200000003' +
      'e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff0000001308f07912deed807fa053046426b68068d61c8e' +
      'ad349cb115b9360be004302bd6a0726f6d70f04e366ec5312422403d673b2e042478bdb52a50b9dd22fb7fd43e81f94f7dc5935d049e07e49eb8c9fd99af8b0d' +
      'ead1e5f347fb09fe526cd74041c8f148dfb914cb4ff1d672dff8bbac24c2e090',
  ]
  const BLAKE3_BATCH = [
    '010102010000000179b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad04966400000000000000010000000000000002' +
      'a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b700000011cf141f1e1984c41375c76cadfb8997ff78' +
      '1c33d806a4bfd0c5b5a63211142c78cd718858bae995eb046b4e66109fd3925d402cc660e66342a6cc52965831d168fd64e9cbc295508138846edd671b4d5f0e' +
      '5bf02da6a702539dbd488df7bad539ba01f8f18209f5ad175b80b5b846a2276b',
    '010102010000000179b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad04966400000000000000020000000100000002' +
      'b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf0000001292a105ad99c27406084da1c9c9b35d1bfd34' +
      '1c33d806a4bfd0c5b5a63211142c78cd718858bae995eb046b4e66109fd3925d402cc660e66342a6cc52965831d168fd64e9cbc295508138846edd671b4d5f0e' +
      '624ad33071987209e17f4a4f34643eced680771f62ce1b1b3969780096d6a730',
  ]
  const MANIFEST =
    '010301000000000179b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664' +
    '0000000000000005000000000000000200000000000000' +
    '0f0000000800000002' +
    '10538ae405f617cda1a1a2e8f2f9199ecda9a6a91a27093d6ad067504a6b847a' +
    'a8f47943b2f26e2e3c76e37279a9d2f2aa93a060965ab749294f6216fbcf42ed' +
    'a2f5349006e5f253eef4d99d3b2cde87604b34c71e2e0f3cfbd2136aea57f9ce5d7d0759d16e98ae09c72c009de4f83280ec1abe6fae3095b2a84526eb40ee02'
  const CHUNKS = [
    '010200000000000100000000a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b700000018c4414842f7c153befc84bdaadbc223c47cd82623e45384f5',
    '010200000000000100000001b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf00000017c6b9d13a4db717d47d284bc57336b2b4237b4a8bd4eabd',
  ]

  const SEALED_BATCH =
    '010400000000000179b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad0496640000000f0000001c' +
    'a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7' +
    '73747265616d203720736571203432' +
    'df4a455eeb851ca8b5a27e1c6bf9075a1a7dcc3e50d218bf5ab3dff0' +
    '90b11f1b78052e87d6b94dfd0dc0e6d912168001429d7231d5bffce16e69df617de92d624616860e85a198ca4fda3ff060520d594e88399212c1823120a07400'
  const CONTROL =
    '0105000079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664000000096f70656e2035663263' +
    '55cf119dff7bd0246cd99c32e5520ed6df17d08505e51b68a2a3b7e8676d5d238b6b86975174b1efd34e0c71ccedee1f4280911832872b8f8c726799d104800b'

  // --- An independent reference, built on node:crypto only, to check the literals are right. ---

  /** HChaCha20 (draft-irtf-cfrg-xchacha §2.2), written out from the spec. */
  function hchacha20(key: Uint8Array, input16: Uint8Array): Uint8Array {
    const view = (bytes: Uint8Array, i: number) =>
      new DataView(bytes.buffer, bytes.byteOffset).getUint32(i * 4, true)
    const s = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]
    for (let i = 0; i < 8; i++) s.push(view(key, i))
    for (let i = 0; i < 4; i++) s.push(view(input16, i))
    const rotl = (v: number, c: number) => ((v << c) | (v >>> (32 - c))) >>> 0
    const qr = (a: number, b: number, c: number, d: number) => {
      const x = s as number[]
      x[a] = ((x[a] as number) + (x[b] as number)) >>> 0
      x[d] = rotl((x[d] as number) ^ (x[a] as number), 16)
      x[c] = ((x[c] as number) + (x[d] as number)) >>> 0
      x[b] = rotl((x[b] as number) ^ (x[c] as number), 12)
      x[a] = ((x[a] as number) + (x[b] as number)) >>> 0
      x[d] = rotl((x[d] as number) ^ (x[a] as number), 8)
      x[c] = ((x[c] as number) + (x[d] as number)) >>> 0
      x[b] = rotl((x[b] as number) ^ (x[c] as number), 7)
    }
    for (let round = 0; round < 10; round++) {
      qr(0, 4, 8, 12)
      qr(1, 5, 9, 13)
      qr(2, 6, 10, 14)
      qr(3, 7, 11, 15)
      qr(0, 5, 10, 15)
      qr(1, 6, 11, 12)
      qr(2, 7, 8, 13)
      qr(3, 4, 9, 14)
    }
    const out = new Uint8Array(32)
    const outView = new DataView(out.buffer)
    ;[0, 1, 2, 3, 12, 13, 14, 15].forEach((word, i) => {
      outView.setUint32(i * 4, s[word] as number, true)
    })
    return out
  }

  /** XChaCha20-Poly1305 decryption = HChaCha20 subkey + node's native ChaCha20-Poly1305. */
  function referenceDecrypt(
    key: Uint8Array,
    nonce: Uint8Array,
    ad: Uint8Array,
    sealed: Uint8Array,
  ): Uint8Array {
    const subkey = hchacha20(key, nonce.subarray(0, 16))
    const innerNonce = new Uint8Array(12)
    innerNonce.set(nonce.subarray(16, 24), 4)
    const decipher = createDecipheriv('chacha20-poly1305', subkey, innerNonce, { authTagLength: 16 })
    decipher.setAAD(ad, { plaintextLength: sealed.length - 16 })
    decipher.setAuthTag(sealed.subarray(sealed.length - 16))
    return new Uint8Array(
      Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]),
    )
  }

  const sha256 = (...parts: Uint8Array[]) => {
    const hash = createHash('sha256')
    for (const part of parts) hash.update(part)
    return new Uint8Array(hash.digest())
  }
  const ed25519Verify = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) =>
    nodeVerify(
      null,
      message,
      createPublicKey({
        key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]),
        format: 'der',
        type: 'spki',
      }),
      signature,
    )
  const lengthPrefixed = (bytes: Uint8Array) => Buffer.concat([Uint8Array.of(bytes.length), bytes])
  const u32 = (value: number) => {
    const out = Buffer.alloc(4)
    out.writeUInt32BE(value)
    return out
  }

  describe('known answers', () => {
    it('XChaCha20-Poly1305 as used here matches the draft-irtf-cfrg-xchacha A.3.1 vector', () => {
      const key = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i)
      const nonce = Uint8Array.from({ length: 24 }, (_, i) => 0x40 + i)
      const ad = fromHex('50515253c0c1c2c3c4c5c6c7')
      const plaintext = utf8(
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
      )
      const expected =
        'bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39' +
        'ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9' +
        '21f9664c97637da9768812f615c68b13b52e' +
        'c0875924c1c7987947deafd8780acf49'
      const sealed = new Uint8Array(plaintext.length + 16)
      provider.xchacha20poly1305.encrypt(key, nonce, ad, plaintext, sealed)
      expect(hex(sealed)).toBe(expected)
      const opened = new Uint8Array(plaintext.length)
      expect(provider.xchacha20poly1305.decrypt(key, nonce, ad, sealed, opened)).toBe(true)
      expect(opened).toEqual(plaintext)
      expect(referenceDecrypt(key, nonce, ad, fromHex(expected))).toEqual(plaintext)
    })

    it('the epoch data key: HKDF-SHA-256, checked against node:crypto', () => {
      expect(hex(writerPublicKey(signingKey, provider))).toBe(PUBLIC_KEY)
      expect(hex(deriveEpochDataKey(clusterSecret, clusterId, 1, provider))).toBe(DATA_KEY_EPOCH_1)
      const info = Buffer.concat([lengthPrefixed(clusterId), u32(1)])
      const reference = hkdfSync('sha256', clusterSecret, utf8('tandem/envelope/v1/epoch-key'), info, 32)
      expect(hex(new Uint8Array(reference))).toBe(DATA_KEY_EPOCH_1)
    })

    it('sealing is byte-exact: a single entry, a batch of three, a snapshot', () => {
      const sealer = new Sealer({ keyRing: ring(), signingKey, random: counterSource() })
      expect(hex(sealer.seal(streamId, { sequence: 1, payload: utf8('hello') }))).toBe(SINGLE)
      const batch = sealer.sealBatch(streamId, [
        { sequence: 2, payload: utf8('a') },
        { sequence: 3, payload: utf8('bc') },
        { sequence: 4, payload: utf8('def') },
      ])
      expect(batch.map(hex)).toEqual(BATCH)
      const snapshot = sealSnapshot({
        keyRing: ring(),
        signingKey,
        streamId,
        index: 5,
        term: 2,
        data: utf8('snapshot-bytes!'),
        chunkBytes: 8,
        random: counterSource(),
      })
      expect(hex(snapshot.manifest)).toBe(MANIFEST)
      const blake3Sealer = new Sealer({
        keyRing: ring(),
        signingKey,
        random: counterSource(),
        merkleHash: 'blake3',
      })
      const blake3Batch = blake3Sealer.sealBatch(streamId, [
        { sequence: 1, payload: utf8('x') },
        { sequence: 2, payload: utf8('yz') },
      ])
      expect(blake3Batch.map(hex)).toEqual(BLAKE3_BATCH)
      expect(
        new Opener({ keyRing: ring() }).openBatch(streamId, BLAKE3_BATCH.map(fromHex)).map((e) => e.payload),
      ).toEqual(['x', 'yz'].map(utf8))
      expect(snapshot.chunks.map(hex)).toEqual(CHUNKS)
    })

    it('the literals open, and open under the independent reference (format as documented)', () => {
      const opener = new Opener({ keyRing: ring() })
      expect(opener.open(streamId, fromHex(SINGLE)).payload).toEqual(utf8('hello'))
      expect(opener.openBatch(streamId, BATCH.map(fromHex)).map((e) => e.payload)).toEqual(
        ['a', 'bc', 'def'].map(utf8),
      )
      const verified = verifySnapshotManifest({ keyRing: ring(), streamId, manifest: fromHex(MANIFEST) })
      expect(openSnapshot(ring(), verified, CHUNKS.map(fromHex))).toEqual(utf8('snapshot-bytes!'))

      // Re-derive everything from the README's byte layout with node:crypto alone.
      const dataKey = fromHex(DATA_KEY_EPOCH_1)
      const entriesBytes = BATCH.map(fromHex)
      const leaves = entriesBytes.map((entry) => {
        const c = Buffer.from(entry).readUInt32BE(80)
        const header = entry.subarray(0, 56)
        const ad = Buffer.concat([
          utf8('tandem/envelope/v1/entry-ad'),
          lengthPrefixed(clusterId),
          lengthPrefixed(streamId),
          header,
        ])
        const plaintext = referenceDecrypt(dataKey, entry.subarray(56, 80), ad, entry.subarray(84, 84 + c))
        expect(plaintext.length).toBe(c - 16)
        return sha256(Uint8Array.of(0), entry.subarray(0, 84 + c))
      })
      const [l0, l1, l2] = leaves as [Uint8Array, Uint8Array, Uint8Array]
      const root = sha256(Uint8Array.of(1), sha256(Uint8Array.of(1), l0, l1), l2)
      const statement = Buffer.concat([
        utf8('tandem/envelope/v1/batch'),
        Uint8Array.of(1, 1),
        lengthPrefixed(clusterId),
        lengthPrefixed(streamId),
        u32(1),
        fromHex(PUBLIC_KEY),
        u32(3),
        root,
      ])
      const first = entriesBytes[0] as Uint8Array
      const c0 = Buffer.from(first).readUInt32BE(80)
      expect(ed25519Verify(fromHex(PUBLIC_KEY), statement, first.subarray(84 + c0, 148 + c0))).toBe(true)
      // Entry 0's proof is [leaf 1, leaf 2]; entry 2's proof is [H(1 ‖ leaf 0 ‖ leaf 1)].
      expect(hex(first.subarray(148 + c0))).toBe(hex(Buffer.concat([l1, l2])))
      const last = entriesBytes[2] as Uint8Array
      expect(hex(last.subarray(last.length - 32))).toBe(hex(sha256(Uint8Array.of(1), l0, l1)))

      // The manifest's signature and chunk hashes, the same way.
      const manifest = fromHex(MANIFEST)
      const body = manifest.subarray(0, 72 + 64)
      CHUNKS.map(fromHex).forEach((chunk, i) => {
        expect(hex(sha256(Uint8Array.of(2), chunk))).toBe(hex(body.subarray(72 + 32 * i, 104 + 32 * i)))
      })
      const manifestStatement = Buffer.concat([
        utf8('tandem/envelope/v1/manifest'),
        lengthPrefixed(clusterId),
        lengthPrefixed(streamId),
        body,
      ])
      expect(ed25519Verify(fromHex(PUBLIC_KEY), manifestStatement, manifest.subarray(136))).toBe(true)
    })

    it('a sealed batch and a control entry are byte-exact, and re-derive from the README with node:crypto', () => {
      const batch = new BatchSealer({ keyRing: ring(), signingKey, random: counterSource() }).sealBatch(
        utf8('stream 7 seq 42'),
        utf8('hello, batch'),
      )
      expect(hex(batch)).toBe(SEALED_BATCH)
      const control = new ControlSigner({ clusterId, signingKey }).signControl(utf8('open 5f2c'))
      expect(hex(control)).toBe(CONTROL)
      const opened = new BatchOpener({ keyRing: ring() }).openBatch(fromHex(SEALED_BATCH))
      expect(opened.header).toEqual(utf8('stream 7 seq 42'))
      expect(opened.payload).toEqual(utf8('hello, batch'))
      const keyless = new KeyRing({ clusterId })
      keyless.addWriter(fromHex(PUBLIC_KEY))
      expect(new BatchVerifier({ keyRing: keyless }).verifyBatch(fromHex(SEALED_BATCH)).header).toEqual(
        utf8('stream 7 seq 42'),
      )
      expect(new ControlVerifier({ clusterId }).verifyControl(fromHex(CONTROL)).content).toEqual(
        utf8('open 5f2c'),
      )

      // The sealed batch from the README's layout: h at 40, c at 44, nonce at 48, header at 72.
      const sealed = fromHex(SEALED_BATCH)
      const h = Buffer.from(sealed).readUInt32BE(40)
      const c = Buffer.from(sealed).readUInt32BE(44)
      const head = sealed.subarray(0, 72 + h)
      const ciphertext = sealed.subarray(72 + h, 72 + h + c)
      const ad = Buffer.concat([utf8('tandem/envelope/v1/sealed-batch-ad'), lengthPrefixed(clusterId), head])
      expect(referenceDecrypt(fromHex(DATA_KEY_EPOCH_1), sealed.subarray(48, 72), ad, ciphertext)).toEqual(
        utf8('hello, batch'),
      )
      const batchStatement = Buffer.concat([
        utf8('tandem/envelope/v1/sealed-batch'),
        lengthPrefixed(clusterId),
        head,
        sha256(Uint8Array.of(3), ciphertext),
      ])
      expect(ed25519Verify(fromHex(PUBLIC_KEY), batchStatement, sealed.subarray(72 + h + c))).toBe(true)

      // The control entry: content length at 36, content at 40, then the signature.
      const entry = fromHex(CONTROL)
      const n = Buffer.from(entry).readUInt32BE(36)
      const controlStatement = Buffer.concat([
        utf8('tandem/envelope/v1/control'),
        lengthPrefixed(clusterId),
        entry.subarray(0, 40),
        sha256(Uint8Array.of(4), entry.subarray(40, 40 + n)),
      ])
      expect(ed25519Verify(fromHex(PUBLIC_KEY), controlStatement, entry.subarray(40 + n))).toBe(true)
    })
  })
})
