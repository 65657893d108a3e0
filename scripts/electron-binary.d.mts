export type ElectronResult =
  | { ok: true; exe: string }
  | { ok: false; reason: string; url?: string; cachePath?: string; file?: string }
export const STALL_MS: number
export function electronPackageDir(from?: string): string
export function target(env?: NodeJS.ProcessEnv): { platform: string; arch: string }
export function installedElectron(dir?: string, env?: NodeJS.ProcessEnv): string | undefined
export function artifactLocation(
  version: string,
  target: { platform: string; arch: string },
  env?: NodeJS.ProcessEnv,
): { url: string; file: string; cachePath: string }
export function describeError(err: unknown): string
export function ensureElectron(options?: {
  dir?: string
  out?: { write(text: string): unknown; isTTY?: boolean }
  stallMs?: number
}): Promise<ElectronResult>
export function explainFailure(result: ElectronResult, needs?: string): string
