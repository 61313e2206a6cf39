// What the pupil sees inside web pages (top frame only): the lock screen, teachers' messages, the
// acceptable-use notice and the idle warning. Plain DOM in closed shadow roots; collector text is
// only ever set as textContent.
export { showLock, hideLock, isLockShown, type LockState, type LockOptions } from './lock-overlay.ts';
export { showMessage, hideMessages, type TeacherMessage, type MessageOptions } from './message-toast.ts';
export { showNotice, hideNotice, isNoticeShown, type Notice } from './notice-dialog.ts';
export { showIdleWarning, hideIdleWarning } from './idle-warning.ts';
export { formatCountdown } from './format-countdown.ts';
export { preparePageBlocker } from './page-blocker.ts';
