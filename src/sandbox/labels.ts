/** Labels put on every container evalbox makes, so leftovers can be found and removed. */
export const LABEL_RUN = 'evalbox.run'
/** Pid of the Vitest main process that owns the container. */
export const LABEL_PID = 'evalbox.pid'
/** Host of that process (pids mean nothing across machines sharing an engine). */
export const LABEL_HOST = 'evalbox.host'
/** The case the container serves. */
export const LABEL_CASE = 'evalbox.case'
