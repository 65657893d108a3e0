// Plain process checks, with no test runner imported: the vitest suites and the Playwright Electron specs share them.

/** Whether a process with this pid exists (a zombie counts). */
export const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Whether anything of the process group `pgid` (a lane's agent and its children) is left. */
export const groupAlive = (pgid: number) => alive(-pgid)
