// The bytes of a partial JSONL line, held so that a huge line costs as little as it can in main.

// A short partial line is kept as the Buffers it arrived in (cheap: one per chunk boundary). From this
// size, or this many pieces, it moves into one buffer of its own and later chunks are copied in.
const OWN_STORE_BYTES = 1 << 20;
const OWN_STORE_PIECES = 1024;

type Detachable = ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };

/**
 * The pending bytes of one line. A long line is copied into a growing ArrayBuffer owned here, so the
 * chunks it came in die young (a scavenge frees them), and that buffer is detached right after the line
 * is decoded, which frees it at once instead of at the next full GC. Untouched capacity of a fresh
 * ArrayBuffer is zero pages, so growing by doubling costs no resident memory.
 */
export class PendingBytes {
  private pieces: Buffer[] = [];
  private store: ArrayBuffer | undefined;
  private view: Buffer | undefined;
  length = 0;

  append(bytes: Buffer): void {
    if (this.view) {
      this.reserve(this.length + bytes.length);
      this.length += bytes.copy(this.view, this.length);
      return;
    }
    this.pieces.push(bytes);
    this.length += bytes.length;
    if (this.length >= OWN_STORE_BYTES || this.pieces.length >= OWN_STORE_PIECES) {
      const pieces = this.pieces;
      this.pieces = [];
      this.length = 0;
      this.reserve(Math.max(OWN_STORE_BYTES * 4, pieces.reduce((n, p) => n + p.length, 0) * 2));
      for (const piece of pieces) this.length += piece.copy(this.view!, this.length);
    }
  }

  /** The pending bytes plus `last`, decoded as UTF-8; the reader is empty afterwards. */
  take(last?: Buffer): string {
    if (last && last.length > 0) this.append(last);
    const { pieces, store, view, length } = this;
    this.pieces = [];
    this.store = undefined;
    this.view = undefined;
    this.length = 0;
    if (view) {
      const line = view.toString('utf8', 0, length);
      detach(store!);
      return line;
    }
    if (pieces.length === 0) return '';
    if (pieces.length === 1) return pieces[0]!.toString('utf8');
    return Buffer.concat(pieces, length).toString('utf8');
  }

  /** Drops the pending bytes (an over-long line). */
  clear(): void {
    if (this.store) detach(this.store);
    this.pieces = [];
    this.store = undefined;
    this.view = undefined;
    this.length = 0;
  }

  private reserve(bytes: number): void {
    if (this.store && this.store.byteLength >= bytes) return;
    let capacity = this.store?.byteLength ?? OWN_STORE_BYTES;
    while (capacity < bytes) capacity *= 2;
    const grown = new ArrayBuffer(capacity);
    const view = Buffer.from(grown);
    if (this.view) this.view.copy(view, 0, 0, this.length);
    if (this.store) detach(this.store);
    this.store = grown;
    this.view = view;
  }
}

/** Frees an ArrayBuffer's memory now (transfer detaches it), where the runtime supports it. */
function detach(store: ArrayBuffer): void {
  (store as Detachable).transfer?.(0);
}
