/**
 * The one contract between main and renderer. Every method and stream is declared here once;
 * the router validates inputs against it and both sides infer their types from it.
 */
export * from './wire'
export * from './records'
export * from './methods'
