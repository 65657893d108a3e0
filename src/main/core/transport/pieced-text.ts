// A huge string decoded in pieces (see huge-line.ts) is handed on as one value: the pieces concatenated,
// which V8 keeps as a rope until something flattens it. The pieces are remembered here, for the one
// string last built, so that a consumer that cuts the text into pieces anyway (BodyShaper) takes them
// instead of slicing, which would flatten the rope into one more copy of the whole text.

let last: { text: string; fragments: string[] } | undefined

/** The fragments joined (a rope); remembered as the pieces of that string until `forgetFragments`. */
export function joinFragments(fragments: string[]): string {
  let text = ''
  for (const fragment of fragments) text += fragment
  last = fragments.length > 1 ? { text, fragments } : undefined
  return text
}

/** The fragments `text` was joined from, if it is the string last joined and not yet forgotten. */
export function fragmentsOf(text: string): string[] | undefined {
  // Same length first: comparing two different huge strings of one length is the rare, slow case.
  return last !== undefined && last.text.length === text.length && last.text === text ? last.fragments : undefined
}

/** Lets go of the remembered fragments (the value they were joined for has been handled). */
export function forgetFragments(): void {
  last = undefined
}
