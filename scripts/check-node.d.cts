export function supported(version: string): boolean
export function refusal(version: string): string
