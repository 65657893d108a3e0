/** Where the app's own page is served from: the dev server in development, the built file otherwise. */
export interface AppLocation {
  devUrl?: string
  /** file:// URL of the built index.html. */
  fileUrl: string
}

/**
 * Whether `url` is Switchyard's own page (any of its views: `?view=background` too). IPC answers only
 * frames at such a URL; anything else (a navigated-away frame, an iframe, devtools) is refused.
 */
export function isAppUrl(url: string, app: AppLocation): boolean {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  if (app.devUrl) return u.origin === new URL(app.devUrl).origin && u.origin !== 'null'
  const own = new URL(app.fileUrl)
  return u.protocol === 'file:' && u.host === own.host && u.pathname === own.pathname
}
