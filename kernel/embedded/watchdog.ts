// The embedded PostgreSQL has no init system behind it: when its postmaster dies (the OOM
// killer, a kill -9, a crash the postmaster cannot recover from) nobody else will start it
// again. Its owner looks every second and, finding no live postmaster, starts one on the
// same socket or port; the pools reconnect by themselves, and requests answer 503
// DATABASE_UNAVAILABLE only while it is down. A start that fails (the dead server's backends
// still hold its shared memory for a moment) is tried again on the next look.
export interface WatchdogHooks {
  /** This process owns the server now (an owner may have handed it to us when it stopped). */
  owns (): boolean
  alive (): boolean
  restart (): Promise<void>
  log: { warn (msg: string): void, info (msg: string): void }
}

export interface Watchdog { stop (): Promise<void> }

export function watchPostmaster (hooks: WatchdogHooks, intervalMs = 1000): Watchdog {
  let stopped = false
  let restarting: Promise<void> | null = null
  let failures = 0
  let downSince = 0
  const look = () => {
    if (stopped || restarting || !hooks.owns() || hooks.alive()) return
    if (failures === 0) {
      downSince = Date.now()
      hooks.log.warn('embedded PostgreSQL: the server has exited unexpectedly; starting it again')
    }
    restarting = hooks.restart().then(
      () => { hooks.log.info(`embedded PostgreSQL: running again, ${Date.now() - downSince} ms after it was found gone`); failures = 0 },
      (err: Error) => { failures++; if (failures === 1 || failures % 30 === 0) hooks.log.warn(`embedded PostgreSQL: could not start it again yet (${err.message}); trying every ${intervalMs / 1000} s`) }
    ).finally(() => { restarting = null })
  }
  const timer = setInterval(look, intervalMs)
  timer.unref()
  return {
    async stop () {
      stopped = true
      clearInterval(timer)
      // A start under way finishes first, so the caller's stop finds (and stops) its server.
      await restarting
    }
  }
}
