export const root: string
export function buildIsFresh(dir?: string): boolean
export function browserCommand(
  url: string,
  platform?: NodeJS.Platform,
  env?: NodeJS.ProcessEnv,
): { skip: string } | { cmd: string; args: string[]; verbatim?: boolean }
export function serverUrlFrom(line: string): string | undefined
export function binScript(pkg: string, name?: string): string
export function builderLine(line: string, failure: string | undefined): { print: string | undefined; failure: string | undefined }
export function noDisplayReason(platform?: NodeJS.Platform, env?: NodeJS.ProcessEnv): string | undefined
