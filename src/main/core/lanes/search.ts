import type { z } from 'zod'
import type { SearchHit } from '../../../shared/contract'

// Being written: search across transcripts.
export async function searchTranscripts(
  _lanes: ReadonlyArray<{ id: string; title: string; archived: boolean; file: string }>,
  _query: string,
  _limit: number,
): Promise<z.infer<typeof SearchHit>[]> {
  throw new Error('not written yet')
}
