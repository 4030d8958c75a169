/**
 * A DataView over the whole buffer of the last bytes asked about. Making a DataView costs more than
 * comparing or copying the 64 bytes it serves, and the envelopes of a batch share one buffer (a
 * sealed batch is one allocation; a received frame holds many), so one view serves them all; the
 * caller adds `bytes.byteOffset` to its offsets.
 */
export class DataViewCache {
  #buffer: ArrayBufferLike | undefined
  #view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0))

  of(bytes: Uint8Array): DataView<ArrayBufferLike> {
    if (bytes.buffer !== this.#buffer) {
      this.#buffer = bytes.buffer
      this.#view = new DataView(bytes.buffer)
    }
    return this.#view
  }
}
