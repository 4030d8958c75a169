import { writerLabel } from './bytes.js'
import { RevokedKeyError, UnknownWriterError } from './errors.js'
import type { PublicKeyRing } from './keyring.js'

/**
 * Throws `RevokedKeyError` when `epoch` is revoked or `writer` is revoked at it, and
 * `UnknownWriterError` when `writer` is not registered. Shared by every signed object sealed
 * under an epoch (entries, sealed batches), so they all apply one rule.
 */
export function checkWriterStanding(keyRing: PublicKeyRing, writer: Uint8Array, epoch: number): void {
  if (keyRing.isEpochRevoked(epoch)) throw new RevokedKeyError(`epoch ${epoch} is revoked`)
  const standing = keyRing.writerStanding(writer, epoch)
  if (standing === 'unknown') throw new UnknownWriterError(`writer ${writerLabel(writer)} is not registered`)
  if (standing === 'revoked') {
    throw new RevokedKeyError(`writer ${writerLabel(writer)} is revoked at epoch ${epoch}`)
  }
}
