/** Names the packaged app is known by; electron-builder.yml must agree (test/unit/packaging.test.ts checks). */
export const APP_ID = 'dev.switchyard.app'
export const PRODUCT_NAME = 'Switchyard'
/** The Linux executable, and so the `.desktop` file the launcher badge belongs to. */
export const LINUX_EXECUTABLE = 'switchyard'
